/** Shared pieces of the writers whose migrations are JavaScript/TypeScript modules. Pure. */
import { commentLines, jsString, manualSql, type Statement, type Unit } from './units';
import type { CodeFlavour, ManualStep } from './types';

/** One awaited call per statement, e.g. `await knex.raw("…");`, with the statement's comment lines above it. */
export function calls(stmts: readonly Statement[], call: (literal: string) => string, indent: string): string[] {
  return stmts.flatMap((s) => [...commentLines(s).map((l) => `${indent}// ${l}`), `${indent}${call(jsString(s.sql))};`]);
}

export function flavourOf(ext: string, packageIsModule: boolean): CodeFlavour {
  return { ext, esm: ext === 'ts' || ext === 'mts' || ext === 'mjs' || (ext === 'js' && packageIsModule) };
}

export const isTs = (f: CodeFlavour) => /ts$/.test(f.ext);

/**
 * Units a tool cannot run (they must run outside a transaction and the tool's runner always opens one) become
 * plain-SQL manual steps placed after the last unit written before them.
 */
export function splitRunnable(units: readonly Unit[], runnable: (u: Unit) => boolean): { written: Unit[]; manual: ManualStep[] } {
  const written: Unit[] = [];
  const manual: ManualStep[] = [];
  let last = '(before the first migration)';
  for (const u of units) {
    if (runnable(u)) {
      written.push(u);
      last = u.slug;
    } else {
      manual.push({ title: u.title, when: `after ${last} is applied`, sql: manualSql(u) });
    }
  }
  return { written, manual };
}

/** The note for tools that run every pending migration in one transaction by default. */
export function oneTransactionWarning(tool: string, howToSplit: string): string {
  return `${tool} runs all pending migrations in one transaction by default, so the expand step's lock would be held until the last phase commits; ${howToSplit}.`;
}
