/**
 * Quoting and small SQL-text helpers: the only place that turns names and values into SQL text. Pure.
 *
 * PostgreSQL: identifiers in double quotes with `"` doubled; MySQL/MariaDB: backticks with `` ` `` doubled.
 * Identifiers are always quoted, so reserved words, mixed case and unicode need no special handling.
 */
import type { Dialect, TableRef } from './types';

/** A name or value that cannot be written as SQL at all (empty, or containing a NUL character). */
export class SqlTextError extends Error {
  override readonly name = 'SqlTextError';
}

export function isPostgres(dialect: Dialect): boolean {
  return dialect === 'postgres';
}

/**
 * The quoted name whose opening quote (`"` or `` ` ``) is at `text[open]`, a doubled quote read as one; `end` is the
 * index just after the closing quote. Undefined when the quote is never closed.
 */
export function readQuotedName(text: string, open: number): { value: string; end: number } | undefined {
  const q = text[open];
  let value = '';
  for (let j = open + 1; j < text.length; j++) {
    if (text[j] !== q) value += text[j];
    else if (text[j + 1] === q) value += text[++j];
    else return { value, end: j + 1 };
  }
  return undefined;
}

/** `"na""me"` (PostgreSQL) or `` `na``me` `` (MySQL/MariaDB). Throws on an empty name or a NUL character. */
export function quoteIdent(dialect: Dialect, name: string): string {
  if (name.length === 0) throw new SqlTextError('an identifier cannot be empty');
  if (name.includes('\u0000')) throw new SqlTextError(`the identifier ${JSON.stringify(name)} contains a NUL character`);
  if (isPostgres(dialect)) return `"${name.replace(/"/g, '""')}"`;
  return `\`${name.replace(/`/g, '``')}\``;
}

/** `"schema"."table"`, or just the quoted table when the schema is empty (the connection's default). */
export function qualifiedTable(dialect: Dialect, table: TableRef): string {
  const name = quoteIdent(dialect, table.name);
  return table.schema ? `${quoteIdent(dialect, table.schema)}.${name}` : name;
}

/**
 * A string literal that means the same text whatever the session's settings are.
 * PostgreSQL: `'…'` with `'` doubled, or `E'…'` with backslashes doubled when the text has one (as `quote_literal` does),
 * so `standard_conforming_strings` does not matter. MySQL/MariaDB: `'…'` with `'` doubled when there is no backslash;
 * otherwise a hex literal with a character-set introducer, which `NO_BACKSLASH_ESCAPES` cannot change the meaning of.
 */
