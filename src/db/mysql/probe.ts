/**
 * MySQL/MariaDB probe: `CREATE TABLE <private name> LIKE <table>` in the same database, then run the statement on
 * the shadow with an explicit ALGORITHM, weakest first (INSTANT, NOCOPY on MariaDB, INPLACE, COPY) and, for the
 * in-place ones, the weakest LOCK the server accepts. The first combination the server accepts is what it would
 * do; a changed InnoDB table id means the table was rebuilt. The shadow is dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import type { LockLevel, MysqlAlgorithm, TableRef } from '../../core/types';
import type { ProbeResult } from '../client';
import { qualifiedTable } from '../../core/sql';
import { blocksOf } from '../locks';
import { failedProbe, probeRefusal } from '../probeGuard';
import { currentSchemaOrNull } from '../schema';
import { retarget, tokenize } from '../sqlText';
import { tableRow, type Queryable } from './introspect';

interface Attempt {
  readonly algorithm: MysqlAlgorithm;
  readonly lock?: LockClause;
}

type LockClause = 'NONE' | 'SHARED' | 'EXCLUSIVE';

/**
 * Weakest first. A statement that names its ALGORITHM and/or LOCK is tried only as written (with the weakest
 * lock the server accepts when it names no LOCK), so the probe verifies the step as it will run.
 */
export function attempts(written: { algorithm?: MysqlAlgorithm; lock?: LockClause }): Attempt[] {
  const locks: readonly LockClause[] = written.lock ? [written.lock] : ['NONE', 'SHARED', 'EXCLUSIVE'];
  const ladder = (algorithm: MysqlAlgorithm): Attempt[] =>
    algorithm === 'INSTANT'
      ? [{ algorithm }]
      : locks.filter((l) => algorithm !== 'COPY' || l !== 'NONE').map((lock) => ({ algorithm, lock }));
  const algorithms: MysqlAlgorithm[] = written.algorithm ? [written.algorithm] : ['INSTANT', 'INPLACE', 'COPY'];
  return algorithms.flatMap(ladder);
}

/** The ALGORITHM= / LOCK= clauses a statement names (DEFAULT counts as not named). */
export function writtenClauses(sql: string): { algorithm?: MysqlAlgorithm; lock?: LockClause } {
  const a = /\bALGORITHM\s*=?\s*(INSTANT|NOCOPY|INPLACE|COPY)\b/i.exec(sql)?.[1]?.toUpperCase() as MysqlAlgorithm | undefined;
  const l = /\bLOCK\s*=?\s*(NONE|SHARED|EXCLUSIVE)\b/i.exec(sql)?.[1]?.toUpperCase() as LockClause | undefined;
  return { ...(a ? { algorithm: a } : {}), ...(l ? { lock: l } : {}) };
}

/** Remove ALGORITHM= and LOCK= clauses the statement already has; the probe adds its own. */
export function stripAlgorithmAndLock(sql: string): string {
  return sql.replace(/\s*,?\s*\b(ALGORITHM|LOCK)\s*=?\s*(DEFAULT|INSTANT|NOCOPY|INPLACE|COPY|NONE|SHARED|EXCLUSIVE)\b/gi, '').trim();
}

function withAttempt(sql: string, a: Attempt): string {
  const isAlter =
    tokenize(sql, 'mysql')
      .find((t) => t.kind === 'word')
      ?.text.toUpperCase() === 'ALTER';
  const clauses = [`ALGORITHM=${a.algorithm}`, ...(a.lock ? [`LOCK=${a.lock}`] : [])];
  return isAlter ? `${sql}, ${clauses.join(', ')}` : `${sql} ${clauses.join(' ')}`;
}

async function tableId(db: Queryable, table: TableRef): Promise<string | undefined> {
  for (const view of ['INNODB_SYS_TABLES', 'INNODB_TABLES']) {
    try {
      const [r] = await db.query<{ id: string | number }>(`SELECT TABLE_ID AS id FROM information_schema.${view} WHERE NAME = ?`, [
        `${table.schema}/${table.name}`,
      ]);
      return r ? String(r.id) : undefined;
    } catch {
      // the view has the other name on this server
    }
  }
  return undefined;
}

export async function probe(
  db: Queryable,
  table: TableRef,
  sql: string,
  _mariadb: boolean,
  setup: readonly string[] = [],
): Promise<ProbeResult> {
  const refusal = [sql, ...setup].map((s) => probeRefusal(s, 'mysql')).find((r) => r !== null);
  if (refusal) return failedProbe(sql, `Not probed: ${refusal}.`);
  await tableRow(db, table); // a clear "does not exist" before anything is created
  const currentDb = await currentSchemaOrNull(db, 'mysql');
  const shadow: TableRef = { schema: table.schema, name: `_cw_probe_${randomBytes(5).toString('hex')}` };
  const target = retarget(sql, 'mysql', table, qualifiedTable('mysql', shadow), currentDb ?? undefined);
  if (target.replaced === 0)
    return failedProbe(sql, `The statement does not name the table ${table.schema}.${table.name}, so there is nothing to probe.`);
  const base = stripAlgorithmAndLock(target.sql);
  await db.query(`CREATE TABLE ${qualifiedTable('mysql', shadow)} LIKE ${qualifiedTable('mysql', table)}`);
  try {
    for (const earlier of setup) {
      try {
        await db.query(retarget(earlier, 'mysql', table, qualifiedTable('mysql', shadow), currentDb ?? undefined).sql);
      } catch (err) {
        return failedProbe(base, `an earlier step failed on the empty copy: ${(err as Error).message}`);
      }
    }
    const tried: string[] = [];
    let firstError: string | undefined;
    for (const a of attempts(writtenClauses(target.sql))) {
      const before = await tableId(db, shadow);
      const stmt = withAttempt(base, a);
      try {
        await db.query(stmt);
      } catch (err) {
        const msg = (err as Error).message.replace(/ \(statement: .*\)$/s, '');
        tried.push(`${a.algorithm}${a.lock ? `/LOCK=${a.lock}` : ''}: ${msg}`);
        if (!/ALGORITHM|LOCK=|not supported/i.test(msg)) firstError ??= msg;
        continue;
      }
      const after = await tableId(db, shadow);
      const rewrite = a.algorithm === 'COPY' || (before !== undefined && after !== undefined && before !== after);
      const lock: LockLevel = a.algorithm === 'INSTANT' ? 'NONE' : (a.lock ?? 'NONE');
      tried.push(`${a.algorithm}${a.lock ? `/LOCK=${a.lock}` : ''}: accepted; table id ${before ?? '?'} → ${after ?? '?'}`);
      return {
        sql: stmt,
        lock,
        locks: [`ALGORITHM=${a.algorithm}`, ...(a.lock ? [`LOCK=${a.lock}`] : [])],
        rewrite,
        algorithm: a.algorithm,
        blocks: blocksOf(lock, 'mysql'),
        detail: tried.join('; '),
      };
    }
    return failedProbe(base, firstError ?? tried.at(-1) ?? 'no algorithm was accepted', tried.join('; '));
  } finally {
    await db.query(`DROP TABLE IF EXISTS ${qualifiedTable('mysql', shadow)}`).catch(() => undefined);
  }
}
