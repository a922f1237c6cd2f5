/**
 * PostgreSQL probe: run one statement on an empty copy of the table's definition and watch what it does.
 *  1. A short transaction creates a private schema and `CREATE TABLE … (LIKE … INCLUDING ALL)` there (the real
 *     table is held for that instant only, under a 1 s lock_timeout).
 *  2. A second transaction records the shadow's relfilenode, runs the statement on the shadow, reads its own
 *     backend's pg_locks on the shadow and the relfilenode again (changed = the statement rewrites), and rolls back.
 *     CREATE INDEX CONCURRENTLY cannot run in a transaction: a second session holds the shadow, the statement's
 *     lock request is read while it waits, then the build completes on the empty shadow.
 *  3. The private schema is dropped.
 *
 * Earlier steps (`setup`) run on the private copy between 1 and 2, each committed, one statement per query (the
 * client always uses the extended protocol, so a `;` cannot start a second statement), each retargeted at the copy
 * and refused unless it names the table. They do NOT run inside the transaction that is rolled back, on purpose:
 * lock fidelity. A transaction that already holds a lock mode on a relation shows no new pg_locks row when a later
 * statement asks for that mode again, and the transaction that creates a relation holds ACCESS EXCLUSIVE on it until
 * it ends — so with the copy or the setup in the probed statement's own transaction every statement would read as
 * ACCESS EXCLUSIVE, or as nothing (e.g. `SET NOT NULL` after `ADD COLUMN`, which the runner runs in transactions of
 * its own). A second session cannot observe it either: it cannot see an uncommitted copy. Checked on PostgreSQL 15.
 * The price is that a crash between 1 and 3 leaves the private schema behind: each one carries a comment naming its
 * backend (pid and start time), and every probe first drops this role's probe schemas whose backend is gone.
 */
import { randomBytes } from 'node:crypto';
import { PG_LOCK_RANK } from '../../core/rules';
import { qualifiedTable, quoteIdent, quoteLiteral } from '../../core/sql';
import type { LockLevel, TableRef } from '../../core/types';
import type { DatabaseClient, ProbeResult } from '../client';
import { blocksOf, pgLockLevel } from '../locks';
import { failedProbe, probeRefusal } from '../probeGuard';
import { currentSchemaOrNull } from '../schema';
import { retarget, tokenize } from '../sqlText';
import { keepingSessionSettings } from '../run/dialect';
import { tableOid, type Queryable } from './introspect';
import { runner } from './run';

export interface ProbeSession extends Queryable {
  /** Another session to the same database, for observing a statement that cannot run in a transaction. */
  openPeer(): Promise<DatabaseClient>;
}

const PROBE_LOCK_TIMEOUT = `SET LOCAL lock_timeout = '1s'`;

export function isConcurrent(sql: string): boolean {
  const words = tokenize(sql, 'postgres')
    .filter((t) => t.kind === 'word')
    .slice(0, 6)
    .map((t) => t.text.toUpperCase());
  return words.includes('CONCURRENTLY');
}

