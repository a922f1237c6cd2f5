/**
 * Column Wizard's own online copy (MySQL/MariaDB): the table copied into a new table that has the column, kept current by
 * triggers, filled in row-bounded chunks by several connections at once, then swapped in by one RENAME. It does what
 * pt-online-schema-change does for the runner's `onlineCopy` step, without Perl, and with more than one copier: on
 * MariaDB 10.11, 1,000,000 rows and a single-row writer (bench/files.ts, `column-wizard run` against plain
 * pt-online-schema-change 3.2.1, both orders), `run` was faster in 9 of 10 pairs with an unthrottled writer (×0.63–0.93,
 * one ×1.27 while other work loaded the machine) and in 4 of 4 at 100 writes/s (×0.67–0.73), the writer's p99 34–72 ms
 * against 169–341 ms, no writer errors.
 *
 * Only for a table it can copy soundly (ownCopyRefusal): an InnoDB table, not partitioned, with a primary key of one
 * integer column, no triggers, no foreign keys to or from it, on a server that is not a Galera node. The triggers are
 * pt-online-schema-change's: after an insert or update, REPLACE the row into the new table; after a delete (and an
 * update that changes the key), DELETE IGNORE the old key there. Each chunk is `INSERT IGNORE … SELECT … LOCK IN SHARE
 * MODE` of one range of keys whose upper bound is looked up first (the key `rows` rows on), so no chunk holds more rows
 * than it was sized for, however the keys are spread.
 *
 * Names: the new table `_<table>_cwnew`, the old one (between the swap and its drop) `_<table>_cwold`, the triggers
 * `cw_copy_ins_<table>`, `cw_copy_upd_<table>`, `cw_copy_del_<table>`. A run holds the table's migration lock
 * (src/db/run/migrationLock.ts), so such objects found when a copy starts were left by a copy that was killed: they are
 * dropped first (the triggers before the table they write to), and said so.
 */
import { version } from '../../../package.json';
import type { TableRef } from '../../core/types';
import { MYSQL_INTEGER_TYPE } from '../../core/dialects/mysql';
import { OWN_COPIERS } from '../../core/plan';
import { quoteIdent } from '../../core/sql';
import { connect, type DatabaseClient } from '../client';
import { isConnectionLost } from '../errors';
import { waitForLag } from '../run/backfill';
import { sleep } from '../run/dialect';
import { resolvePolicy, withLockRetry } from '../run/retry';
import type { LagThrottle } from '../run/types';
import { OnlineCopyError } from './onlineCopy';

/**
 * The copy pauses between chunks while the server runs more threads than this (`Threads_running`, read at most once a
 * second): pt-online-schema-change's --max-load default.
 */
export const OWN_COPY_MAX_THREADS_RUNNING = 25;

const ident = (name: string) => quoteIdent('mysql', name);

/** The names the copy gives its objects for `table` (see the file's comment). */
export function ownCopyNames(table: TableRef): { newTable: string; oldTable: string; triggers: readonly [string, string, string] } {
  return {
    newTable: `_${table.name}_cwnew`,
    oldTable: `_${table.name}_cwold`,
    triggers: [`cw_copy_del_${table.name}`, `cw_copy_upd_${table.name}`, `cw_copy_ins_${table.name}`],
  };
}

/** A table name longer than this leaves no room for `_<table>_cwnew` or `cw_copy_ins_<table>` in 64 characters. */
const MAX_NAME = 64 - 'cw_copy_ins_'.length;

/**
 * Why the own copy cannot copy `table` on this server, or null when it can: read from the catalogs and the server, so
 * a plan made from older facts is checked again when it runs.
 */
