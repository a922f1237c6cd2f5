/**
 * PostgreSQL catalog reads. Every query here reads pg_catalog / pg_stat_* only: none of them opens the
 * table, so none queues behind a pending ALTER (the size functions would: servers.md §C pitfall).
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
import { PHYSICAL_WALSENDER } from '../replication/postgres';

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

const USER_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'`;

export async function listTables(db: Queryable, schema?: string): Promise<TableSummary[]> {
  const rows = await db.query<{ schema: string; name: string; rows: string; bytes: string; kind: string }>(
    `SELECT n.nspname AS schema, c.relname AS name, c.reltuples::bigint AS rows,
            c.relpages::bigint * current_setting('block_size')::bigint AS bytes, c.relkind AS kind
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND ${USER_SCHEMAS} AND ($1::text IS NULL OR n.nspname = $1)
      ORDER BY 1, 2`,
    [schema ?? null],
  );
  return rows.map((r) => ({
    schema: r.schema,
    name: r.name,
    rows: Number(r.rows),
    bytes: Number(r.bytes),
    ...(r.kind === 'p' ? { partitioned: true } : {}),
  }));
}

interface BaseRow {
  oid: number;
  reltuples: string;
  relpages: string;
  relkind: string;
  block_size: string;
  n_live_tup: string | null;
  index_pages: string;
}

async function baseRow(db: Queryable, table: TableRef): Promise<BaseRow> {
  const [row] = await db.query<BaseRow>(
    `SELECT c.oid::int AS oid, c.reltuples::bigint AS reltuples, c.relpages::bigint AS relpages, c.relkind::text AS relkind,
            current_setting('block_size') AS block_size, s.n_live_tup,
            (SELECT coalesce(sum(ic.relpages), 0) FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = c.oid)::bigint AS index_pages
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
      WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`,
    [table.schema, table.name],
  );
  if (!row)
    throw new DatabaseError(
      `Table ${table.schema}.${table.name} does not exist (or is not a table). Check the schema and table name.`,
      '42P01',
    );
  return row;
}

export async function tableOid(db: Queryable, table: TableRef): Promise<number> {
  return (await baseRow(db, table)).oid;
}

export async function tableFacts(db: Queryable, table: TableRef, options: TableFactsOptions = {}): Promise<TableFacts> {
  const base = await baseRow(db, table);
  const oid = base.oid;
  const blockSize = Number(base.block_size);
  const reltuples = Number(base.reltuples);
  // reltuples is -1 until the first VACUUM/ANALYZE; the stats collector's live count is the next best lock-free figure.
  const rows = reltuples >= 0 ? reltuples : Number(base.n_live_tup ?? 0);

  const columns = (
    await db.query<{ name: string; type: string; notnull: boolean; def: string | null; gen: string; ident: string }>(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull,
            pg_get_expr(d.adbin, d.adrelid) AS def, a.attgenerated::text AS gen, a.attidentity::text AS ident
       FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
      [oid],
    )
  ).map((c): ColumnFacts => ({
    name: c.name,
    type: c.type,
    nullable: !c.notnull,
    default: c.gen === 's' ? null : c.def,
    generated: c.gen === 's' ? 'stored' : c.gen === 'v' ? 'virtual' : null,
    autoIncrement: c.ident !== '' || /^nextval\(/.test(c.def ?? ''),
  }));

  const indexes = (
    await db.query<{
      name: string;
      cols: (string | null)[];
      unique: boolean;
      primary: boolean;
      method: string;
      expr: boolean;
      valid: boolean;
      pages: string;
    }>(
      `SELECT ic.relname AS name, am.amname AS method, i.indisunique AS unique, i.indisprimary AS primary, i.indisvalid AS valid,
            i.indexprs IS NOT NULL AS expr, ic.relpages::bigint AS pages,
            ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
                    LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                   WHERE k.ord <= i.indnkeyatts ORDER BY k.ord) AS cols
       FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
      WHERE i.indrelid = $1 ORDER BY ic.relname`,
      [oid],
    )
  ).map((r): IndexFacts => ({
    name: r.name,
    columns: r.cols.map((c) => c ?? '(expression)'),
    unique: r.unique,
    primary: r.primary,
    method: r.method,
    ...(r.expr ? { expression: true } : {}),
    valid: r.valid,
    bytes: Number(r.pages) * blockSize,
  }));
  // Rows per distinct key of each single-column index, from the planner's statistics (none before the first ANALYZE).
  const distinct = new Map(
    (
      await db.query<{ col: string; nd: number }>(
        'SELECT attname::text AS col, n_distinct::float8 AS nd FROM pg_stats WHERE schemaname = $1 AND tablename = $2 AND NOT inherited',
        [table.schema, table.name],
      )
    ).map((r) => [r.col, Number(r.nd)] as const),
  );
  const keyed = indexes.map((ix): IndexFacts => {
    const nd = ix.columns.length === 1 && !ix.expression ? distinct.get(ix.columns[0]!) : undefined;
    // n_distinct > 0 is a count of values; < 0 is minus the fraction of rows (−1: every row distinct); 0 is unknown.
    const keys = nd === undefined || nd === 0 ? undefined : nd > 0 ? nd : -nd * rows;
    return keys && rows > 0 ? { ...ix, rowsPerKey: Math.max(1, rows / keys) } : ix;
  });

  const constraintRows = await db.query<{
    name: string;
    contype: string;
    def: string;
    validated: boolean;
    conrelid: number;
    confrelid: number;
    cols: string[];
    refcols: string[];
    relschema: string;
    relname: string;
    refschema: string;
    refname: string;
  }>(
    `SELECT con.conname AS name, con.contype::text AS contype, pg_get_constraintdef(con.oid) AS def, con.convalidated AS validated,
            ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o) AS cols,
            ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o) AS refcols,
            rn.nspname AS relschema, r.relname AS relname, fn.nspname AS refschema, f.relname AS refname
       FROM pg_constraint con
       JOIN pg_class r ON r.oid = con.conrelid JOIN pg_namespace rn ON rn.oid = r.relnamespace
       LEFT JOIN pg_class f ON f.oid = con.confrelid LEFT JOIN pg_namespace fn ON fn.oid = f.relnamespace
      WHERE con.conrelid = $1 OR con.confrelid = $1 ORDER BY con.conname`,
    [oid],
  );
  const kinds: Record<string, ConstraintFacts['kind']> = {
    c: 'check',
    u: 'unique',
    p: 'primary',
    f: 'foreign',
    x: 'exclusion',
    n: 'not-null',
  };
  const own = constraintRows.filter((r) => r.relschema === table.schema && r.relname === table.name);
  const constraints = own
    .filter((r) => kinds[r.contype])
    .map((r): ConstraintFacts => ({ name: r.name, kind: kinds[r.contype]!, definition: r.def, validated: r.validated }));
  const fk = (r: (typeof constraintRows)[number], ref: boolean): ForeignKeyFacts => ({
    name: r.name,
    columns: r.cols,
    refTable: ref ? { schema: r.refschema, name: r.refname } : { schema: r.relschema, name: r.relname },
    refColumns: r.refcols,
  });
  const foreignKeysOut = own.filter((r) => r.contype === 'f').map((r) => fk(r, true));
  // Incoming keys: `refTable` names the referencing table, `columns` its columns, `refColumns` ours.
  const foreignKeysIn = constraintRows
    .filter((r) => r.contype === 'f' && r.refschema === table.schema && r.refname === table.name)
    .map((r) => fk(r, false));

  const primary = keyed.find((i) => i.primary);
  // relpages is 0 until the first VACUUM/ANALYZE: then ask for the file size, but never wait behind a queued ALTER for it.
  const bytes = Number(base.relpages) > 0 || reltuples >= 0 ? Number(base.relpages) * blockSize : await sizeWithoutWaiting(db, oid);
  const writesPerSecond = options.sampleMs ? await writeRate(db, oid, options.sampleMs) : undefined;
  return {
    table: { schema: table.schema, name: table.name },
    rows,
    bytes,
    indexBytes: Number(base.index_pages) * blockSize,
    columns,
    ...(primary ? { primaryKey: primary.columns } : {}),
    indexes: keyed,
    constraints,
    foreignKeysOut,
    foreignKeysIn,
    partitioned: base.relkind === 'p',
    ...(writesPerSecond !== undefined ? { writesPerSecond } : {}),
    lockRisks: await lockRisks(db, oid, options.longTransactionSeconds ?? 60),
    replication: await replication(db),
  };
}

/** pg_relation_size opens the table (ACCESS SHARE): under a 100 ms lock timeout, and 0 when it would have to wait. */
async function sizeWithoutWaiting(db: Queryable, oid: number): Promise<number> {
  try {
    await db.query('BEGIN');
    await db.query(`SET LOCAL lock_timeout = '100ms'`);
    const [r] = await db.query<{ b: string }>('SELECT pg_relation_size($1::oid::regclass)::bigint AS b', [oid]);
    await db.query('COMMIT');
    return Number(r?.b ?? 0);
  } catch {
    await db.query('ROLLBACK').catch(() => undefined);
    return 0;
  }
}