export function quoteLiteral(dialect: Dialect, value: string): string {
  if (value.includes('\u0000')) throw new SqlTextError('a string literal cannot contain a NUL character');
  const quoted = value.replace(/'/g, "''");
  if (!value.includes('\\')) return `'${quoted}'`;
  if (isPostgres(dialect)) return `E'${quoted.replace(/\\/g, '\\\\')}'`;
  return `_utf8mb4 X'${utf8Hex(value)}'`;
}

/**
 * A plain `'…'` string for the places MySQL/MariaDB accept no hex literal (COMMENT, ENUM/SET values): `'` doubled and
 * backslashes doubled, which reads back as written unless the session sets NO_BACKSLASH_ESCAPES (not the default).
 * PostgreSQL: the same as `quoteLiteral`.
 */
export function quotePlainString(dialect: Dialect, value: string): string {
  if (isPostgres(dialect)) return quoteLiteral(dialect, value);
  if (value.includes('\u0000')) throw new SqlTextError('a string literal cannot contain a NUL character');
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

function utf8Hex(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const bytes =
      cp < 0x80
        ? [cp]
        : cp < 0x800
          ? [0xc0 | (cp >> 6), 0x80 | (cp & 63)]
          : cp < 0x10000
            ? [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)]
            : [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
    for (const b of bytes) out += b.toString(16).padStart(2, '0').toUpperCase();
  }
  return out;
}

/** UTF-8 length of a string, for PostgreSQL's 63-byte identifier limit. */
export function utf8Length(text: string): number {
  let n = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

/** A `down` that is only a comment: nothing to undo. Runners skip it; writers may print it. */
export function noopSql(reason: string): string {
  return `-- nothing to undo: ${reason.replace(/[\r\n]+/g, ' ')}`;
}

/** True for SQL text made only of comments and whitespace (see `noopSql`). */
export function isNoopSql(sql: string): boolean {
  return sql.split('\n').every((line) => line.trim() === '' || line.trim().startsWith('--'));
}

/**
 * Checks SQL expression text taken from the user (a default, a CHECK, a generated expression) before it is placed in a
 * statement: parentheses and quotes must balance, and it may not end the statement or open a comment.
 * The text is scanned the two ways a server may read it, and must be one expression under both:
 * PostgreSQL with `standard_conforming_strings` on (a backslash in '…' is literal) and off (it escapes the next
 * character, so `\'` does not end the string); MySQL/MariaDB with backslash escapes in '…' and "…" (the default) and
 * without (NO_BACKSLASH_ESCAPES, or ANSI_QUOTES for "…"). Column Wizard's own sessions pin the first reading, but a
 * written migration may run under either.
 * Returns a message saying what is wrong and where, or null when it is acceptable.
 */
export function expressionProblem(dialect: Dialect, sql: string): string | null {
  if (sql.trim() === '') return 'the expression is empty';
  const standard = !isPostgres(dialect);
  const problem = scanExpression(dialect, sql, standard);
  if (problem !== null) return problem;
  const other = scanExpression(dialect, sql, !standard);
  if (other === null) return null;
  return isPostgres(dialect)
    ? `${other} when the server reads a backslash in '…' as an escape (standard_conforming_strings = off); write a quote inside a string doubled ('') and use E'…' for backslash escapes`
    : `${other} when backslashes are read literally (NO_BACKSLASH_ESCAPES); write a quote inside a string doubled ('') rather than with a backslash`;
}

function scanExpression(dialect: Dialect, sql: string, backslashEscapes: boolean): string | null {
  let depth = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || (c === '`' && !isPostgres(dialect))) {
      const end = closingQuote(dialect, sql, i, backslashEscapes);
      if (end < 0) return `unterminated ${c === "'" ? 'string' : 'quoted identifier'} starting at character ${i + 1}`;
      i = end;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth < 0) return `unbalanced ')' at character ${i + 1}`;
    } else if (c === ';') return `';' at character ${i + 1} would end the statement`;
    else if ((c === '-' && sql[i + 1] === '-') || (c === '/' && sql[i + 1] === '*') || (c === '#' && !isPostgres(dialect))) {
      return `a comment at character ${i + 1} is not allowed in an expression`;
    } else if (c === '$' && isPostgres(dialect) && /^\$[A-Za-z_]*\$/.test(sql.slice(i))) {
      return `dollar quoting at character ${i + 1} is not allowed in an expression`;
    }
  }
  if (depth !== 0) return `${depth} unclosed '('`;
  return null;
}

/**
 * Index of the quote that closes the one at `start`, or -1. Handles doubled quotes and backslash escapes.
 * `backslashEscapes` says how the server reads a backslash where that depends on a setting: PostgreSQL '…' strings
 * (true = `standard_conforming_strings` off; E'…' always escapes, "…" never does; default false, the server default)
 * and MySQL/MariaDB '…' and "…" (false = NO_BACKSLASH_ESCAPES; default true, the server default).
 */
export function closingQuote(dialect: Dialect, sql: string, start: number, backslashEscapes = !isPostgres(dialect)): number {
  const q = sql[start]!;
  const escapes = isPostgres(dialect)
    ? q === "'" && (backslashEscapes || (start > 0 && /[eE]/.test(sql[start - 1]!) && !/\w/.test(sql[start - 2] ?? '')))
    : q !== '`' && backslashEscapes;
  for (let i = start + 1; i < sql.length; i++) {
    const c = sql[i]!;
    if (escapes && c === '\\') {
      i++;
      continue;
    }
    if (c === q) {
      if (sql[i + 1] === q) {
        i++;
        continue;
      }
      return i;
    }
  }
  return -1;
}
