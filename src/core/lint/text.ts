/**
 * Splitting a .sql file into statements with their text ranges, and the comments around them. Pure.
 * The splitter knows the quoting rules of both engines (dollar quotes, E'' strings, backticks, `#` comments,
 * nested block comments, MySQL `DELIMITER`), so a semicolon inside a string or a function body never splits.
 */

export type Engine = 'postgres' | 'mysql';

/** A zero-based position; `character` counts UTF-16 code units, as VS Code and SARIF (utf16CodeUnits) do. */
export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface TextRange {
  /** Offsets into the file text (UTF-16 code units), `end` exclusive. */
  readonly start: number;
  readonly end: number;
}

export interface Comment extends TextRange {
  /** The comment text without its markers, trimmed. */
  readonly text: string;
}

export interface RawStatement extends TextRange {
  /** The statement text without its terminator. */
  readonly text: string;
  /** Comments that precede the statement (since the previous statement), in order. */
  readonly leadingComments: readonly Comment[];
}

export interface SplitResult {
  readonly statements: readonly RawStatement[];
  /** Every comment in the file, for file-level annotations (a migration tool's transaction opt-out, see `fileTransactionMode`). */
  readonly comments: readonly Comment[];
  /** Quotes and block comments still open at the end of the text: everything after `start` was read as their inside. */
  readonly unterminated: readonly Unterminated[];
}

export interface Unterminated {
  readonly kind: 'block comment' | 'string' | 'quoted identifier' | 'dollar-quoted string';
  /** Offset of the opening `/*`, quote or `$tag$`. */
  readonly start: number;
}

/** A MySQL/MariaDB statement with a `BEGIN … END` body: MariaDB's anonymous block, a stored program. */
const MYSQL_COMPOUND =
  /^(?:(?:[A-Za-z_]\w*\s*:\s*)?BEGIN\s+NOT\s+ATOMIC\b|CREATE\s+(?:OR\s+REPLACE\s+)?(?:DEFINER\s*=\s*\S+\s+)?(?:PROCEDURE|FUNCTION|TRIGGER|EVENT)\b)/i;