export async function ownCopyRefusal(client: DatabaseClient, table: TableRef): Promise<string | null> {
  if (table.name.length > MAX_NAME) return `the table's name is longer than ${MAX_NAME} characters (no room for the copy's names)`;
  // MySQL has no wsrep_on (the query fails): not a Galera node.
  const [wsrep] = await client.query<{ v: string | number | null }>('SELECT @@GLOBAL.wsrep_on AS v').catch(() => []);
  if (wsrep && /^(1|on)$/i.test(String(wsrep.v)))
    return 'the server is a Galera node (wsrep_on), where its triggers and RENAME replicate by other rules';
  const [t] = await client.query<{ engine: string | null; options: string | null }>(
    'SELECT ENGINE AS engine, CREATE_OPTIONS AS options FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
    [table.schema, table.name],
  );
  if (!t) return 'the table does not exist';
  if ((t.engine ?? '').toLowerCase() !== 'innodb') return `the table's engine is ${t.engine ?? 'unknown'}, not InnoDB`;
  if (/partitioned/i.test(t.options ?? '')) return 'the table is partitioned';
  const key = await client.query<{ name: string; type: string }>(
    `SELECT s.COLUMN_NAME AS name, c.DATA_TYPE AS type FROM information_schema.STATISTICS s
       JOIN information_schema.COLUMNS c ON c.TABLE_SCHEMA = s.TABLE_SCHEMA AND c.TABLE_NAME = s.TABLE_NAME AND c.COLUMN_NAME = s.COLUMN_NAME
      WHERE s.TABLE_SCHEMA = ? AND s.TABLE_NAME = ? AND s.INDEX_NAME = 'PRIMARY' ORDER BY s.SEQ_IN_INDEX`,
    [table.schema, table.name],
  );
  if (key.length !== 1 || !MYSQL_INTEGER_TYPE.test(key[0]!.type))
    return key.length === 0 ? 'the table has no primary key' : 'its primary key is not one integer column';
  const [triggers] = await client.query<{ n: number | string }>(
    'SELECT COUNT(*) AS n FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = ? AND EVENT_OBJECT_TABLE = ? AND TRIGGER_NAME NOT IN (?, ?, ?)',
    [table.schema, table.name, ...ownCopyNames(table).triggers],
  );
  if (Number(triggers?.n) > 0) return 'the table has triggers of its own';
  const [fks] = await client.query<{ n: number | string }>(
    `SELECT COUNT(*) AS n FROM information_schema.KEY_COLUMN_USAGE
      WHERE REFERENCED_TABLE_NAME IS NOT NULL
        AND ((TABLE_SCHEMA = ? AND TABLE_NAME = ?) OR (REFERENCED_TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME = ?))`,
    [table.schema, table.name, table.schema, table.name],
  );
  if (Number(fks?.n) > 0) return 'foreign keys refer to the table or from it (a swap by RENAME would leave them on the old table)';
  return null;
}

/**
 * The own copy as a plan may use it for `table` (PlanOptions.ownCopy): this build's version, and why the server says it
 * cannot copy the table, if it cannot.
 */
export async function ownCopyOffer(client: DatabaseClient, table: TableRef): Promise<{ version: string; refused?: string }> {
  const refused = await ownCopyRefusal(client, table);
  return { version, ...(refused ? { refused } : {}) };
}

/**
 * The DROP statements for what a killed own copy left on `table`: its triggers first (a write to the table must not meet
 * a trigger whose table is gone), then its new table and its old one.
 */
export async function ownCopyLeftovers(client: DatabaseClient, table: TableRef): Promise<string[]> {
  const names = ownCopyNames(table);
  const schema = ident(table.schema);
  const triggers = await client.query<{ n: string }>(
    'SELECT TRIGGER_NAME AS n FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? AND TRIGGER_NAME IN (?, ?, ?)',
    [table.schema, ...names.triggers],
  );
  const tables = await client.query<{ n: string }>(
    'SELECT TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN (?, ?)',
    [table.schema, names.newTable, names.oldTable],
  );
  return [
    ...triggers.map((r) => `DROP TRIGGER IF EXISTS ${schema}.${ident(r.n)}`),
    ...tables.map((r) => `DROP TABLE IF EXISTS ${schema}.${ident(r.n)}`),
  ];
}