async function writeCounter(db: Queryable, oid: number): Promise<{ n: number; t: number }> {
  const [r] = await db.query<{ n: string | null; t: number }>(
    `SELECT (SELECT n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables WHERE relid = $1) AS n,
            extract(epoch FROM clock_timestamp())::float8 AS t`,
    [oid],
  );
  return { n: Number(r?.n ?? 0), t: Number(r?.t ?? 0) };
}

/** Rows written per second: pg_stat_user_tables counters sampled `ms` apart (each query is its own snapshot). */
export async function writeRate(db: Queryable, oid: number, ms: number): Promise<number> {
  const a = await writeCounter(db, oid);
  await new Promise((r) => setTimeout(r, ms));
  const b = await writeCounter(db, oid);
  const dt = b.t - a.t;
  return dt > 0 ? Math.max(0, (b.n - a.n) / dt) : 0;
}

/**
 * Sessions that hold or wait for a lock on the table (any age), and other open transactions older than
 * `longSeconds` (they hold back CREATE INDEX CONCURRENTLY and VALIDATE, and may touch the table next).
 */
export async function lockRisks(db: Queryable, oid: number, longSeconds: number): Promise<LockRisk[]> {
  const rows = await db.query<{ pid: number; age: number; state: string; query: string; mode: string | null; granted: boolean | null }>(
    `SELECT a.pid, extract(epoch FROM now() - coalesce(a.xact_start, a.query_start))::float8 AS age, coalesce(a.state, '') AS state,
            left(coalesce(a.query, ''), 200) AS query, l.mode, l.granted
       FROM pg_stat_activity a
       LEFT JOIN LATERAL (SELECT l.mode, l.granted FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'relation' AND l.relation = $1
                           ORDER BY l.granted, l.mode DESC LIMIT 1) l ON true
      WHERE a.pid <> pg_backend_pid() AND a.backend_type = 'client backend'
        AND (l.mode IS NOT NULL OR (a.xact_start IS NOT NULL AND now() - a.xact_start >= make_interval(secs => $2)))
      ORDER BY a.xact_start NULLS LAST`,
    [oid, longSeconds],
  );
  return rows.map((r) => ({
    pid: r.pid,
    ageSeconds: Math.round(Number(r.age) * 10) / 10,
    state: r.granted === false ? `${r.state}, waiting for a lock` : r.state,
    query: r.query,
    ...(r.mode ? { lockMode: r.mode } : {}),
  }));
}