/** Split `text` into statements. Empty statements (`;;`) are dropped; a trailing statement without `;` is kept. */
export function splitStatements(text: string, engine: Engine): SplitResult {
  const statements: RawStatement[] = [];
  const comments: Comment[] = [];
  const unterminated: Unterminated[] = [];
  let pending: Comment[] = [];
  let stmtStart = -1;
  let delimiter = ';';
  // PostgreSQL SQL-standard function bodies (`BEGIN ATOMIC … END`) hold semicolons; CASE … END nests inside them.
  // MySQL/MariaDB compound statements without DELIMITER (MariaDB `BEGIN NOT ATOMIC … END`, a stored program's
  // `BEGIN … END` body) are counted the same way: `compound` is set when the statement starts like one.
  let atomic = 0;
  let compound = false;
  let caseDepth = 0;
  let lastWord = '';
  let i = 0;
  const n = text.length;

  const flush = (end: number, next: number): void => {
    if (stmtStart >= 0) {
      let e = end;
      while (e > stmtStart && isSpace(text[e - 1]!)) e--;
      statements.push({ start: stmtStart, end: e, text: text.slice(stmtStart, e), leadingComments: pending });
      pending = [];
    }
    stmtStart = -1;
    compound = false;
    atomic = 0;
    caseDepth = 0;
    i = next;
  };

  while (i < n) {
    const c = text[i]!;
    const c2 = text[i + 1];
    // MySQL client `DELIMITER xx` lines, only at the start of a statement.
    if (engine === 'mysql' && stmtStart < 0 && /^delimiter[ \t]/i.test(text.slice(i, i + 10))) {
      const eol = text.indexOf('\n', i);
      const line = text.slice(i, eol < 0 ? n : eol);
      delimiter = line.slice(9).trim() || ';';
      i = eol < 0 ? n : eol + 1;
      continue;
    }
    if (isSpace(c)) {
      i++;
      continue;
    }
    if ((c === '-' && c2 === '-' && (engine === 'postgres' || /[\s]/.test(text[i + 2] ?? ' '))) || (engine === 'mysql' && c === '#')) {
      const eol = text.indexOf('\n', i);
      const end = eol < 0 ? n : eol;
      const body = text.slice(i + (c === '#' ? 1 : 2), end);
      const comment = { start: i, end, text: body.trim() };
      comments.push(comment);
      if (stmtStart < 0) pending.push(comment);
      i = end;
      continue;
    }
    if (c === '/' && c2 === '*') {
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        if (text[j] === '*' && text[j + 1] === '/') {
          depth--;
          j += 2;
        } else if (engine === 'postgres' && text[j] === '/' && text[j + 1] === '*') {
          depth++;
          j += 2;
        } else j++;
      }
      if (depth > 0) unterminated.push({ kind: 'block comment', start: i });
      const comment = { start: i, end: j, text: text.slice(i + 2, Math.max(i + 2, j - 2)).trim() };
      comments.push(comment);
      if (stmtStart < 0) pending.push(comment);
      i = j;
      continue;
    }
    if (text.startsWith(delimiter, i) && atomic === 0) {
      flush(i, i + delimiter.length);
      continue;
    }
    if (stmtStart < 0) {
      stmtStart = i;
      compound = engine === 'mysql' && delimiter === ';' && MYSQL_COMPOUND.test(text.slice(i, i + 200));
    }
    if (c === "'" || c === '"' || (engine === 'mysql' && c === '`')) {
      const backslash = engine === 'mysql' ? c !== '`' : c === "'" && /[eE]/.test(text[i - 1] ?? '') && !/[\w]/.test(text[i - 2] ?? '');
      const after = skipQuoted(text, i, c, backslash);
      if (after < 0) {
        unterminated.push({ kind: c === "'" ? 'string' : 'quoted identifier', start: i });
        i = n;
      } else i = after;
      continue;
    }
    if (engine === 'postgres' && isWordStart(c) && !isWordCode(text.charCodeAt(i - 1))) {
      let end = i + 1;
      while (end < n && isWordCode(text.charCodeAt(end))) end++;
      // Only BEGIN, ATOMIC, CASE and END matter: other words are not upper-cased (a string per word of the file). Their
      // lengths (3 to 6) each have one first letter, so a word of another length or first letter is none of them.
      const first = text.charCodeAt(i) | 0x20;
      const length = end - i;
      const word =
        (length === 3 && first === 0x65) /* e */ ||
        (length === 4 && first === 0x63) /* c */ ||
        (length === 5 && first === 0x62) /* b */ ||
        (length === 6 && first === 0x61) /* a */
          ? text.slice(i, end).toUpperCase()
          : '';
      if (word === 'ATOMIC' && lastWord === 'BEGIN') atomic++;
      else if (atomic > 0 && word === 'CASE') caseDepth++;
      else if (atomic > 0 && word === 'END') {
        if (caseDepth > 0) caseDepth--;
        else atomic--;
      }
      lastWord = word;
      i = end;
      continue;
    }
    if (compound && isWordStart(c) && !isWordChar(text[i - 1])) {
      const word = wordAt(text, i).toUpperCase();
      if (word === 'BEGIN') atomic++;
      else if (word === 'CASE') caseDepth++;
      else if (word === 'END') {
        // END IF / WHILE / LOOP / REPEAT close what is not counted; END CASE, or a bare END inside a CASE, closes the CASE.
        const closing = /^END\s+(IF|WHILE|LOOP|REPEAT|CASE)\b/i.exec(text.slice(i, i + 20));
        const what = closing?.[1]!.toUpperCase();
        if (what === 'CASE' || (!what && caseDepth > 0)) caseDepth = Math.max(0, caseDepth - 1);
        else if (!what) atomic = Math.max(0, atomic - 1);
        if (closing) {
          i += closing[0].length;
          continue;
        }
      }
      i += word.length;
      continue;
    }
    if (engine === 'postgres' && c === '$') {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 64));
      if (m && !/[\w$]/.test(text[i - 1] ?? '')) {
        const close = text.indexOf(m[0], i + m[0].length);
        if (close < 0) unterminated.push({ kind: 'dollar-quoted string', start: i });
        i = close < 0 ? n : close + m[0].length;
        continue;
      }
    }
    i++;
  }
  flush(n, n);
  return { statements, comments, unterminated };
}

