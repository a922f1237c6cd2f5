/**
 * The runner's MySQL/MariaDB adapter (the RunnerDialect of src/db/run/dialect.ts): DDL commits on its own (marked
 * started, run, marked done), InnoDB table ids, GET_LOCK, a backfill batch found by its upper key and saved after it
 * commits.
 */
import { MYSQL_INTEGER_TYPE } from '../../core/dialects/mysql';
import { quoteIdent } from '../../core/sql';
import type { LockRisk, TableRef } from '../../core/types';
import type { DatabaseClient } from '../client';
import type { RunnerDialect, ServerObjects } from '../run/dialect';
import { restoreEach } from '../run/restoreSettings';
import { OnlineCopyError, runOnlineCopy, runningCopies } from './onlineCopy';
import type { KeyCandidate, KeyColumn } from '../run/keys';
import type { RunReport, SizeSnapshot } from '../run/types';

const ident = (name: string): string => quoteIdent('mysql', name);

const BINARY_TYPES = /^(binary|varbinary|tinyblob|blob|mediumblob|longblob)\b/i;
const DECIMAL_TYPES = /^(decimal|numeric)\b/i;

/** MySQL's file-name encoding of a schema or table name in InnoDB's catalog (`my-t` → `my@002dt`), for plain names and most others. */
function innodbName(name: string): string {
  return [...name]
    .map((ch) => (/^[A-Za-z0-9_]$/.test(ch) ? ch : ch.length === 1 ? `@${ch.charCodeAt(0).toString(16).padStart(4, '0')}` : ch))
    .join('');
}

/** The key's values as text, to store in the state row and bind back exactly (bigint beyond 2^53, binary keys). */
function selectKeyText(cols: readonly KeyColumn[]): string {
  return cols
    .map((c, i) => `${BINARY_TYPES.test(c.type) ? `HEX(${ident(c.name)})` : `CAST(${ident(c.name)} AS CHAR)`} AS k${i}`)
    .join(', ');
}

/** Bind a key's text value back to the column's type. */
function bindValue(c: KeyColumn): string {
  if (MYSQL_INTEGER_TYPE.test(c.type)) return /unsigned/i.test(c.type) ? 'CAST(? AS UNSIGNED)' : 'CAST(? AS SIGNED)';
  if (DECIMAL_TYPES.test(c.type)) return 'CAST(? AS DECIMAL(65,30))';
  if (BINARY_TYPES.test(c.type)) return 'UNHEX(?)';
  return '?';
}

/** The expanded form of a row comparison, with a leading-column range the optimizer can use. */
function keyPredicate(cols: readonly KeyColumn[], op: '>' | '<=', values: readonly string[], params: unknown[]): string {
  const bind = (i: number) => {
    params.push(values[i]);
    return bindValue(cols[i]!);
  };
  const strict = op === '>' ? '>' : '<';
  const first = ident(cols[0]!.name);
  if (cols.length === 1) return `${first} ${op} ${bind(0)}`;
  const lead = `${first} ${op === '>' ? '>=' : '<='} ${bind(0)}`;
  const alternatives: string[] = [];
  for (let i = 0; i < cols.length; i++) {
    const eqs: string[] = [];
    for (let j = 0; j < i; j++) eqs.push(`${ident(cols[j]!.name)} = ${bind(j)}`);
    const last = i === cols.length - 1 ? op : strict;
    eqs.push(`${ident(cols[i]!.name)} ${last} ${bind(i)}`);
    alternatives.push(`(${eqs.join(' AND ')})`);
  }
  return `(${lead} AND (${alternatives.join(' OR ')}))`;
}