/** Standbys streaming from this server, and the standby settings that decide how long a replayed lock may wait. */
export async function replication(db: Queryable): Promise<ReplicationFacts> {
  const [s] = await db.query<{ in_recovery: boolean; delay: string; feedback: string }>(
    `SELECT pg_is_in_recovery() AS in_recovery, current_setting('max_standby_streaming_delay') AS delay, current_setting('hot_standby_feedback') AS feedback`,
  );
  let replicas: ReplicationFacts['replicas'] = [];
  try {
    replicas = (
      await db.query<{ name: string; lag: number | null; bytes: string | null }>(
        `SELECT coalesce(nullif(application_name, ''), client_addr::text, 'standby ' || pid) AS name,
              extract(epoch FROM replay_lag)::float8 AS lag,
              pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint AS bytes
         FROM pg_stat_replication WHERE ${PHYSICAL_WALSENDER} ORDER BY 1`,
      )
    ).map((r) => ({
      name: r.name,
      lagSeconds: r.lag === null ? null : Number(r.lag),
      lagBytes: r.bytes === null ? null : Number(r.bytes),
    }));
  } catch {
    // pg_current_wal_lsn() fails on a standby; the standby has no replicas of its own to report.
  }
  return {
    replicas,
    isReplica: s!.in_recovery,
    maxStandbyStreamingDelayMs: settingMs(s!.delay),
    hotStandbyFeedback: s!.feedback === 'on',
  };
}

/** `30s` / `500ms` / `-1` (wait forever) as milliseconds; -1 stays -1. */
export function settingMs(text: string): number {
  const m = /^(-?\d+)\s*(ms|s|min|h|d)?$/.exec(text.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  if (n < 0) return -1;
  const unit = { ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 'ms') as 'ms'];
  return n * unit;
}