export interface OwnCopyRun {
  /** The run's session: it holds the table's migration lock; the copy opens its own connections with its options. */
  readonly client: DatabaseClient;
  readonly table: TableRef;
  /** What the new table gets: the text after `ALTER TABLE <table>` (one ADD COLUMN). */
  readonly alter: string;
  /** Each chunk aims at this time. */
  readonly chunkTimeMs: number;
  /** The metadata-lock wait of each trigger and of the swap (whole seconds, at least 1), retried with backoff. */
  readonly lockTimeoutMs: number;
  readonly copiers?: number;
  /** Replica lag the copy waits under between its chunks (the run's own lag throttle). */
  readonly lag?: LagThrottle;
  readonly maxThreadsRunning?: number;
  readonly signal?: AbortSignal;
  readonly onLine?: (line: string) => void;
  /** When the rows start being copied and when the last chunk is done (the calibration times the copy by them). */
  readonly onCopy?: (event: 'start' | 'end') => void;
}

/** Stopped by the run's signal; what the copy made was dropped. */
export class OwnCopyCancelled extends Error {
  override readonly name = 'OwnCopyCancelled';
}

/**
 * Copies the table with the column added and swaps the copy in; rejects with an OnlineCopyError (with what could not be
 * dropped in `remaining`) when it fails, and with OwnCopyCancelled when `signal` stops it. Until the swap the table is
 * untouched but for the triggers, which are dropped (then the new table) on every way out.
 */
