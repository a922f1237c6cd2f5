/**
 * A prototype of a trigger-based online copy without Perl (issue 19 item 7, bench/files.ts's `own copy` row): the
 * table's copy with the new column, kept current by triggers, filled in primary-key ranges, then swapped in.
 *
 *   1. `CREATE TABLE _t_new LIKE t`, then `ALTER TABLE _t_new ADD COLUMN <definition>` (an empty table);
 *   2. AFTER INSERT / UPDATE / DELETE triggers on t that replay each change into _t_new (as pt-online-schema-change
 *      does: REPLACE for an insert or update, DELETE IGNORE for a delete and for an update that changes the key);
 *   3. `INSERT IGNORE INTO _t_new (cols) SELECT cols FROM t FORCE INDEX (PRIMARY) WHERE k >= lo AND k < hi
 *      LOCK IN SHARE MODE`, one key range per chunk: the bounds are computed from the key's values (an integer
 *      primary key of one column), so no statement looks for the next boundary; each range is sized from the key
 *      values copied per second so far to take about `--chunk-ms`;
 *   4. `ANALYZE TABLE _t_new`, `RENAME TABLE t TO _t_old, _t_new TO t`, the triggers dropped, `_t_old` dropped.
 *
 * It prints "Copying approximately …" and "Copied rows OK." as pt-online-schema-change does (bench/files.ts times its
 * phases by those lines). On an error before the swap it drops its triggers first, then `_t_new`, leaving t as it was;
 * a killed process leaves them (nothing looks for them later: this is a measurement, not what `run` does).
 * `--copiers N` splits the key range into N parts copied at once on N connections.
 *
 *   node <bundle of this file> URL TABLE 'COLUMN DEFINITION' [--chunk-ms 150] [--copiers 1]
 */
import { parseArgs } from 'node:util';
import mysql from 'mysql2/promise';
import { quoteIdent } from '../src/core/sql';

const q = (name: string) => quoteIdent('mysql', name);

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'chunk-ms': { type: 'string', default: '150' }, copiers: { type: 'string', default: '1' } },
});
const [url, table, definition] = positionals as [string, string, string];
const CHUNK_MS = Number(values['chunk-ms']);
const COPIERS = Number(values.copiers);
/** Each chunk's first key, key values and time on stderr. */
const TRACE = !!process.env.CW_OWN_COPY_TRACE;

type Conn = mysql.Connection;
const log = (line: string) => process.stdout.write(`${line}\n`);

async function open(): Promise<Conn> {
  const u = new URL(url);
  const c = await mysql.createConnection({
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.slice(1)),
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  // Metadata locks (triggers, swap) wait at most 2 s and are retried; row locks as pt-osc sets them.
  await c.query('SET SESSION lock_wait_timeout = 2, SESSION innodb_lock_wait_timeout = 1');
  return c;
}

/** The statement, retried on a deadlock (1213) or a lock wait timeout (1205: row locks and metadata locks alike). */
async function retry<T>(what: () => Promise<T>, tries = 10): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await what();
    } catch (err) {
      const errno = (err as { errno?: number }).errno;
      if (i >= tries || (errno !== 1213 && errno !== 1205)) throw err;
      if (TRACE) process.stderr.write(`retry ${i} after ${errno}\n`);
      await new Promise((r) => setTimeout(r, 20 * i));
    }
  }
}

