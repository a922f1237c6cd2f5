/** Tiny accessors for parser output (plain JSON of unknown shape). */

export type Obj = Readonly<Record<string, unknown>>;

export function obj(x: unknown): Obj {
  return x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Obj) : {};
}

export function arr(x: unknown): readonly unknown[] {
  return Array.isArray(x) ? x : [];
}

export function str(x: unknown): string | undefined {
  return typeof x === 'string' ? x : undefined;
}

export function num(x: unknown): number | undefined {
  return typeof x === 'number' ? x : undefined;
}

/** The single key of a tagged node (`{ "AlterTableStmt": {…} }` → ['AlterTableStmt', {…}]). */
export function tagged(x: unknown): [string, Obj] {
  const o = obj(x);
  // The first key, without Object.keys's array of all of them (asked several times per node of every statement).
  for (const key in o) if (Object.hasOwn(o, key)) return [key, obj(o[key])];
  return ['', obj(undefined)];
}

/**
 * The text of an expression that starts at `start` in `sql`: up to the first top-level comma, closing
 * parenthesis or one of `stopWords`. Quotes and nested parentheses and brackets are skipped.
 */
export function expressionText(sql: string, start: number, stopWords: readonly string[]): string {
  let depth = 0;
  let i = start;
  let first = true;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === '\\' && c !== '"') {
          j += 2;
          continue;
        }
        if (sql[j] === c) {
          if (sql[j + 1] === c) {
            j += 2;
            continue;
          }
          break;
        }
        j++;
      }
      i = j + 1;
      first = false;
      continue;
    }
    // Brackets nest like parentheses: `ARRAY['a', 'b']` is one expression.
    if (c === '(' || c === '[') {
      depth++;
      i++;
      first = false;
      continue;
    }
    if (c === ')' || c === ']') {
      if (depth === 0) break;
      depth--;
      i++;
      continue;
    }
    if (depth === 0 && (c === ',' || c === ';')) break;
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i))!;
      if (depth === 0 && !first && stopWords.includes(m[0].toUpperCase())) break;
      i += m[0].length;
      first = false;
      continue;
    }
    if (!/\s/.test(c)) first = false;
    i++;
  }
  return sql.slice(start, i).trim();
}
