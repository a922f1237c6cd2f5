/**
 * The runner's PostgreSQL adapter (the RunnerDialect of src/db/run/dialect.ts): DDL in transactions together with the
 * run state, CREATE INDEX CONCURRENTLY checked for validity, NOT VALID constraints, advisory locks, one statement per
 * backfill batch.
 */
import { requiresOutsideTransaction } from '../../core/dialects/index';
import { quoteIdent } from '../../core/sql';
import type { LockRisk, TableRef } from '../../core/types';
import type { DatabaseClient } from '../client';
import type { RunnerDialect, ServerObjects } from '../run/dialect';
import { restoreEach } from '../run/restoreSettings';
import type { KeyCandidate, KeyColumn } from '../run/keys';
import type { RunReport, SizeSnapshot } from '../run/types';

const ident = (name: string): string => quoteIdent('postgres', name);
const qualified = (t: TableRef): string => `${ident(t.schema)}.${ident(t.name)}`;

const NAME = String.raw`("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;

function unquote(raw: string): string {
  return raw.startsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw.toLowerCase();
}

/** The index a `CREATE [UNIQUE] INDEX CONCURRENTLY` builds, unquoted (lower-cased when it was not quoted). */
export function concurrentIndexName(sql: string): string | null {
  const m = new RegExp(String.raw`CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+(?:IF\s+NOT\s+EXISTS\s+)?${NAME}\s+ON\s`, 'i').exec(sql);
  return m ? unquote(m[1]!) : null;
}

/** The constraint an `ALTER TABLE … ADD CONSTRAINT name … NOT VALID` adds, unquoted; null for any other statement. */
export function notValidConstraintName(sql: string): string | null {
  const m = new RegExp(String.raw`^\s*ALTER\s+TABLE\b[\s\S]*?\bADD\s+CONSTRAINT\s+${NAME}[\s\S]*\bNOT\s+VALID\s*;?\s*$`, 'i').exec(sql);
  return m ? unquote(m[1]!) : null;
}

/** The constraint an `ALTER TABLE … VALIDATE CONSTRAINT name` validates, unquoted. */
export function validatedConstraintName(sql: string): string | null {
  const m = new RegExp(String.raw`^\s*ALTER\s+TABLE\b[\s\S]*?\bVALIDATE\s+CONSTRAINT\s+${NAME}\s*;?\s*$`, 'i').exec(sql);
  return m ? unquote(m[1]!) : null;
}

/** Bind a key's text value back to the column's type. */
const bindValue = (c: KeyColumn, n: number): string => `$${n}::${c.type}`;

/** Row values compare directly. */
function keyPredicate(cols: readonly KeyColumn[], op: '>' | '<=', values: readonly string[], params: unknown[]): string {
  const lhs = cols.map((c) => ident(c.name));
  const rhs = cols.map((c, i) => {
    params.push(values[i]);
    return bindValue(c, params.length);
  });
  return cols.length === 1 ? `${lhs[0]} ${op} ${rhs[0]}` : `(${lhs.join(', ')}) ${op} (${rhs.join(', ')})`;
}

/**
 * One statement per batch — the next `n` keys, the UPDATE up to the last of them, and the state row's advance — so the
 * batch and its saved position commit together.
 */
const backfillBatch: RunnerDialect['backfillBatch'] = async (b, last, n, doneBefore) => {
  const params: unknown[] = [];
  const after = last ? keyPredicate(b.key.columns, '>', last, params) : 'true';
  const cols = b.key.columns.map((c) => ident(c.name));
  const upTo =
    cols.length === 1 ? `${cols[0]} <= (SELECT ${cols[0]} FROM e)` : `(${cols.join(', ')}) <= (SELECT ${cols.join(', ')} FROM e)`;
  let stateCte = '';
  if (b.store) {
    params.push(doneBefore, n, b.store.runId);
    const [x, y, z] = [params.length - 2, params.length - 1, params.length];
    stateCte = `, s AS (UPDATE ${b.store.store.table} SET backfill_last_key = (SELECT json_build_array(${cols.map((c) => `${c}::text`).join(', ')})::text FROM e),
        backfill_rows = $${x}::bigint + (SELECT count(*) FROM b), batch_size = $${y}::int, updated_at = now() WHERE run_id = $${z} AND EXISTS (SELECT 1 FROM b) RETURNING 1)`;
  }
  const sql = `WITH b AS (SELECT ${cols.join(', ')} FROM ${b.table} WHERE ${after} ORDER BY ${b.order} LIMIT ${n}),
      e AS (SELECT ${cols.join(', ')} FROM b ORDER BY ${cols.map((c) => `${c} DESC`).join(', ')} LIMIT 1),
      u AS (UPDATE ${b.table} SET ${b.column} = (${b.valueSql}) WHERE ${after} AND ${upTo} AND ${b.column} IS NULL RETURNING 1)${stateCte}
      SELECT (SELECT count(*) FROM b)::int AS scanned, (SELECT count(*) FROM u)::int AS updated, ${cols.map((c, i) => `(SELECT ${c}::text FROM e) AS k${i}`).join(', ')}`;
  const [row] = await b.client.query<Record<string, string | number | null>>(sql, params);
  const scanned = Number(row!.scanned);
  const updated = Number(row!.updated);
  if (scanned < n) {
    const tail = await b.sweep(scanned > 0 ? cols.map((_, i) => String(row![`k${i}`])) : last);
    return { upper: null, scanned: scanned + tail.scanned, updated: updated + tail.updated, final: true };
  }
  return { upper: cols.map((_, i) => String(row![`k${i}`])), scanned, updated, final: false };
};

function who(r: { usr: string | null; app: string | null }): { user?: string; application?: string } {
  return { ...(r.usr ? { user: r.usr } : {}), ...(r.app ? { application: r.app } : {}) };
}

async function findBlockers(client: DatabaseClient, table: TableRef): Promise<LockRisk[]> {
  const rows = await client.query<{
    pid: number;
    age: number | null;
    state: string | null;
    query: string | null;
    mode: string;
    usr: string | null;
    app: string | null;
  }>(
    `SELECT a.pid, EXTRACT(EPOCH FROM now() - COALESCE(a.xact_start, a.query_start))::float8 AS age, a.state, left(a.query, 300) AS query,
            a.usename::text AS usr, a.application_name AS app, string_agg(DISTINCT l.mode, ',') AS mode
       FROM pg_locks l
       JOIN pg_class c ON c.oid = l.relation
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'relation' AND l.granted AND n.nspname = $1 AND c.relname = $2 AND a.pid <> pg_backend_pid()
      GROUP BY a.pid, a.xact_start, a.query_start, a.state, a.query, a.usename, a.application_name
      ORDER BY age DESC NULLS LAST`,
    [table.schema, table.name],
  );
  if (rows.length)
    return rows.map((r) => ({
      pid: r.pid,
      ageSeconds: Math.round((r.age ?? 0) * 10) / 10,
      state: r.state ?? '',
      query: r.query ?? '',
      lockMode: r.mode,
      ...who(r),
    }));
  // CREATE INDEX CONCURRENTLY waits for every older transaction, not only those touching the table.
  const old = await client.query<{
    pid: number;
    age: number | null;
    state: string | null;
    query: string | null;
    usr: string | null;
    app: string | null;
  }>(
    `SELECT pid, EXTRACT(EPOCH FROM now() - xact_start)::float8 AS age, state, left(query, 300) AS query, usename::text AS usr, application_name AS app FROM pg_stat_activity
      WHERE xact_start IS NOT NULL AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND now() - xact_start > interval '1 second'
      ORDER BY xact_start LIMIT 10`,
  );
  return old.map((r) => ({
    pid: r.pid,
    ageSeconds: Math.round((r.age ?? 0) * 10) / 10,
    state: r.state ?? '',
    query: r.query ?? '',
    ...who(r),
  }));
}

async function serverObjects(client: DatabaseClient, table: TableRef, column: string): Promise<ServerObjects> {
  const [c] = await client.query<{ notnull: boolean; def: boolean }>(
    `SELECT a.attnotnull AS notnull, a.atthasdef AS def FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND a.attname = $3 AND a.attnum > 0 AND NOT a.attisdropped`,
    [table.schema, table.name, column],
  );
  const cons = await client.query<{ name: string; validated: boolean; type: string }>(
    `SELECT k.conname AS name, k.convalidated AS validated, k.contype::text AS type FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2`,
    [table.schema, table.name],
  );
  const idx = await client.query<{ name: string; valid: boolean }>(
    `SELECT ic.relname AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2`,
    [table.schema, table.name],
  );
  return {
    column: c ? { nullable: !c.notnull, hasDefault: c.def } : null,
    constraints: new Map(cons.map((r) => [r.name, { validated: r.validated, type: r.type }])),
    indexes: new Map(idx.map((r) => [r.name, r.valid])),
  };
}

async function sizeSnapshot(client: DatabaseClient, table: TableRef): Promise<SizeSnapshot> {
  const [t] = await client.query<{ heap: string; idx: string; total: string }>(
    `SELECT pg_table_size(c.oid) AS heap, pg_indexes_size(c.oid) AS idx, pg_total_relation_size(c.oid) AS total
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
    [table.schema, table.name],
  );
  const idx = await client.query<{ name: string; bytes: string }>(
    `SELECT ic.relname AS name, pg_relation_size(ic.oid) AS bytes
       FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 ORDER BY ic.relname`,
    [table.schema, table.name],
  );
  return {
    tableBytes: Number(t?.heap ?? 0),
    indexBytes: Number(t?.idx ?? 0),
    totalBytes: Number(t?.total ?? 0),
    indexes: idx.map((r) => ({ name: r.name, bytes: Number(r.bytes) })),
  };
}

