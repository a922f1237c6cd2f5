/**
 * MySQL/MariaDB catalog reads from information_schema (which answers while an ALTER waits for its metadata
 * lock: servers.md §C). performance_schema is used when it is on, for metadata-lock holders on the table.
 */
import type {
  ColumnFacts,
  ConstraintFacts,
  ForeignKeyFacts,
  IndexFacts,
  LockRisk,
  ReplicationFacts,
  TableFacts,
  TableRef,
} from '../../core/types';
import type { TableFactsOptions, TableSummary } from '../client';
import { DatabaseError } from '../errors';

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

const SYSTEM_SCHEMAS = `('mysql', 'information_schema', 'performance_schema', 'sys')`;

/**
 * All base tables with row and size estimates, in one query. On MariaDB, information_schema.TABLES opens every table
 * to fill TABLE_ROWS/DATA_LENGTH (2.9 s for 10,000 tables here), so the estimates come from InnoDB's persistent
 * statistics (mysql.innodb_table_stats) instead and only the cheap name/type columns are read from information_schema.
 * Tables without persistent statistics (Aria, MyISAM, stats disabled) get rows -1 and no engine.
 */
export async function listTables(db: Queryable, schema?: string, mariadb = false): Promise<TableSummary[]> {
  const args = [schema ?? null, schema ?? null];
  if (mariadb) {
    try {
      const rows = await db.query<{ s: string; n: string; r: number | null; d: number | null; parts: number | null }>(
        `SELECT t.TABLE_SCHEMA AS s, t.TABLE_NAME AS n, st.r, st.d, st.parts
           FROM information_schema.TABLES t
           LEFT JOIN (SELECT database_name AS db, SUBSTRING_INDEX(table_name, '#P#', 1) AS tn, SUM(n_rows) AS r,
                             SUM(clustered_index_size) * @@innodb_page_size AS d, COUNT(*) AS parts
                        FROM mysql.innodb_table_stats GROUP BY 1, 2) st ON st.db = t.TABLE_SCHEMA AND st.tn = t.TABLE_NAME
          WHERE t.TABLE_TYPE = 'BASE TABLE' AND t.TABLE_SCHEMA NOT IN ${SYSTEM_SCHEMAS} AND (? IS NULL OR t.TABLE_SCHEMA = ?)
          ORDER BY t.TABLE_SCHEMA, t.TABLE_NAME`,
        args,
      );
      return rows.map((r) => ({
        schema: r.s,
        name: r.n,
        rows: r.r === null ? -1 : Number(r.r),
        bytes: Number(r.d ?? 0),
        ...(r.r !== null ? { engine: 'InnoDB' } : {}),
        ...(Number(r.parts ?? 0) > 1 ? { partitioned: true } : {}),
      }));
    } catch {
      // No SELECT privilege on mysql.innodb_table_stats: fall back to information_schema alone.
    }
  }
  const rows = await db.query<{
    s: string;
    n: string;
    r: number | null;
    d: number | null;
    i: number | null;
    e: string | null;
    o: string | null;
  }>(
    `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS n, TABLE_ROWS AS r, DATA_LENGTH AS d, INDEX_LENGTH AS i, ENGINE AS e, CREATE_OPTIONS AS o
       FROM information_schema.TABLES
      WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA NOT IN ${SYSTEM_SCHEMAS} AND (? IS NULL OR TABLE_SCHEMA = ?)
      ORDER BY TABLE_SCHEMA, TABLE_NAME`,
    args,
  );
  return rows.map((r) => ({
    schema: r.s,
    name: r.n,
    rows: Number(r.r ?? -1),
    bytes: Number(r.d ?? 0),
    ...(r.e ? { engine: r.e } : {}),
    ...(/partitioned/i.test(r.o ?? '') ? { partitioned: true } : {}),
  }));
}

interface TableRow {
  e: string | null;
  f: string | null;
  r: number | null;
  d: number | null;
  i: number | null;
  o: string | null;
}

