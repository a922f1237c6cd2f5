/**
 * How often a default expression is evaluated, judged against each dialect's function-volatility vocabulary
 * (`POSTGRES_FUNCTIONS` in postgres.ts, `MYSQL_FUNCTIONS` in mysql.ts). The lock rules (core/rules.ts), the planner,
 * the validator and the linter ask `defaultVolatility`. Pure.
 */
import { closingQuote } from '../sql';
import type { Dialect } from '../types';
import { MYSQL_FUNCTIONS } from './mysql';
import { POSTGRES_FUNCTIONS } from './postgres';

export type Volatility = 'immutable' | 'stable' | 'volatile' | 'unknown';

/** A dialect's built-in names by how often they are evaluated; a name in none of the three sets is `unknown`. */
export interface FunctionVolatility {
  readonly immutable: ReadonlySet<string>;
  readonly stable: ReadonlySet<string>;
  readonly volatile: ReadonlySet<string>;
}

const RANK: Record<Volatility, number> = { immutable: 0, stable: 1, unknown: 2, volatile: 3 };

/**
 * How often a default expression is evaluated, from a built-in list (`now()` stable, `clock_timestamp()` volatile…).
 * Any name it does not know makes the answer `unknown`; the database layer can confirm with `pg_proc.provolatile`.
 */
export function defaultVolatility(expr: string, dialect: Dialect): Volatility {
  const pg = dialect === 'postgres';
  const { stable, volatile, immutable } = pg ? POSTGRES_FUNCTIONS : MYSQL_FUNCTIONS;
  let worst: Volatility = 'immutable';
  let afterCast = false;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i]!;
    if (c === "'" || c === '"' || (c === '`' && !pg)) {
      const end = closingQuote(dialect, expr, i);
      if (end < 0) return 'unknown';
      i = end;
      continue;
    }
    if (c === ':' && expr[i + 1] === ':') {
      afterCast = true;
      i++;
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(expr.slice(i));
    if (!m) {
      if (!/\s/.test(c)) afterCast = false;
      continue;
    }
    const word = m[0].toLowerCase();
    i += m[0].length - 1;
    if (afterCast) continue; // a type name after `::`; casts of constants are immutable
    let v: Volatility;
    if (volatile.has(word)) v = 'volatile';
    else if (stable.has(word)) v = 'stable';
    else if (immutable.has(word)) v = 'immutable';
    else v = 'unknown';
    if (RANK[v] > RANK[worst]) worst = v;
  }
  return worst;
}