async function columnDefinition(client: DatabaseClient, table: TableRef, column: string): Promise<RunReport['columnDefinition']> {
  const [r] = await client.query<{ type: string; notnull: boolean; def: string | null }>(
    `SELECT format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull, pg_get_expr(d.adbin, d.adrelid) AS def
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE n.nspname = $1 AND c.relname = $2 AND a.attname = $3 AND NOT a.attisdropped`,
    [table.schema, table.name, column],
  );
  return r ? { type: r.type, nullable: !r.notnull, default: r.def } : null;
}

const columnIndexes: RunnerDialect['columnIndexes'] = async (client, table, column, sizeOf) => {
  const rows = await client.query<{ name: string; cols: string[]; unique: boolean; valid: boolean; scans: string | null }>(
    `SELECT ic.relname AS name, i.indisunique AS unique, i.indisvalid AS valid, s.idx_scan AS scans,
            ARRAY(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n ORDER BY k.o)::text[] AS cols
       FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_stat_user_indexes s ON s.indexrelid = i.indexrelid
      WHERE n.nspname = $1 AND c.relname = $2 ORDER BY ic.relname`,
    [table.schema, table.name],
  );
  return rows
    .filter((r) => r.cols.includes(column))
    .map((r) => ({
      name: r.name,
      columns: r.cols,
      unique: r.unique,
      valid: r.valid,
      bytes: sizeOf(r.name),
      idxScan: r.scans === null ? null : Number(r.scans),
    }));
};

