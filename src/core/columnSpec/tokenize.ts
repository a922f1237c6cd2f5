/**
 * Tokens of SQL column syntax, per dialect: words, quoted identifiers, numbers (with bit and hex literals), strings
 * (with PostgreSQL E'' and MySQL backslash escapes) and punctuation. Comments and ';' are refused. Pure.
 */
import { isPostgres, readQuotedName } from '../sql';
import type { Dialect } from '../types';

/** A column definition that could not be understood; `position` is the 0-based character offset. */
export class ColumnSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'ColumnSyntaxError';
  }
}

export type TokenKind = 'word' | 'quoted' | 'number' | 'string' | 'punct';
export interface Token {
  readonly kind: TokenKind;
  /** Source text. */
  readonly text: string;
  /** Identifier name (quoted: unquoted) or the string's decoded value. */
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

/** "at character n (near …)" or "at the end": where a ColumnSyntaxError points. */
export function near(text: string, pos: number): string {
  if (pos >= text.length) return 'at the end';
  const snippet = text.slice(pos, pos + 20);
  return `at character ${pos + 1} (near "${snippet}${text.length > pos + 20 ? '…' : ''}")`;
}

/** The tokens of a column definition; throws ColumnSyntaxError on comments, ';', unterminated quotes and stray characters. */
export function tokenize(text: string, dialect: Dialect): Token[] {
  const pg = isPostgres(dialect);
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if ((c === '-' && text[i + 1] === '-') || (c === '/' && text[i + 1] === '*') || (c === '#' && !pg)) {
      throw new ColumnSyntaxError(`comments are not allowed in a column definition ${near(text, i)}`, i);
    }
    if (c === ';') throw new ColumnSyntaxError(`';' ${near(text, i)}: a column definition is a single clause, not a statement`, i);
    const start = i;
    if (c === "'" || (c === '"' && !pg)) {
      const { value, end } = readString(text, i, dialect, false);
      out.push({ kind: 'string', text: text.slice(start, end), value, start, end });
      i = end;
      continue;
    }
    if (pg && (c === 'e' || c === 'E') && text[i + 1] === "'") {
      const { value, end } = readString(text, i + 1, dialect, true);
      out.push({ kind: 'string', text: text.slice(start, end), value, start, end });
      i = end;
      continue;
    }
    if ((c === '"' && pg) || (c === '`' && !pg)) {
      const quoted = readQuotedName(text, i);
      if (!quoted) throw new ColumnSyntaxError(`unterminated quoted identifier starting at character ${i + 1}`, i);
      if (quoted.value === '') throw new ColumnSyntaxError(`empty quoted identifier at character ${i + 1}`, i);
      out.push({ kind: 'quoted', text: text.slice(start, quoted.end), value: quoted.value, start, end: quoted.end });
      i = quoted.end;
      continue;
    }
    // Bit and hex literals: b'101', X'1F' (both dialects), 0x1F and 0b101 (MySQL/MariaDB).
    const bits = (pg ? /^(?:[bB]'[01]*'|[xX]'[0-9a-fA-F]*')/ : /^(?:[bB]'[01]*'|[xX]'[0-9a-fA-F]*'|0x[0-9a-fA-F]+\b|0b[01]+\b)/).exec(
      text.slice(i),
    );
    if (bits) {
      out.push({ kind: 'number', text: bits[0], value: bits[0], start, end: i + bits[0].length });
      i += bits[0].length;
      continue;
    }
    if (/^[bBxX]'/.test(text.slice(i))) {
      throw new ColumnSyntaxError(
        `invalid ${/^[bB]/.test(c) ? "bit literal: b'…' takes only 0 and 1" : "hex literal: x'…' takes only hex digits"} ${near(text, i)}`,
        i,
      );
    }
    const num = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (num) {
      out.push({ kind: 'number', text: num[0], value: num[0], start, end: i + num[0].length });
      i += num[0].length;
      continue;
    }
    const word = /^[\p{L}_][\p{L}\p{N}_$]*/u.exec(text.slice(i));
    if (word) {
      out.push({ kind: 'word', text: word[0], value: word[0].toLowerCase(), start, end: i + word[0].length });
      i += word[0].length;
      continue;
    }
    const op = /^(::|<>|<=|>=|!=|\|\||[-+*/%<>=!~^&|(),.[\]:@?])/.exec(text.slice(i));
    if (op) {
      out.push({ kind: 'punct', text: op[0], value: op[0], start, end: i + op[0].length });
      i += op[0].length;
      continue;
    }
    throw new ColumnSyntaxError(`unexpected character "${c}" ${near(text, i)}`, i);
  }
  return out;
}

function readString(text: string, quoteAt: number, dialect: Dialect, escapes: boolean): { value: string; end: number } {
  const q = text[quoteAt]!;
  const backslash = escapes || !isPostgres(dialect);
  let value = '';
  let j = quoteAt + 1;
  for (;;) {
    if (j >= text.length) throw new ColumnSyntaxError(`unterminated string starting at character ${quoteAt + 1}`, quoteAt);
    const ch = text[j]!;
    if (backslash && ch === '\\' && j + 1 < text.length) {
      const n = text[j + 1]!;
      value += ({ n: '\n', t: '\t', r: '\r', '0': '\u0000', b: '\b', Z: '\u001a' } as Record<string, string>)[n] ?? n;
      j += 2;
      continue;
    }
    if (ch === q) {
      if (text[j + 1] === q) {
        value += q;
        j += 2;
        continue;
      }
      return { value, end: j + 1 };
    }
    value += ch;
    j++;
  }
}

/** The text of a whole bit or hex literal token: b'101', X'1F', 0x1F, 0b101 (the last two MySQL/MariaDB only). */
export const BIT_LITERAL = /^(?:[bB]'[01]*'|[xX]'[0-9a-fA-F]*'|0x[0-9a-fA-F]+|0b[01]+)$/;