/** The upper key, then the UPDATE; the state is saved after the commit (a crash in between re-runs a no-op batch). */
const backfillBatch: RunnerDialect['backfillBatch'] = async (b, last, n, doneBefore) => {
  const params: unknown[] = [];
  const after = last ? `WHERE ${keyPredicate(b.key.columns, '>', last, params)}` : '';
  const [upperRow] = await b.client.query<Record<string, string>>(
    `SELECT ${selectKeyText(b.key.columns)} FROM ${b.table} ${after} ORDER BY ${b.order} LIMIT 1 OFFSET ${n - 1}`,
    params,
  );
  if (!upperRow) return b.sweep(last);
  const upper = b.key.columns.map((_, i) => String(upperRow[`k${i}`]));
  const up: unknown[] = [];
  const conds: string[] = [];
  if (last) conds.push(keyPredicate(b.key.columns, '>', last, up));
  conds.push(keyPredicate(b.key.columns, '<=', upper, up));
  conds.push(`${b.column} IS NULL`);
  const { rowCount } = await b.client.execute(`UPDATE ${b.table} SET ${b.column} = (${b.valueSql}) WHERE ${conds.join(' AND ')}`, up);
  if (b.store) await b.store.store.update(b.store.runId, { backfillLastKey: upper, backfillRows: doneBefore + n, batchSize: n });
  return { upper, scanned: n, updated: rowCount, final: false };
};

/** Open transactions: metadata locks are not visible without performance_schema. */
async function findBlockers(client: DatabaseClient): Promise<LockRisk[]> {
  const rows = await client.query<{
    id: number;
    age: number | null;
    state: string | null;
    query: string | null;
    cmd: string | null;
    usr: string | null;
  }>(
    `SELECT p.ID AS id, TIMESTAMPDIFF(SECOND, t.trx_started, NOW()) AS age, p.STATE AS state, p.COMMAND AS cmd, p.USER AS usr,
            LEFT(COALESCE(t.trx_query, p.INFO, ''), 300) AS query
       FROM information_schema.INNODB_TRX t
       JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id
      WHERE p.ID <> CONNECTION_ID()
      ORDER BY t.trx_started`,
  );
  return rows.map((r) => ({
    pid: Number(r.id),
    ageSeconds: Number(r.age ?? 0),
    state: r.state || r.cmd || '',
    query: r.query ?? '',
    ...(r.usr ? { user: r.usr } : {}),
  }));
}

async function serverObjects(client: DatabaseClient, table: TableRef, column: string): Promise<ServerObjects> {
  const [c] = await client.query<{ nullable: string; def: string | null; extra: string | null }>(
    'SELECT IS_NULLABLE AS nullable, COLUMN_DEFAULT AS def, EXTRA AS extra FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?',
    [table.schema, table.name, column],
  );
  const cons = await client.query<{ name: string; type: string }>(
    'SELECT CONSTRAINT_NAME AS name, CONSTRAINT_TYPE AS type FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
    [table.schema, table.name],
  );
  const idx = await client.query<{ name: string }>(
    'SELECT DISTINCT INDEX_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
    [table.schema, table.name],
  );
  // MariaDB reports no default as NULL and a NULL default as the string 'NULL'.
  const hasDefault = c ? (c.def !== null && c.def !== 'NULL') || /auto_increment|GENERATED/i.test(c.extra ?? '') : false;
  return {
    column: c ? { nullable: c.nullable === 'YES', hasDefault } : null,
    constraints: new Map(cons.map((r) => [r.name.toLowerCase(), { validated: true, type: r.type }])),
    indexes: new Map(idx.map((r) => [r.name.toLowerCase(), true])),
  };
}

async function sizeSnapshot(client: DatabaseClient, table: TableRef): Promise<SizeSnapshot> {
  const [t] = await client.query<{ data: number | string; idx: number | string }>(
    'SELECT DATA_LENGTH AS data, INDEX_LENGTH AS idx FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
    [table.schema, table.name],
  );
  const idx = await client
    .query<{ name: string; bytes: number | string }>(
      `SELECT index_name AS name, stat_value * @@innodb_page_size AS bytes FROM mysql.innodb_index_stats
      WHERE database_name = ? AND table_name = ? AND stat_name = 'size' ORDER BY index_name`,
      [table.schema, table.name],
    )
    .catch(() => [] as { name: string; bytes: number }[]);
  const data = Number(t?.data ?? 0);
  const ix = Number(t?.idx ?? 0);
  return { tableBytes: data, indexBytes: ix, totalBytes: data + ix, indexes: idx.map((r) => ({ name: r.name, bytes: Number(r.bytes) })) };
}