export async function runOwnCopy(r: OwnCopyRun): Promise<void> {
  const { table } = r;
  const say = (line: string) => r.onLine?.(line);
  const refused = await ownCopyRefusal(r.client, table);
  if (refused) throw new OnlineCopyError(`the own online copy cannot copy ${table.schema}.${table.name}: ${refused}`, []);
  const found = await ownCopyLeftovers(r.client, table);
  if (found.length) {
    for (const sql of found) await r.client.query(sql);
    say(`dropped what an earlier copy of this table left (${found.length} object${found.length === 1 ? '' : 's'}): ${found.join('; ')}`);
  }
  const names = ownCopyNames(table);
  const schema = ident(table.schema);
  const T = `${schema}.${ident(table.name)}`;
  const NEW = `${schema}.${ident(names.newTable)}`;
  const OLD = `${schema}.${ident(names.oldTable)}`;
  const triggers = names.triggers.map((n) => `${schema}.${ident(n)}`);
  const copiers = Math.max(1, Math.floor(r.copiers ?? OWN_COPIERS));
  const conns: DatabaseClient[] = [];
  let made = false;
  try {
    for (let i = 0; i < copiers; i++) {
      const c = await connect(r.client.options);
      conns.push(c);
      await c.query(`SET SESSION lock_wait_timeout = ${Math.max(1, Math.ceil(r.lockTimeoutMs / 1000))}`);
      // Row locks: a chunk that waits is retried rather than held up behind a writer (as pt-online-schema-change sets it).
      await c.query('SET SESSION innodb_lock_wait_timeout = 1');
    }
    const c = conns[0]!;
    const policy = resolvePolicy({ maxAttempts: 10, baseDelayMs: 50, maxDelayMs: 2_000 });
    const retried = <T>(what: string, fn: () => Promise<T>) =>
      withLockRetry(fn, policy, (attempt, delay) => say(`${what}: lock wait, retry ${attempt} in ${delay} ms`), r.signal).then(
        (x) => x.value,
      );
    const key = (
      await c.query<{ name: string }>(
        "SELECT COLUMN_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY'",
        [table.schema, table.name],
      )
    )[0]!.name;
    const cols = (
      await c.query<{ name: string }>(
        `SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS
          WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND EXTRA NOT LIKE '%GENERATED%' ORDER BY ORDINAL_POSITION`,
        [table.schema, table.name],
      )
    ).map((x) => ident(x.name));
    const K = ident(key);
    const list = cols.join(', ');
    made = true;
    await c.query(`CREATE TABLE ${NEW} LIKE ${T}`);
    await c.query(`ALTER TABLE ${NEW} ${r.alter}`);
    const newRow = cols.map((col) => `NEW.${col}`).join(', ');
    await retried('creating the delete trigger', () =>
      c.query(`CREATE TRIGGER ${triggers[0]} AFTER DELETE ON ${T} FOR EACH ROW DELETE IGNORE FROM ${NEW} WHERE ${NEW}.${K} <=> OLD.${K}`),
    );
    await retried('creating the update trigger', () =>
      c.query(
        `CREATE TRIGGER ${triggers[1]} AFTER UPDATE ON ${T} FOR EACH ROW BEGIN ` +
          `DELETE IGNORE FROM ${NEW} WHERE !(OLD.${K} <=> NEW.${K}) AND ${NEW}.${K} <=> OLD.${K}; ` +
          `REPLACE INTO ${NEW} (${list}) VALUES (${newRow}); END`,
      ),
    );
    await retried('creating the insert trigger', () =>
      c.query(`CREATE TRIGGER ${triggers[2]} AFTER INSERT ON ${T} FOR EACH ROW REPLACE INTO ${NEW} (${list}) VALUES (${newRow})`),
    );
    // Rows inserted after this reach the new table by the insert trigger; the chunks copy up to the key that was last.
    const [range] = await c.query<{ lo: string | null; hi: string | null; n: string | number | null }>(
      `SELECT MIN(${K}) AS lo, MAX(${K}) AS hi FROM ${T}`,
    );
    const [stats] = await c.query<{ n: string | number | null }>(
      'SELECT TABLE_ROWS AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
      [table.schema, table.name],
    );
    const approx = Number(stats?.n ?? 0);
    say(`copying about ${approx} rows with ${copiers} connection${copiers === 1 ? '' : 's'}, chunks of about ${r.chunkTimeMs} ms`);
    r.onCopy?.('start');
    if (range?.lo !== null && range?.lo !== undefined && range.hi !== null) {
      const cursor = { at: BigInt(range.lo), hi: BigInt(range.hi), done: false, copied: 0, nextLoad: 0, reported: performance.now() };
      /** The next range of keys for a copier that copies `rows` rows per chunk, or null at the end (one at a time). */
      let turn: Promise<unknown> = Promise.resolve();
      const take = (conn: DatabaseClient, rows: number): Promise<{ from: bigint; to: bigint } | null> => {
        const next = turn.then(async () => {
          if (cursor.done) return null;
          if (r.signal?.aborted) throw new OwnCopyCancelled('cancelled');
          await throttle(conn, r, cursor);
          const from = cursor.at;
          const [bound] = await conn.query<{ k: string }>(
            `SELECT ${K} AS k FROM ${T} FORCE INDEX (PRIMARY) WHERE ${K} >= ${from} AND ${K} <= ${cursor.hi} ORDER BY ${K} LIMIT 1 OFFSET ${rows}`,
          );
          const to = bound ? BigInt(bound.k) : cursor.hi + 1n;
          if (!bound) cursor.done = true;
          cursor.at = to;
          return { from, to };
        });
        turn = next.catch(() => undefined);
        return next;
      };
      const copier = async (conn: DatabaseClient) => {
        let rows = 1000;
        for (;;) {
          const range = await take(conn, rows);
          if (!range) return;
          const t0 = performance.now();
          const done = await retried('copying a chunk', () =>
            conn.execute(
              `INSERT IGNORE INTO ${NEW} (${list}) SELECT ${list} FROM ${T} FORCE INDEX (PRIMARY) WHERE ${K} >= ${range.from} AND ${K} < ${range.to} LOCK IN SHARE MODE`,
            ),
          );
          const ms = Math.max(1, performance.now() - t0);
          cursor.copied += done.rowCount;
          // The next chunk sized to the target time from this one's, at most doubled or halved (as the backfill's batches).
          const ideal = rows * (r.chunkTimeMs / ms);
          rows = Math.round(Math.min(100_000, Math.max(100, Math.min(rows * 2, Math.max(rows / 2, ideal)))));
          if (performance.now() - cursor.reported >= 1000) {
            cursor.reported = performance.now();
            say(`copied ${cursor.copied} of about ${approx} rows`);
          }
        }
      };
      // One copier failing stops the others at their next chunk (cursor.done), then the error is the first one.
      const results = await Promise.allSettled(
        conns.map((conn) =>
          copier(conn).catch((err) => {
            cursor.done = true;
            throw err;
          }),
        ),
      );
      const failed = results.find((x): x is PromiseRejectedResult => x.status === 'rejected');
      if (failed) throw failed.reason;
    }
    r.onCopy?.('end');
    if (r.signal?.aborted) throw new OwnCopyCancelled('cancelled');
    say('copied the rows; swapping the tables');
    // The next AUTO_INCREMENT value as the table has it now, so the copy does not hand out a key the table handed out
    // and a delete freed (the copy's own counter starts after its highest key).
    const next = await autoIncrement(c, table);
    if (next !== null) await c.query(`ALTER TABLE ${NEW} AUTO_INCREMENT = ${next}`);
    await retried('swapping the tables', () => c.query(`RENAME TABLE ${T} TO ${OLD}, ${NEW} TO ${T}`));
    made = false;
    // The column is in place. The triggers went with the old table; it is dropped with them. What cannot be dropped
    // is said (the next copy of this table drops it), not a failure of the step.
    const left: string[] = [];
    for (const sql of [...triggers.map((t) => `DROP TRIGGER IF EXISTS ${t}`), `DROP TABLE IF EXISTS ${OLD}`])
      await c.query(sql).catch(() => left.push(sql));
    say(
      left.length
        ? `swapped the tables; dropping the old table failed, run: ${left.join('; ')}`
        : 'swapped the tables and dropped the old one',
    );
  } catch (err) {
    const left: string[] = [];
    if (made) {
      const drops = await ownCopyLeftovers(r.client, table).catch(() => [
        ...triggers.map((t) => `DROP TRIGGER IF EXISTS ${t}`),
        `DROP TABLE IF EXISTS ${NEW}`,
      ]);
      for (const sql of drops) await r.client.query(sql).catch(() => left.push(sql));
    }
    if (err instanceof OwnCopyCancelled) throw err;
    // A copier's lost connection in the driver's words would read as the run's own connection lost (src/db/errors.ts).
    const message = isConnectionLost(err)
      ? 'one of its connections was closed by the server (killed, or the server went away)'
      : err instanceof Error
        ? err.message
        : String(err);
    throw new OnlineCopyError(
      `the own online copy failed: ${message}${left.length ? `; dropping what it made failed, run: ${left.join('; ')}` : made ? '; dropped its triggers and new table' : ''}`,
      [],
      left,
    );
  } finally {
    await Promise.all(conns.map((x) => x.close().catch(() => undefined)));
  }
}