/** The session settings the runner changes (setLockTimeout, setStatementTimeout, a step's lockTimeoutSql). */
const SESSION_SETTINGS = ['lock_timeout', 'statement_timeout'] as const;

export const runner: RunnerDialect = {
  planDialects: ['postgres'],
  displayName: 'PostgreSQL',
  ident,
  placeholder: (n) => `$${n}`,

  sessionIdSql: 'SELECT pg_backend_pid() AS id',
  async setLockTimeout(client, ms, local = false) {
    await client.query(`SET ${local ? 'LOCAL ' : ''}lock_timeout = ${Math.max(1, Math.round(ms))}`);
  },
  async setStatementTimeout(client, ms, local = false) {
    await client.query(`SET ${local ? 'LOCAL ' : ''}statement_timeout = ${Math.max(0, Math.round(ms))}`);
  },
  async sessionSettings(client) {
    const [row] = await client.query<Record<string, string>>(
      `SELECT ${SESSION_SETTINGS.map((n) => `current_setting('${n}') AS ${n}`).join(', ')}`,
    );
    return new Map(SESSION_SETTINGS.map((n) => [n, String(row![n])]));
  },
  /** set_config(…, false): for the session, as SET; the values go as parameters. One statement per setting. */
  restoreSessionSettings(client, saved) {
    return restoreEach(saved, SESSION_SETTINGS, (name, value) => client.query('SELECT set_config($1, $2, false)', [name, value]));
  },

  /** pg_class's OID, which survives rewrites. */
  async tableIdentity(client, table) {
    const [row] = await client.query<{ id: string }>(
      'SELECT c.oid::text AS id FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2',
      [table.schema, table.name],
    );
    return row ? `oid:${row.id}` : null;
  },
  identityChangesOnRebuild: false,
  tableExistsSql: 'SELECT 1 AS x FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2',
  columnExistsSql: 'SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name = $3',
  estimateRowsSql:
    'SELECT GREATEST(c.reltuples, 0)::bigint AS n FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace WHERE ns.nspname = $1 AND c.relname = $2',
  async batchKeyCandidates(client, table): Promise<KeyCandidate[]> {
    return client.query<KeyCandidate>(
      `SELECT ic.relname AS name, i.indisprimary AS primary,
              json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'notnull', a.attnotnull) ORDER BY k.ord) AS columns
         FROM pg_index i
         JOIN pg_class c ON c.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_class ic ON ic.oid = i.indexrelid
         CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
        WHERE n.nspname = $1 AND c.relname = $2 AND i.indisunique AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL
        GROUP BY ic.relname, i.indisprimary`,
      [table.schema, table.name],
    );
  },
  findBlockers,

  async tryNamedLock(client, name) {
    const [row] = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [name]);
    return row?.ok === true;
  },
  async namedLockHolders(client, name) {
    const holders = await client.query<{ pid: number; query: string | null }>(
      `SELECT a.pid, left(a.query, 200) AS query FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.objid = (hashtextextended($1, 0) & 4294967295)::bigint::oid`,
      [name],
    );
    return holders.map((h) => h.pid);
  },
  async releaseNamedLock(client, name) {
    await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [name]);
  },

  stateTableDdl: (t) => `CREATE TABLE IF NOT EXISTS ${t} (
  run_id text PRIMARY KEY,
  table_schema text NOT NULL,
  table_name text NOT NULL,
  column_name text NOT NULL,
  plan_hash text NOT NULL,
  plan text NOT NULL,
  status text NOT NULL,
  phase_index integer NOT NULL DEFAULT 0,
  step_index integer NOT NULL DEFAULT 0,
  step_started boolean NOT NULL DEFAULT false,
  backfill_last_key text,
  backfill_rows bigint NOT NULL DEFAULT 0,
  batch_size integer,
  before_sizes text,
  error text,
  started_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  table_id text
)`,
  stateTableIdType: 'text',
  boolParam: (v) => v,
  nowSql: 'now()',

  /** Transactional DDL: every statement but those PostgreSQL refuses in a transaction (CONCURRENTLY, …). */
  runsInTransaction: (sql, serverVersion) => !requiresOutsideTransaction(sql, serverVersion),
  onlineIndex: {
    name: concurrentIndexName,
    async validity(client, schema, name) {
      const [row] = await client.query<{ valid: boolean }>(
        `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = $1 AND c.relname = $2`,
        [schema, name],
      );
      return row ? row.valid : null;
    },
    dropSql: (schema, name) => `DROP INDEX CONCURRENTLY IF EXISTS ${ident(schema)}.${ident(name)}`,
  },
  notValidConstraints: {
    added: notValidConstraintName,
    validated: validatedConstraintName,
    dropSql: (table, name) => `ALTER TABLE ${qualified(table)} DROP CONSTRAINT IF EXISTS ${ident(name)}`,
  },

  keyPredicate,
  backfillBatch,

  foldUnquoted: (name) => name.toLowerCase(),
  catalogName: (name) => name,
  indexesCreated(sql) {
    const m = new RegExp(
      String.raw`^\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?${NAME}\s+ON\s`,
      'i',
    ).exec(sql);
    return m ? [m[1]!] : [];
  },
  serverObjects,
  dropConstraintSql: (t, name) => `ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS ${ident(name)}`,
  dropIndexSql: (table, name) => `DROP INDEX CONCURRENTLY IF EXISTS ${ident(table.schema)}.${ident(name)}`,
  dropColumnSql: (t, column) => `ALTER TABLE ${t} DROP COLUMN IF EXISTS ${ident(column)}`,
  isForeignKey: (type) => type === 'f',

  sizeSnapshot,
  columnDefinition,
  columnIndexes,
  sampleValueSql: (t, c) => `SELECT ${c}::text AS v FROM ${t} WHERE ${c} IS NOT NULL LIMIT 1`,
  async explain(client, query, params) {
    const rows = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${query}`, params);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  },
  analyzeSql: (t) => `ANALYZE ${t}`,
};