export async function probe(db: ProbeSession, table: TableRef, sql: string, setup: readonly string[] = []): Promise<ProbeResult> {
  const refusal = [sql, ...setup].map((s) => probeRefusal(s, 'postgres')).find((r) => r !== null);
  if (refusal) return failedProbe(sql, `Not probed: ${refusal}.`);
  // A private schema needs CREATE on the database; without it the copy is a temporary table (TEMP is granted to PUBLIC).
  const [{ ok: canCreate } = { ok: false }] = await db.query<{ ok: boolean }>(
    `SELECT has_database_privilege(current_database(), 'CREATE') AS ok`,
  );
  const tag = randomBytes(5).toString('hex');
  const schema = canCreate ? `cw_probe_${tag}` : 'pg_temp';
  const shadow: TableRef = { schema, name: canCreate ? table.name : `cw_probe_${tag}` };
  const defaultSchema = (await currentSchemaOrNull(db, 'postgres')) ?? undefined;
  const target = retarget(sql, 'postgres', table, qualifiedTable('postgres', shadow), defaultSchema);
  if (target.replaced === 0) {
    return failedProbe(sql, `The statement does not name the table ${table.schema}.${table.name}, so there is nothing to probe.`);
  }
  await tableOid(db, table); // a clear "does not exist" before anything is created
  const setupSql: string[] = [];
  for (const earlier of setup) {
    const s = retarget(earlier, 'postgres', table, qualifiedTable('postgres', shadow), defaultSchema);
    if (s.replaced === 0)
      return failedProbe(
        target.sql,
        `an earlier step does not name the table ${table.schema}.${table.name}, so it is not run on the copy: ${earlier}`,
      );
    setupSql.push(s.sql);
  }
  if (canCreate) await dropStaleCopies(db);
  if (!canCreate && isConcurrent(sql)) {
    return failedProbe(
      target.sql,
      'Probing CREATE INDEX CONCURRENTLY needs the CREATE privilege on the database: the copy must be visible to a second session, and a temporary table is not (on one, CONCURRENTLY is ignored).',
    );
  }
  try {
    await db.query('BEGIN');
    try {
      await db.query(PROBE_LOCK_TIMEOUT);
      if (canCreate) {
        await db.query(`CREATE SCHEMA ${quoteIdent('postgres', schema)}`);
        const [{ owner } = { owner: '' }] = await db.query<{ owner: string }>(`SELECT ${OWNER_SQL} AS owner`);
        await db.query(`COMMENT ON SCHEMA ${quoteIdent('postgres', schema)} IS ${quoteLiteral('postgres', owner)}`);
        await db.query(`CREATE TABLE ${qualifiedTable('postgres', shadow)} (LIKE ${qualifiedTable('postgres', table)} INCLUDING ALL)`);
      } else {
        await db.query(
          `CREATE TEMP TABLE ${quoteIdent('postgres', shadow.name)} (LIKE ${qualifiedTable('postgres', table)} INCLUDING ALL)`,
        );
      }
      if (/\bVALIDATE\s+CONSTRAINT\b/i.test(sql)) await copyForeignKeys(db, table, shadow);
      await db.query('COMMIT');
    } catch (err) {
      await db.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
    for (const s of setupSql) {
      try {
        await db.query(s);
      } catch (err) {
        return failedProbe(target.sql, `an earlier step failed on the empty copy: ${(err as Error).message}`);
      }
    }
    return isConcurrent(sql) ? await concurrentKeepingSettings(db, shadow, target.sql) : await probeInTransaction(db, shadow, target.sql);
  } finally {
    await db
      .query(
        canCreate
          ? `DROP SCHEMA IF EXISTS ${quoteIdent('postgres', schema)} CASCADE`
          : `DROP TABLE IF EXISTS ${qualifiedTable('postgres', shadow)}`,
      )
      .catch(() => undefined);
  }
}

/** The comment that names a probe schema's backend: `column-wizard probe: backend <pid> <backend_start epoch>`. */
const OWNER_SQL = `(SELECT format('column-wizard probe: backend %s %s', pid, extract(epoch FROM backend_start)) FROM pg_stat_activity WHERE pid = pg_backend_pid())`;

/**
 * Drop the probe schemas this role left behind when its process or connection died mid-probe: a `cw_probe_*` schema
 * owned by the current role whose comment names a backend (pid + start time) that no longer exists. A live probe's
 * schema (another session's, running now) is kept. Failures are ignored: this is housekeeping before the probe.
 */
export async function dropStaleCopies(db: Queryable): Promise<string[]> {
  const stale = await db
    .query<{ name: string }>(
      `SELECT n.nspname AS name FROM pg_namespace n
       JOIN pg_description d ON d.objoid = n.oid AND d.classoid = 'pg_namespace'::regclass AND d.objsubid = 0
      WHERE n.nspname LIKE 'cw\\_probe\\_%' AND n.nspowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
        AND d.description LIKE 'column-wizard probe: backend %'
        AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a
                         WHERE format('column-wizard probe: backend %s %s', a.pid, extract(epoch FROM a.backend_start)) = d.description)`,
    )
    .catch(() => []);
  const dropped: string[] = [];
  for (const { name } of stale) {
    try {
      await db.query(`DROP SCHEMA IF EXISTS ${quoteIdent('postgres', name)} CASCADE`);
      dropped.push(name);
    } catch {
      /* held or not ours after all: the next probe tries again */
    }
  }
  return dropped;
}

/** VALIDATE needs the constraint to exist on the shadow: foreign keys are not copied by LIKE, so add them NOT VALID. */
async function copyForeignKeys(db: Queryable, table: TableRef, shadow: TableRef): Promise<void> {
  const fks = await db.query<{ name: string; def: string }>(
    `SELECT con.conname AS name, pg_get_constraintdef(con.oid) AS def FROM pg_constraint con
       JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND con.contype = 'f'`,
    [table.schema, table.name],
  );
  for (const fk of fks) {
    const def = fk.def.replace(/\s+NOT VALID$/, '');
    await db.query(`ALTER TABLE ${qualifiedTable('postgres', shadow)} ADD CONSTRAINT ${quoteIdent('postgres', fk.name)} ${def} NOT VALID`);
  }
}

/** The shadow's oid by its qualified name (works for `pg_temp`, whose real schema is pg_temp_N). */
async function shadowOid(db: Queryable, shadow: TableRef): Promise<number> {
  const [r] = await db.query<{ oid: number | null }>('SELECT to_regclass($1)::oid::int AS oid', [qualifiedTable('postgres', shadow)]);
  if (!r?.oid) throw new Error(`the probe's copy ${qualifiedTable('postgres', shadow)} is missing`);
  return r.oid;
}

async function relfilenode(db: Queryable, oid: number): Promise<string> {
  const [r] = await db.query<{ f: string }>('SELECT relfilenode::text AS f FROM pg_class WHERE oid = $1', [oid]);
  return r?.f ?? '';
}

async function probeInTransaction(db: Queryable, shadow: TableRef, sql: string): Promise<ProbeResult> {
  await db.query('BEGIN');
  try {
    await db.query(PROBE_LOCK_TIMEOUT);
    const oid = await shadowOid(db, shadow);
    const before = await relfilenode(db, oid);
    try {
      await db.query(sql);
    } catch (err) {
      return failedProbe(sql, (err as Error).message);
    }
    const locks = (
      await db.query<{ mode: string }>(
        `SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation' AND relation = $1 AND granted`,
        [oid],
      )
    ).map((r) => r.mode);
    const after = await relfilenode(db, oid);
    return result(
      sql,
      locks,
      before !== after,
      `ran in a transaction on an empty copy; relfilenode ${before} → ${after}; locks: ${locks.join(', ') || 'none'}`,
    );
  } finally {
    await db.query('ROLLBACK').catch(() => undefined);
  }
}

/** probeConcurrent with the session's own settings set back afterwards; one that could not be is said in the detail. */
async function concurrentKeepingSettings(db: ProbeSession, shadow: TableRef, sql: string): Promise<ProbeResult> {
  const warnings: string[] = [];
  const r = await keepingSessionSettings(
    runner,
    db,
    () => probeConcurrent(db, shadow, sql),
    (w) => warnings.push(w),
  );
  return warnings.length ? { ...r, detail: [r.detail, ...warnings].join('; ') } : r;
}

async function probeConcurrent(db: ProbeSession, shadow: TableRef, sql: string): Promise<ProbeResult> {
  const oid = await shadowOid(db, shadow);
  const before = await relfilenode(db, oid);
  const [{ pid } = { pid: 0 }] = await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const peer = await db.openPeer();
  let requested: string | undefined;
  let stmtError: string | undefined;
  try {
    await peer.query('BEGIN');
    await peer.query(`LOCK TABLE ${qualifiedTable('postgres', shadow)} IN ACCESS EXCLUSIVE MODE`);
    await db.query(`SET lock_timeout = '10s'`);
    const running = db.query(sql).then(
      () => undefined,
      (err: Error) => {
        stmtError = err.message;
      },
    );
    for (let i = 0; i < 100 && !requested && stmtError === undefined; i++) {
      const [w] = await peer.query<{ mode: string }>(
        `SELECT mode FROM pg_locks WHERE pid = $1 AND locktype = 'relation' AND relation = $2 AND NOT granted`,
        [pid, oid],
      );
      if (w) requested = w.mode;
      else await new Promise((r) => setTimeout(r, 20));
    }
    await peer.query('COMMIT');
    await running;
  } finally {
    await peer.close();
  }
  if (stmtError !== undefined) return failedProbe(sql, stmtError);
  if (!requested) return failedProbe(sql, 'Could not observe the lock the statement requested.');
  const after = await relfilenode(db, oid);
  return result(
    sql,
    [requested],
    before !== after,
    `ran outside a transaction on an empty copy while a second session held it; requested ${requested}; relfilenode ${before} → ${after}`,
  );
}

function result(sql: string, modes: string[], rewrite: boolean, detail: string): ProbeResult {
  const levels = modes
    .map((m) => pgLockLevel(m))
    .filter((l): l is LockLevel => l !== undefined)
    .sort((a, b) => PG_LOCK_RANK[b] - PG_LOCK_RANK[a]);
  const lock: LockLevel = levels[0] ?? 'NONE';
  return { sql, lock, locks: levels, rewrite, blocks: blocksOf(lock, 'postgres'), detail };
}