/** The table's next AUTO_INCREMENT value from SHOW CREATE TABLE (current, unlike information_schema's cached one), or null. */
async function autoIncrement(c: DatabaseClient, table: TableRef): Promise<string | null> {
  const [row] = await c.query<Record<string, string>>(`SHOW CREATE TABLE ${ident(table.schema)}.${ident(table.name)}`);
  const text = row ? (Object.values(row)[1] ?? '') : '';
  return / AUTO_INCREMENT=(\d+)/.exec(text)?.[1] ?? null;
}

/**
 * Between chunks: waits while the replicas lag (the run's lag throttle) and while the server runs more than
 * `maxThreadsRunning` threads (read at most once a second).
 */
async function throttle(conn: DatabaseClient, r: OwnCopyRun, cursor: { nextLoad: number }): Promise<void> {
  if (r.lag) await waitForLag(r.lag, r.signal, (lag, message) => r.onLine?.(message ?? `paused: replica lag ${lag ?? '?'} s`));
  const max = r.maxThreadsRunning ?? OWN_COPY_MAX_THREADS_RUNNING;
  while (performance.now() >= cursor.nextLoad && !r.signal?.aborted) {
    cursor.nextLoad = performance.now() + 1000;
    const [row] = await conn.query<{ Value: string }>("SHOW GLOBAL STATUS LIKE 'Threads_running'");
    const running = Number(row?.Value ?? 0);
    if (running <= max) return;
    r.onLine?.(`paused: ${running} threads running (over ${max})`);
    await sleep(250, r.signal);
    cursor.nextLoad = 0;
  }
}