/** `/\s/.test(c)` for one character, without the regular expression for ASCII (the splitter asks it for every character). */
function isSpace(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return /\s/.test(c);
}

/** `[A-Za-z_]`, without a regular expression: the splitter asks it for most characters of a file. */
function isWordStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}

/** `[\w$]` (`undefined` before the text's start is not one). */
function isWordChar(c: string | undefined): boolean {
  return c !== undefined && (isWordStart(c) || (c >= '0' && c <= '9') || c === '$');
}

/** isWordChar of a character code (NaN, before the text's start or after its end, is not one). */
function isWordCode(x: number): boolean {
  return (x >= 97 && x <= 122) || (x >= 65 && x <= 90) || x === 95 || (x >= 48 && x <= 57) || x === 36;
}

const WORD_AT = /[A-Za-z_][\w$]*/y;

/** The word (`[A-Za-z_][\w$]*`) that starts at `i`, which must be a word start. */
function wordAt(text: string, i: number): string {
  WORD_AT.lastIndex = i;
  return WORD_AT.exec(text)![0];
}

/** The offset after the closing quote, or -1 when the text ends first. */
function skipQuoted(text: string, start: number, quote: string, backslash: boolean): number {
  let j = start + 1;
  while (j < text.length) {
    const ch = text[j]!;
    if (backslash && ch === '\\') {
      j += 2;
      continue;
    }
    if (ch === quote) {
      if (text[j + 1] === quote) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j++;
  }
  return -1;
}

/**
 * Whether file contents are binary rather than SQL text: not valid UTF-8, or more than 10% control characters
 * (tab, line breaks and form feed excepted). A text file with a stray NUL byte is still text (lint reports the NUL).
 * Returns the decoded text, or undefined for binary input.
 */
export function decodeSqlText(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
  let control = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 12 && c !== 13) || c === 127) control++;
  }
  return control > text.length / 10 ? undefined : text;
}

/** Maps offsets to line/character positions. */
export class LineMap {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  positionAt(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo]! };
  }
}

/** Converts a UTF-8 byte offset within `text` (as PostgreSQL's parser reports) to a UTF-16 offset. */
export function utf8ToUtf16Offset(text: string, byteOffset: number): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    if (bytes >= byteOffset) return i;
    const code = text.codePointAt(i)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (code >= 0x10000) i++;
  }
  return text.length;
}

/** One `-- column-wizard-ignore rule-a, rule-b: reason` comment (no rule ids = `all`). */
export interface IgnoreComment {
  readonly rules: readonly string[];
  /** The text after the first `:`; undefined when the comment gives none. */
  readonly reason?: string;
  readonly fileWide: boolean;
  readonly range: TextRange;
}

/**
 * `-- column-wizard-ignore rule-a, rule-b: reason` (or `all`, or no ids for all) in the comments before a statement;
 * file-wide with `-- column-wizard-ignore-file …`. The reason is everything after the first colon.
 */
export function ignoreComments(comments: readonly Comment[], fileWide: boolean): IgnoreComment[] {
  const out: IgnoreComment[] = [];
  if (comments.length === 0) return out;
  const re = fileWide ? /^column-wizard-ignore-file\b(.*)$/is : /^column-wizard-ignore\b(?!-file)(.*)$/is;
  for (const c of comments) {
    const m = re.exec(c.text);
    if (!m) continue;
    const colon = m[1]!.indexOf(':');
    const ids = colon < 0 ? m[1]! : m[1]!.slice(0, colon);
    const reason = colon < 0 ? undefined : m[1]!.slice(colon + 1).trim() || undefined;
    const list = ids
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((r) => r.toLowerCase());
    out.push({ rules: list.length ? list : ['all'], ...(reason ? { reason } : {}), fileWide, range: { start: c.start, end: c.end } });
  }
  return out;
}

/** The rule ids (or `all`) the ignore comments name. */
export function ignoredRules(comments: readonly Comment[], fileWide: boolean): Set<string> {
  return new Set(ignoreComments(comments, fileWide).flatMap((c) => c.rules));
}