export async function tableRow(db: Queryable, table: TableRef): Promise<TableRow> {
  const [row] = await db.query<TableRow>(
    `SELECT ENGINE AS e, ROW_FORMAT AS f, TABLE_ROWS AS r, DATA_LENGTH AS d, INDEX_LENGTH AS i, CREATE_OPTIONS AS o
       FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND TABLE_TYPE = 'BASE TABLE'`,
    [table.schema, table.name],
  );
  if (!row)
    throw new DatabaseError(
      `Table ${table.schema}.${table.name} does not exist (or is not a base table). Check the database and table name.`,
      'ER_NO_SUCH_TABLE',
    );
  return row;
}

export async function tableFacts(db: Queryable, table: TableRef, mariadb: boolean, options: TableFactsOptions = {}): Promise<TableFacts> {
  const t = await tableRow(db, table);
  const p = [table.schema, table.name];

  const columns = (
    await db.query<{ n: string; t: string; nl: string; d: string | null; x: string; cs: string | null }>(
      `SELECT COLUMN_NAME AS n, COLUMN_TYPE AS t, IS_NULLABLE AS nl, COLUMN_DEFAULT AS d, EXTRA AS x, CHARACTER_SET_NAME AS cs
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
      p,
    )
  ).map((c): ColumnFacts => {
    const generated = /STORED GENERATED|PERSISTENT GENERATED/i.test(c.x) ? 'stored' : /VIRTUAL GENERATED/i.test(c.x) ? 'virtual' : null;
    return {
      name: c.n,
      type: c.t,
      nullable: c.nl === 'YES',
      default: generated ? null : c.d,
      generated,
      autoIncrement: /auto_increment/i.test(c.x),
      ...(c.cs ? { charset: c.cs } : {}),
    };
  });

  // MySQL 8 reports functional key parts with COLUMN_NAME NULL and an EXPRESSION column; MariaDB has neither.
  const stats = await db.query<{
    name: string;
    seq: number;
    col: string | null;
    nonUnique: number | string;
    type: string;
    expr?: string | null;
  }>(
    `SELECT * FROM (SELECT INDEX_NAME AS name, SEQ_IN_INDEX AS seq, COLUMN_NAME AS col, NON_UNIQUE AS nonUnique, INDEX_TYPE AS type
       ${mariadb ? '' : ', EXPRESSION AS expr'} FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?) s ORDER BY name, seq`,
    p,
  );
  const byName = new Map<string, IndexFacts>();
  for (const s of stats) {
    const prev = byName.get(s.name);
    const col = s.col ?? (s.expr ? `(${s.expr})` : '(expression)');
    const expression = s.col === null || prev?.expression === true;
    byName.set(s.name, {
      name: s.name,
      columns: [...(prev?.columns ?? []), col],
      unique: Number(s.nonUnique) === 0,
      primary: s.name === 'PRIMARY',
      method: s.type,
      ...(expression ? { expression: true } : {}),
    });
  }
  const indexes = [...byName.values()];

  // Every information_schema query names TABLE_SCHEMA and TABLE_NAME as constants: MariaDB then opens only this
  // table instead of every table on the server (an OR over referenced tables made it scan them all).
  const cons = await db.query<{ name: string; type: string }>(
    `SELECT CONSTRAINT_NAME AS name, CONSTRAINT_TYPE AS type FROM information_schema.TABLE_CONSTRAINTS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY CONSTRAINT_NAME`,
    p,
  );
  const checks = new Map(
    (
      await db.query<{ name: string; clause: string }>(
        mariadb
          ? 'SELECT CONSTRAINT_NAME AS name, CHECK_CLAUSE AS clause FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?'
          : `SELECT cc.CONSTRAINT_NAME AS name, cc.CHECK_CLAUSE AS clause FROM information_schema.CHECK_CONSTRAINTS cc
         JOIN information_schema.TABLE_CONSTRAINTS tc ON tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA AND tc.CONSTRAINT_NAME = cc.CONSTRAINT_NAME
        WHERE tc.TABLE_SCHEMA = ? AND tc.TABLE_NAME = ? AND tc.CONSTRAINT_TYPE = 'CHECK'`,
        p,
      )
    ).map((c) => [c.name, c.clause]),
  );
  const kinds: Record<string, ConstraintFacts['kind']> = {
    'PRIMARY KEY': 'primary',
    UNIQUE: 'unique',
    'FOREIGN KEY': 'foreign',
    CHECK: 'check',
  };
  const constraints = cons
    .filter((c) => kinds[c.type])
    .map((c): ConstraintFacts => ({
      name: c.name,
      kind: kinds[c.type]!,
      definition: c.type === 'CHECK' ? `CHECK (${checks.get(c.name) ?? ''})` : c.type,
      validated: true,
    }));

  const outRows = await db.query<KeyRow>(
    `SELECT CONSTRAINT_NAME AS name, TABLE_SCHEMA AS s, TABLE_NAME AS t, COLUMN_NAME AS c,
            REFERENCED_TABLE_SCHEMA AS rs, REFERENCED_TABLE_NAME AS rt, REFERENCED_COLUMN_NAME AS rc
       FROM information_schema.KEY_COLUMN_USAGE
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND REFERENCED_TABLE_NAME IS NOT NULL
      ORDER BY CONSTRAINT_NAME, ORDINAL_POSITION`,
    p,
  );
  const keyRows = [...outRows, ...(await incomingKeys(db, table, mariadb))];
  const group = (out: boolean): ForeignKeyFacts[] => {
    const m = new Map<string, { name: string; columns: string[]; refTable: TableRef; refColumns: string[] }>();
    for (const k of keyRows) {
      const mine = out ? k.s === table.schema && k.t === table.name : k.rs === table.schema && k.rt === table.name;
      if (!mine) continue;
      const key = `${k.s}.${k.t}.${k.name}`;
      const fk = m.get(key) ?? {
        name: k.name,
        columns: [],
        refTable: out ? { schema: k.rs, name: k.rt } : { schema: k.s, name: k.t },
        refColumns: [],
      };
      fk.columns.push(out ? k.c : k.c);
      fk.refColumns.push(k.rc);
      m.set(key, fk);
    }
    return [...m.values()];
  };

  const primary = byName.get('PRIMARY');
  const instantRowVersions = mariadb ? undefined : await totalRowVersions(db, table);
  const writesPerSecond = options.sampleMs ? await writeRate(db, table, options.sampleMs) : undefined;
  return {
    table: { schema: table.schema, name: table.name },
    rows: Number(t.r ?? 0),
    bytes: Number(t.d ?? 0),
    indexBytes: Number(t.i ?? 0),
    columns,
    ...(primary ? { primaryKey: primary.columns } : {}),
    indexes,
    constraints,
    foreignKeysOut: group(true),
    foreignKeysIn: group(false),
    ...(t.e ? { engine: t.e } : {}),
    ...(t.f ? { rowFormat: t.f } : {}),
    partitioned: /partitioned/i.test(t.o ?? ''),
    ...(instantRowVersions !== undefined ? { instantRowVersions } : {}),
    ...(writesPerSecond !== undefined ? { writesPerSecond } : {}),
    lockRisks: await lockRisks(db, table, options.longTransactionSeconds ?? 60),
    replication: await replication(db),
  };
}

interface KeyRow {
  name: string;
  s: string;
  t: string;
  c: string;
  rs: string;
  rt: string;
  rc: string;
}

/**
 * Foreign keys that reference the table. MariaDB: InnoDB's own dictionary (INNODB_SYS_FOREIGN*), which answers without
 * opening every table; MySQL 8: KEY_COLUMN_USAGE, a view over its data dictionary, which is just as cheap.
 */
async function incomingKeys(db: Queryable, table: TableRef, mariadb: boolean): Promise<KeyRow[]> {
  if (!mariadb) {
    return db.query<KeyRow>(
      `SELECT CONSTRAINT_NAME AS name, TABLE_SCHEMA AS s, TABLE_NAME AS t, COLUMN_NAME AS c,
              REFERENCED_TABLE_SCHEMA AS rs, REFERENCED_TABLE_NAME AS rt, REFERENCED_COLUMN_NAME AS rc
         FROM information_schema.KEY_COLUMN_USAGE WHERE REFERENCED_TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME = ?
        ORDER BY CONSTRAINT_NAME, ORDINAL_POSITION`,
      [table.schema, table.name],
    );
  }
  // Names are stored as 'db/name' in the server's filename encoding; plain ASCII names are stored as written.
  const rows = await db.query<{ id: string; forName: string; refName: string; fc: string; rc: string }>(
    `SELECT f.ID AS id, f.FOR_NAME AS forName, f.REF_NAME AS refName, c.FOR_COL_NAME AS fc, c.REF_COL_NAME AS rc
       FROM information_schema.INNODB_SYS_FOREIGN f JOIN information_schema.INNODB_SYS_FOREIGN_COLS c ON c.ID = f.ID
      WHERE f.REF_NAME = ? ORDER BY f.ID, c.POS`,
    [`${table.schema}/${table.name}`],
  );
  return rows.map((r) => {
    const [s = '', t = ''] = r.forName.split('/');
    return { name: r.id.split('/').slice(1).join('/'), s, t, c: r.fc, rs: table.schema, rt: table.name, rc: r.rc };
  });
}

/** MySQL ≥ 8.0.29 counts instant add/drop row versions (64 allowed); older servers and MariaDB have no such column. */
async function totalRowVersions(db: Queryable, table: TableRef): Promise<number | undefined> {
  try {
    const [r] = await db.query<{ v: number }>('SELECT TOTAL_ROW_VERSIONS AS v FROM information_schema.INNODB_TABLES WHERE NAME = ?', [
      `${table.schema}/${table.name}`,
    ]);
    return r ? Number(r.v) : undefined;
  } catch {
    return undefined;
  }
}

/** InnoDB's per-table MODIFIED_COUNTER (rows changed since statistics were last recalculated), sampled twice. */
async function modifiedCounter(db: Queryable, table: TableRef): Promise<number | undefined> {
  for (const view of ['INNODB_SYS_TABLESTATS', 'INNODB_TABLESTATS']) {
    try {
      const [r] = await db.query<{ m: number }>(`SELECT MODIFIED_COUNTER AS m FROM information_schema.${view} WHERE NAME = ?`, [
        `${table.schema}/${table.name}`,
      ]);
      return r ? Number(r.m) : undefined;
    } catch {
      // the view has the other name on this server
    }
  }
  return undefined;
}

/**
 * Rows written per second over `ms`. InnoDB resets MODIFIED_COUNTER whenever it recalculates a table's statistics
 * (after ~10% of a table changes: constantly on a small busy table), so it is read every 50 ms and each drop counts
 * as a reset, after which the new value is what was written since.
 */
async function writeRate(db: Queryable, table: TableRef, ms: number): Promise<number | undefined> {
  let prev = await modifiedCounter(db, table);
  const t0 = performance.now();
  if (prev === undefined) return undefined;
  let written = 0;
  // At least one more reading, however long one takes (it scans InnoDB's table cache: slow with many tables open).
  do {
    await new Promise((r) => setTimeout(r, Math.min(50, Math.max(1, ms - (performance.now() - t0)))));
    const now = await modifiedCounter(db, table);
    if (now === undefined) return undefined;
    written += now >= prev ? now - prev : now;
    prev = now;
  } while (performance.now() - t0 < ms);
  return written / ((performance.now() - t0) / 1000);
}

async function performanceSchemaOn(db: Queryable): Promise<boolean> {
  const [r] = await db.query<{ on: number | string }>('SELECT @@performance_schema AS `on`');
  return Number(r?.on) === 1;
}

/**
 * Open transactions older than `longSeconds`, and — when performance_schema is on — every session holding or
 * waiting for a metadata lock on the table, whatever its age. Without performance_schema the server cannot say
 * which tables an idle transaction has touched, so every InnoDB transaction past the threshold is reported.
 */
export async function lockRisks(db: Queryable, table: TableRef, longSeconds: number): Promise<LockRisk[]> {
  const risks = new Map<number, LockRisk>();
  if (await performanceSchemaOn(db)) {
    try {
      const mdl = await db.query<{ pid: number; mode: string; status: string; age: number | null; state: string; q: string | null }>(
        `SELECT t.PROCESSLIST_ID AS pid, m.LOCK_TYPE AS mode, m.LOCK_STATUS AS status,
                TIMESTAMPDIFF(MICROSECOND, x.trx_started, NOW(6)) / 1e6 AS age, COALESCE(p.STATE, p.COMMAND, '') AS state, p.INFO AS q
           FROM performance_schema.metadata_locks m
           JOIN performance_schema.threads t ON t.THREAD_ID = m.OWNER_THREAD_ID
           LEFT JOIN information_schema.PROCESSLIST p ON p.ID = t.PROCESSLIST_ID
           LEFT JOIN information_schema.INNODB_TRX x ON x.trx_mysql_thread_id = t.PROCESSLIST_ID
          WHERE m.OBJECT_TYPE = 'TABLE' AND m.OBJECT_SCHEMA = ? AND m.OBJECT_NAME = ? AND t.PROCESSLIST_ID <> CONNECTION_ID()`,
        [table.schema, table.name],
      );
      for (const r of mdl) {
        risks.set(Number(r.pid), {
          pid: Number(r.pid),
          ageSeconds: round1(Number(r.age ?? 0)),
          state: r.status === 'PENDING' ? `${r.state}, waiting for a lock` : r.state,
          query: (r.q ?? '').slice(0, 200),
          lockMode: r.mode,
        });
      }
    } catch {
      // the metadata-lock instrument may be off; fall through to transactions
    }
  }
  const trx = await db.query<{ pid: number; age: number; state: string; q: string | null }>(
    `SELECT x.trx_mysql_thread_id AS pid, TIMESTAMPDIFF(MICROSECOND, x.trx_started, NOW(6)) / 1e6 AS age,
            CONCAT(x.trx_state, IF(p.COMMAND = 'Sleep', ', idle in transaction', '')) AS state, COALESCE(x.trx_query, p.INFO) AS q
       FROM information_schema.INNODB_TRX x LEFT JOIN information_schema.PROCESSLIST p ON p.ID = x.trx_mysql_thread_id
      WHERE x.trx_mysql_thread_id <> CONNECTION_ID() AND x.trx_started <= NOW(6) - INTERVAL ? MICROSECOND
      ORDER BY x.trx_started`,
    [Math.round(longSeconds * 1e6)],
  );
  for (const r of trx) {
    if (!risks.has(Number(r.pid)))
      risks.set(Number(r.pid), { pid: Number(r.pid), ageSeconds: round1(Number(r.age)), state: r.state, query: (r.q ?? '').slice(0, 200) });
  }
  const waiting = await db.query<{ pid: number; time: number; q: string | null }>(
    `SELECT ID AS pid, TIME AS time, INFO AS q FROM information_schema.PROCESSLIST
      WHERE STATE LIKE 'Waiting for table metadata lock%' AND ID <> CONNECTION_ID()`,
  );
  for (const r of waiting) {
    if (!risks.has(Number(r.pid)))
      risks.set(Number(r.pid), {
        pid: Number(r.pid),
        ageSeconds: Number(r.time),
        state: 'waiting for a metadata lock',
        query: (r.q ?? '').slice(0, 200),
      });
  }
  return [...risks.values()].sort((a, b) => b.ageSeconds - a.ageSeconds);
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Replicas as the primary sees them, whether this server is itself a replica, and the binlog format. */
export async function replication(db: Queryable): Promise<ReplicationFacts> {
  const [v] = await db.query<{ fmt: string | null; logbin: number | string }>('SELECT @@binlog_format AS fmt, @@log_bin AS logbin');
  let replicas: ReplicationFacts['replicas'] = [];
  let isReplica = false;
  try {
    const hosts = await db.query<Record<string, unknown>>('SHOW SLAVE HOSTS');
    replicas = hosts.map((h) => ({
      name: `${String(h.Host ?? h.host ?? '')}:${String(h.Port ?? h.port ?? '')}`.replace(/^:/, `server ${String(h.Server_id ?? '')}`),
    }));
  } catch {
    // needs REPLICATION MASTER ADMIN / REPLICATION SLAVE; without it, no replicas can be listed
  }
  try {
    isReplica = (await db.query('SHOW SLAVE STATUS')).length > 0;
  } catch {
    // same privilege caveat
  }
  return { replicas, isReplica, binlogFormat: Number(v?.logbin) === 1 ? (v?.fmt ?? null) : null };
}