async function columnDefinition(client: DatabaseClient, table: TableRef, column: string): Promise<RunReport['columnDefinition']> {
  const [r] = await client.query<{ type: string; nullable: string; def: string | null; extra: string }>(
    `SELECT COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS def, EXTRA AS extra FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?`,
    [table.schema, table.name, column],
  );
  return r ? { type: r.type, nullable: r.nullable === 'YES', default: r.def } : null;
}

/** EXPLAIN's rows as text, one line per row of `column=value` pairs (NULL columns left out). */
export function explainText(rows: readonly Record<string, unknown>[]): string {
  return rows
    .map((r) =>
      Object.entries(r)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(' '),
    )
    .join('\n');
}

const columnIndexes: RunnerDialect['columnIndexes'] = async (client, table, column, sizeOf) => {
  const rows = await client.query<{ name: string; col: string; nonUnique: number }>(
    `SELECT INDEX_NAME AS name, COLUMN_NAME AS col, NON_UNIQUE AS nonUnique FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
    [table.schema, table.name],
  );
  const byName = new Map<string, { cols: string[]; unique: boolean }>();
  for (const r of rows) {
    const e = byName.get(r.name) ?? { cols: [], unique: Number(r.nonUnique) === 0 };
    e.cols.push(r.col);
    byName.set(r.name, e);
  }
  // performance_schema is off by default on MariaDB: then there is no per-index counter to baseline.
  const scans = await client
    .query<{ name: string; n: number | string }>(
      `SELECT INDEX_NAME AS name, COUNT_STAR AS n FROM performance_schema.table_io_waits_summary_by_index_usage
      WHERE OBJECT_SCHEMA = ? AND OBJECT_NAME = ? AND INDEX_NAME IS NOT NULL AND @@performance_schema = 1`,
      [table.schema, table.name],
    )
    .catch(() => [] as { name: string; n: number }[]);
  return [...byName]
    .filter(([, e]) => e.cols.includes(column))
    .map(([name, e]) => {
      const s = scans.find((x) => x.name === name);
      return { name, columns: e.cols, unique: e.unique, valid: true, bytes: sizeOf(name), idxScan: s ? Number(s.n) : null };
    });
};

/**
 * The session variables the runner changes: setLockTimeout, setStatementTimeout, a step's lockTimeoutSql, and around a
 * step's statement foreign_key_checks (plan.ts) and Galera's wsrep_OSU_method (src/db/cluster/run.ts).
 */
const SESSION_SETTINGS = [
  'lock_wait_timeout',
  'innodb_lock_wait_timeout',
  'max_statement_time',
  'max_execution_time',
  'foreign_key_checks',
  'wsrep_osu_method',
] as const;

export const runner: RunnerDialect = {
  planDialects: ['mysql', 'mariadb'],
  displayName: 'MySQL/MariaDB',
  ident,
  placeholder: () => '?',

  sessionIdSql: 'SELECT CONNECTION_ID() AS id',
  /** Whole seconds (≥ 1); InnoDB row locks get the same bound. No DDL runs in a transaction here, so `local` does not arise. */
  async setLockTimeout(client, ms) {
    const s = Math.max(1, Math.ceil(ms / 1000));
    await client.query(`SET SESSION lock_wait_timeout = ${s}`);
    await client.query(`SET SESSION innodb_lock_wait_timeout = ${s}`);
  },
  /** MySQL's max_execution_time covers SELECT only, so DDL there is unbounded. */
  async setStatementTimeout(client, ms) {
    const info = await client.serverInfo();
    if (info.dialect === 'mariadb') await client.query(`SET SESSION max_statement_time = ${Math.max(0, ms) / 1000}`);
    else await client.query(`SET SESSION max_execution_time = ${Math.max(0, Math.round(ms))}`);
  },
  /** Those of SESSION_SETTINGS the server has: MariaDB has max_statement_time, MySQL max_execution_time, only MariaDB wsrep_OSU_method. */
  async sessionSettings(client) {
    const rows = await client.query<{ Variable_name: string; Value: string }>(
      `SHOW SESSION VARIABLES WHERE Variable_name IN (${SESSION_SETTINGS.map((n) => `'${n}'`).join(', ')})`,
    );
    return new Map(rows.map((r) => [r.Variable_name.toLowerCase(), String(r.Value)]));
  },
  /**
   * One SET per setting (one the server refuses leaves the others set back); the names are SESSION_SETTINGS' and the
   * values numbers or single words (ON, TOI; checked), written bare as SET takes them (a quoted number is refused).
   */
  restoreSessionSettings(client, saved) {
    return restoreEach(saved, SESSION_SETTINGS, async (name, value) => {
      if (!/^(\d+(\.\d+)?|[A-Za-z]+)$/.test(value)) throw new Error(`unexpected value ${JSON.stringify(value)}, not written as SQL`);
      await client.query(`SET SESSION ${name} = ${value}`);
    });
  },

  /**
   * InnoDB's table id (MariaDB INNODB_SYS_TABLES, MySQL 8 INNODB_TABLES), else the table's CREATE_TIME. InnoDB gives a
   * table a new id when an ALTER rebuilds it; the runner re-reads it after its own steps.
   */
  async tableIdentity(client, table) {
    const [exists] = await client.query<{ ct: Date | string | null }>(
      'SELECT CREATE_TIME AS ct FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
      [table.schema, table.name],
    );
    if (!exists) return null;
    const name = `${innodbName(table.schema)}/${innodbName(table.name)}`;
    for (const catalog of ['INNODB_SYS_TABLES', 'INNODB_TABLES']) {
      const rows = await client
        .query<{ id: number | string }>(`SELECT TABLE_ID AS id FROM information_schema.${catalog} WHERE NAME = ?`, [name])
        .catch(() => null);
      if (rows?.[0]) return `innodb:${rows[0].id}`;
    }
    const ct = exists.ct instanceof Date ? exists.ct.toISOString() : exists.ct;
    return ct ? `created:${ct}` : null;
  },
  identityChangesOnRebuild: true,
  tableExistsSql: 'SELECT 1 AS x FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
  columnExistsSql: 'SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?',
  estimateRowsSql: 'SELECT TABLE_ROWS AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
  async batchKeyCandidates(client, table) {
    const rows = await client.query<{ idx: string; col: string; type: string; nullable: string; seq: number }>(
      `SELECT s.INDEX_NAME AS idx, s.COLUMN_NAME AS col, c.COLUMN_TYPE AS type, c.IS_NULLABLE AS nullable, s.SEQ_IN_INDEX AS seq
         FROM information_schema.STATISTICS s
         JOIN information_schema.COLUMNS c ON c.TABLE_SCHEMA = s.TABLE_SCHEMA AND c.TABLE_NAME = s.TABLE_NAME AND c.COLUMN_NAME = s.COLUMN_NAME
        WHERE s.TABLE_SCHEMA = ? AND s.TABLE_NAME = ? AND c.TABLE_SCHEMA = ? AND c.TABLE_NAME = ? AND s.NON_UNIQUE = 0
        ORDER BY s.INDEX_NAME, s.SEQ_IN_INDEX`,
      // Constants on both information_schema tables: MariaDB then opens one table instead of every database's.
      [table.schema, table.name, table.schema, table.name],
    );
    const byIndex = new Map<string, KeyCandidate>();
    for (const r of rows) {
      const c = byIndex.get(r.idx) ?? { name: r.idx, primary: r.idx === 'PRIMARY', columns: [] };
      c.columns.push({ name: r.col, type: r.type, notnull: r.nullable === 'NO' });
      byIndex.set(r.idx, c);
    }
    return [...byIndex.values()];
  },
  findBlockers,

  async tryNamedLock(client, name) {
    const [row] = await client.query<{ ok: number | null }>('SELECT GET_LOCK(?, 0) AS ok', [name]);
    return Number(row?.ok) === 1;
  },
  async namedLockHolders(client, name) {
    const [holder] = await client.query<{ id: number | null }>('SELECT IS_USED_LOCK(?) AS id', [name]);
    return holder?.id ? [Number(holder.id)] : [];
  },
  async releaseNamedLock(client, name) {
    await client.query('SELECT RELEASE_LOCK(?)', [name]);
  },

  stateTableDdl: (t) => `CREATE TABLE IF NOT EXISTS ${t} (
  run_id varchar(64) NOT NULL PRIMARY KEY,
  table_schema varchar(64) NOT NULL,
  table_name varchar(64) NOT NULL,
  column_name varchar(64) NOT NULL,
  plan_hash varchar(64) NOT NULL,
  plan longtext NOT NULL,
  status varchar(16) NOT NULL,
  phase_index int NOT NULL DEFAULT 0,
  step_index int NOT NULL DEFAULT 0,
  step_started tinyint(1) NOT NULL DEFAULT 0,
  backfill_last_key text NULL,
  backfill_rows bigint NOT NULL DEFAULT 0,
  batch_size int NULL,
  before_sizes text NULL,
  error text NULL,
  started_at datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  finished_at datetime(3) NULL,
  table_id varchar(64) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  stateTableIdType: 'varchar(64) NULL',
  boolParam: (v) => (v ? 1 : 0),
  nowSql: 'CURRENT_TIMESTAMP(3)',

  /** DDL commits on its own. */
  runsInTransaction: () => false,
  /**
   * Column Wizard's own copy (ownCopy.ts) or pt-online-schema-change, as the plan's step names; when the tool stops
   * early, the triggers and new table it left are dropped (it prints how).
   */
  async onlineCopy(client, table, copy, o) {
    // Loaded here: ownCopy.ts uses the runner's retry and lag helpers, whose error table needs this engine's (db/engines.ts).
    if (copy.tool.name === 'column-wizard')
      return (await import('./ownCopy')).runOwnCopy({
        client,
        table,
        alter: copy.alter,
        chunkTimeMs: o.chunkTimeMs,
        lockTimeoutMs: o.lockTimeoutMs,
        ...(copy.copiers ? { copiers: copy.copiers } : {}),
        ...(o.lagThrottle ? { lag: o.lagThrottle } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
        ...(o.onLine ? { onLine: o.onLine } : {}),
      });
    const found = await ptOscLeftovers(client, table);
    // The tool's triggers on the table: a copy that did not finish (its run was killed, or another copy is on the table).
    // The tool cannot start with them there, and dropping them under a copy that still runs would lose its writes. A
    // table named like its new table without them need not be the tool's (the tool then picks another name): it stays.
    if (found.some((sql) => sql.startsWith('DROP TRIGGER'))) {
      const running = runningCopies(table);
      const t = `${table.schema}.${table.name}`;
      throw new OnlineCopyError(
        running?.length
          ? `pt-online-schema-change is still running on ${t} (pid ${running.map((p) => p.pid).join(', ')}), with its triggers and new table there. Wait for it to end, or stop it (kill ${running.map((p) => p.pid).join(' ')}), then run again; if it leaves them, remove them with: ${found.join('; ')}`
          : `${t} has the triggers and new table of a pt-online-schema-change copy that did not finish (an earlier run was killed during its copy?). ${running ? `No pt-online-schema-change runs on this machine for ${t}; if none runs elsewhere against it` : `Whether a pt-online-schema-change runs on this machine for ${t} could not be checked (ps failed); if none runs against it`}, remove them with: ${found.join('; ')}; then run again`,
        [],
        found,
      );
    }
    const before = new Set(found);
    try {
      await runOnlineCopy({
        connection: client.options,
        table,
        copy,
        chunkTimeMs: o.chunkTimeMs,
        lockTimeoutMs: o.lockTimeoutMs,
        ...(o.lag ? { lag: o.lag } : {}),
        noBinlog: await binlogOff(client),
        ...(o.signal ? { signal: o.signal } : {}),
        ...(o.onLine ? { onLine: o.onLine } : {}),
      });
    } catch (err) {
      if (!(err instanceof OnlineCopyError)) throw err;
      // What it printed, and what it made but could not print (killed): of the tool's objects on the table that were
      // not there before, those its output says it made. Not "every new one": a copy someone else started on the table
      // meanwhile has the same trigger names, and dropping them under it would lose its writes.
      const fresh = (await ptOscLeftovers(client, table).catch(() => [])).filter((sql) => !before.has(sql));
      const { made } = err;
      const newTableDrop = made.newTable === null ? null : `DROP TABLE IF EXISTS ${ident(table.schema)}.${ident(made.newTable)}`;
      const ours = fresh.filter((sql) => (sql.startsWith('DROP TRIGGER') ? made.triggers === 'all' : sql === newTableDrop));
      // Stopped while making them: what appeared may be its or another copy's; left, and said.
      const unsure = fresh.filter(
        (sql) => !ours.includes(sql) && (sql.startsWith('DROP TRIGGER') ? made.triggers === 'partly' : made.newTableUnsure),
      );
      const drops = [...new Set([...err.leftovers, ...ours])];
      const left: string[] = [];
      for (const sql of drops) await client.query(sql).catch(() => left.push(sql));
      err.remaining = [...left, ...unsure];
      if (drops.length)
        err.message += left.length
          ? `; dropping what it left failed, run: ${left.join('; ')}`
          : `; dropped what it left (${drops.length} statement${drops.length === 1 ? '' : 's'})`;
      if (unsure.length)
        err.message += `; it stopped while creating its triggers or new table, so these may be its or another copy's: if no other pt-online-schema-change runs against ${table.schema}.${table.name}, remove them with: ${unsure.join('; ')}`;
      throw err;
    }
  },

  keyPredicate,
  backfillBatch,

  foldUnquoted: (name) => name,
  catalogName: (name) => name.toLowerCase(),
  indexesCreated: (sql) =>
    [...sql.matchAll(/\bADD\s+(?:UNIQUE\s+)?(?:INDEX|KEY)\s+("(?:[^"]|"")+"|`(?:[^`]|``)+`|[A-Za-z_][A-Za-z0-9_$]*)/gi)].map((m) => m[1]!),
  serverObjects,
  dropConstraintSql(t, name, type) {
    if (type === 'FOREIGN KEY') return `ALTER TABLE ${t} DROP FOREIGN KEY ${ident(name)}`;
    if (type === 'UNIQUE') return `ALTER TABLE ${t} DROP INDEX ${ident(name)}`;
    return `ALTER TABLE ${t} DROP CONSTRAINT ${ident(name)}`;
  },
  dropIndexSql: (table, name) => `ALTER TABLE ${ident(table.schema)}.${ident(table.name)} DROP INDEX ${ident(name)}`,
  dropColumnSql: (t, column) => `ALTER TABLE ${t} DROP COLUMN ${ident(column)}`,
  isForeignKey: (type) => type === 'FOREIGN KEY',

  sizeSnapshot,
  columnDefinition,
  columnIndexes,
  sampleValueSql: (t, c) => `SELECT CAST(${c} AS CHAR) AS v FROM ${t} WHERE ${c} IS NOT NULL LIMIT 1`,
  async explain(client, query, params) {
    return explainText(await client.query<Record<string, unknown>>(`EXPLAIN ${query}`, params));
  },
  analyzeSql: (t) => `ANALYZE TABLE ${t}`,
};

/** The server writes no binary log, so no replica can follow it. */
export async function binlogOff(client: DatabaseClient): Promise<boolean> {
  const [row] = await client.query<{ b: number | string }>('SELECT @@log_bin AS b');
  return Number(row?.b) === 0;
}

/**
 * The DROP statements for what pt-online-schema-change makes while it runs on `table`: its `pt_osc_…` triggers on the
 * table and its new table (`_<table>_new`, with more leading underscores when that name is taken).
 */
async function ptOscLeftovers(client: DatabaseClient, table: TableRef): Promise<string[]> {
  const schema = quoteIdent('mysql', table.schema);
  const triggers = await client.query<{ n: string }>(
    "SELECT TRIGGER_NAME AS n FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? AND EVENT_OBJECT_TABLE = ? AND TRIGGER_NAME LIKE 'pt\\_osc\\_%'",
    [table.schema, table.name],
  );
  const tables = await client.query<{ n: string }>(
    "SELECT TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME LIKE '\\_%\\_new'",
    [table.schema],
  );
  return [
    ...triggers.map((r) => `DROP TRIGGER IF EXISTS ${schema}.${quoteIdent('mysql', r.n)}`),
    ...tables
      .filter((r) => r.n.endsWith(`${table.name}_new`) && /^_+$/.test(r.n.slice(0, -`${table.name}_new`.length)))
      .map((r) => `DROP TABLE IF EXISTS ${schema}.${quoteIdent('mysql', r.n)}`),
  ];
}
