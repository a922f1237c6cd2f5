/**
 * Just enough SQL lexing for the db layer to point a statement at a probe's shadow table (splitting a script into
 * statements is core/lint/text's `splitStatements`). Quotes, dollar quotes and comments are respected; nothing is evaluated.
 */
import { closingQuote } from '../core/sql';
import type { TableRef } from '../core/types';

export type SqlFlavor = 'postgres' | 'mysql';

export interface Token {
  readonly kind: 'word' | 'quoted' | 'string' | 'space' | 'comment' | 'punct';
  readonly text: string;
}

export function tokenize(sql: string, flavor: SqlFlavor): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = sql.length;
  const push = (kind: Token['kind'], end: number) => {
    out.push({ kind, text: sql.slice(i, end) });
    i = end;
  };
  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (/\s/.test(c)) {
      let j = i + 1;
      while (j < n && /\s/.test(sql[j]!)) j++;
      push('space', j);
    } else if ((c === '-' && next === '-') || (flavor === 'mysql' && c === '#')) {
      const j = sql.indexOf('\n', i);
      push('comment', j < 0 ? n : j);
    } else if (c === '/' && next === '*') {
      let depth = 0;
      let j = i;
      while (j < n) {
        if (sql[j] === '/' && sql[j + 1] === '*') {
          depth++;
          j += 2;
          continue;
        }
        if (sql[j] === '*' && sql[j + 1] === '/') {
          depth--;
          j += 2;
          if (depth === 0 || flavor === 'mysql') break;
          continue;
        }
        j++;
      }
      push('comment', Math.min(j, n));
    } else if (c === "'" || c === '"' || (flavor === 'mysql' && c === '`')) {
      const close = closingQuote(flavor, sql, i);
      push(c === "'" || (flavor === 'mysql' && c === '"') ? 'string' : 'quoted', close < 0 ? n : close + 1);
    } else if (flavor === 'postgres' && c === '$') {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (m) {
        const close = sql.indexOf(m[0], i + m[0].length);
        push('string', close < 0 ? n : close + m[0].length);
      } else push('punct', i + 1);
    } else if (/[A-Za-z0-9_\u0080-\uffff]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$\u0080-\uffff]/.test(sql[j]!)) j++;
      push('word', j);
    } else {
      push('punct', i + 1);
    }
  }
  return out;
}

/** The identifier's value: unquoted (PostgreSQL folds unquoted names to lower case). */
export function identValue(t: Token, flavor: SqlFlavor): string | undefined {
  if (t.kind === 'quoted') {
    const q = t.text[0]!;
    return t.text
      .slice(1, -1)
      .split(q + q)
      .join(q);
  }
  if (t.kind === 'word') return flavor === 'postgres' ? t.text.toLowerCase() : t.text;
  return undefined;
}

const TABLE_KEYWORDS = new Set(['TABLE', 'ON', 'REFERENCES', 'INTO', 'UPDATE', 'FROM', 'JOIN']);
const SKIP_AFTER_KEYWORD = new Set(['ONLY', 'IF', 'EXISTS', 'NOT']);

export interface TableMention {
  readonly table: { readonly schema?: string; readonly name: string };
  /** Token index range [start, end) of the qualified name. */
  readonly start: number;
  readonly end: number;
}

/** Qualified names that follow TABLE / ON / REFERENCES / INTO / UPDATE / FROM / JOIN. */
export function tableMentions(tokens: readonly Token[], flavor: SqlFlavor): TableMention[] {
  const out: TableMention[] = [];
  const nextSolid = (k: number) => {
    while (k < tokens.length && (tokens[k]!.kind === 'space' || tokens[k]!.kind === 'comment')) k++;
    return k;
  };
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.kind !== 'word' || !TABLE_KEYWORDS.has(t.text.toUpperCase())) continue;
    let j = nextSolid(k + 1);
    while (j < tokens.length && tokens[j]!.kind === 'word' && SKIP_AFTER_KEYWORD.has(tokens[j]!.text.toUpperCase())) j = nextSolid(j + 1);
    const first = tokens[j];
    if (!first || (first.kind !== 'word' && first.kind !== 'quoted')) continue;
    const a = identValue(first, flavor)!;
    const dot = nextSolid(j + 1);
    if (tokens[dot]?.kind === 'punct' && tokens[dot]!.text === '.') {
      const second = nextSolid(dot + 1);
      const b = tokens[second] && identValue(tokens[second]!, flavor);
      if (b !== undefined) {
        out.push({ table: { schema: a, name: b }, start: j, end: second + 1 });
        k = second;
        continue;
      }
    }
    out.push({ table: { name: a }, start: j, end: j + 1 });
    k = j;
  }
  return out;
}

/**
 * Rewrite `sql` so that every mention of `table` (qualified, or unqualified when `defaultSchema` is its schema)
 * names `replacement` instead. Returns the rewritten SQL and how many mentions were replaced.
 */
export function retarget(
  sql: string,
  flavor: SqlFlavor,
  table: TableRef,
  replacement: string,
  defaultSchema: string | undefined,
): { sql: string; replaced: number } {
  const tokens = tokenize(sql, flavor);
  const mentions = tableMentions(tokens, flavor).filter(
    (m) => m.table.name === table.name && (m.table.schema ?? defaultSchema ?? table.schema) === table.schema,
  );
  if (mentions.length === 0) return { sql, replaced: 0 };
  let out = '';
  let k = 0;
  for (const m of mentions) {
    out +=
      tokens
        .slice(k, m.start)
        .map((t) => t.text)
        .join('') + replacement;
    k = m.end;
  }
  out += tokens
    .slice(k)
    .map((t) => t.text)
    .join('');
  return { sql: out, replaced: mentions.length };
}