async function main(): Promise<void> {
  const c = await open();
  const [[db]] = (await c.query('SELECT DATABASE() AS db')) as unknown as [[{ db: string }]];
  const schema = db.db;
  const [keyRows] = (await c.query(
    `SELECT s.COLUMN_NAME AS name, c.DATA_TYPE AS type FROM information_schema.STATISTICS s
       JOIN information_schema.COLUMNS c ON c.TABLE_SCHEMA = s.TABLE_SCHEMA AND c.TABLE_NAME = s.TABLE_NAME AND c.COLUMN_NAME = s.COLUMN_NAME
      WHERE s.TABLE_SCHEMA = ? AND s.TABLE_NAME = ? AND s.INDEX_NAME = 'PRIMARY' ORDER BY s.SEQ_IN_INDEX`,
    [schema, table],
  )) as unknown as [{ name: string; type: string }[]];
  if (keyRows.length !== 1 || !/^(tinyint|smallint|mediumint|int|bigint)$/.test(keyRows[0]!.type))
    throw new Error('the prototype copies only a table whose primary key is one integer column');
  const key = q(keyRows[0]!.name);
  const [colRows] = (await c.query(
    `SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND IS_GENERATED = 'NEVER' ORDER BY ORDINAL_POSITION`,
    [schema, table],
  )) as unknown as [{ name: string }[]];
  const cols = colRows.map((r) => q(r.name));
  const list = cols.join(', ');
  const T = q(table);
  const NEW = q(`_${table}_new`);
  const OLD = q(`_${table}_old`);
  const trig = (what: string) => q(`cw_osc_${what}_${table}`);
  const triggers = ['ins', 'upd', 'del'].map(trig);
  let made = false;
  try {
    await c.query(`CREATE TABLE ${NEW} LIKE ${T}`);
    made = true;
    await c.query(`ALTER TABLE ${NEW} ADD COLUMN ${definition}`);
    const newRow = cols.map((col) => `NEW.${col}`).join(', ');
    await retry(() =>
      c.query(
        `CREATE TRIGGER ${trig('del')} AFTER DELETE ON ${T} FOR EACH ROW DELETE IGNORE FROM ${NEW} WHERE ${NEW}.${key} <=> OLD.${key}`,
      ),
    );
    await retry(() =>
      c.query(
        `CREATE TRIGGER ${trig('upd')} AFTER UPDATE ON ${T} FOR EACH ROW BEGIN ` +
          `DELETE IGNORE FROM ${NEW} WHERE !(OLD.${key} <=> NEW.${key}) AND ${NEW}.${key} <=> OLD.${key}; ` +
          `REPLACE INTO ${NEW} (${list}) VALUES (${newRow}); END`,
      ),
    );
    await retry(() =>
      c.query(`CREATE TRIGGER ${trig('ins')} AFTER INSERT ON ${T} FOR EACH ROW REPLACE INTO ${NEW} (${list}) VALUES (${newRow})`),
    );
    const [[range]] = (await c.query(`SELECT MIN(${key}) AS lo, MAX(${key}) AS hi FROM ${T}`)) as unknown as [
      [{ lo: string | null; hi: string | null }],
    ];
    if (range.lo !== null && range.hi !== null) {
      const lo = BigInt(range.lo);
      const hi = BigInt(range.hi);
      log(`Copying approximately ${hi - lo + 1n} key values...`);
      const copy = async (conn: Conn, from: bigint, to: bigint) => {
        // Key values per millisecond, weighted towards the recent chunks (first chunk: 1000 values).
        let rate = 0;
        let span = 1000n;
        for (let at = from; at <= to;) {
          const end = at + span > to + 1n ? to + 1n : at + span;
          const t0 = performance.now();
          await retry(() =>
            conn.query(
              `INSERT IGNORE INTO ${NEW} (${list}) SELECT ${list} FROM ${T} FORCE INDEX (PRIMARY) WHERE ${key} >= ${at} AND ${key} < ${end} LOCK IN SHARE MODE`,
            ),
          );
          const ms = Math.max(1, performance.now() - t0);
          if (TRACE) process.stderr.write(`chunk ${at} +${end - at} ${ms.toFixed(1)} ms\n`);
          const now = Number(end - at) / ms;
          rate = rate ? rate * 0.75 + now * 0.25 : now;
          span = BigInt(Math.max(1, Math.round(rate * CHUNK_MS)));
          at = end;
        }
      };
      if (COPIERS <= 1) await copy(c, lo, hi);
      else {
        const more = await Promise.all(Array.from({ length: COPIERS - 1 }, open));
        const all = [c, ...more];
        const step = (hi - lo + 1n) / BigInt(COPIERS);
        await Promise.all(all.map((conn, i) => copy(conn, lo + step * BigInt(i), i === COPIERS - 1 ? hi : lo + step * BigInt(i + 1) - 1n)));
        await Promise.all(more.map((m) => m.end()));
      }
    }
    log('Copied rows OK.');
    await c.query(`ANALYZE TABLE ${NEW}`);
    await retry(() => c.query(`RENAME TABLE ${T} TO ${OLD}, ${NEW} TO ${T}`));
    made = false;
    for (const t of triggers) await c.query(`DROP TRIGGER IF EXISTS ${t}`);
    await c.query(`DROP TABLE IF EXISTS ${OLD}`);
    log('Swapped original and new tables OK.');
  } catch (err) {
    // The triggers first (a write to t must not meet a trigger whose table is gone), then the new table.
    if (made) {
      for (const t of triggers) await c.query(`DROP TRIGGER IF EXISTS ${t}`);
      await c.query(`DROP TABLE IF EXISTS ${NEW}`);
    }
    throw err;
  } finally {
    await c.end();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
