/** PostgreSQL half of the rollout check (see ../rollout.ts). */
import { parseVersion } from '../../core/version';
import { quoteIdent } from '../../core/sql';
import type { NullSample, ObservedIndex, ObservedPlan, RolloutObservation } from '../../core/rollout/types';
import type { TableRef } from '../../core/types';
import type { DatabaseClient } from '../client';
import { checkQuery, DEFAULT_SAMPLE_LIMIT, failedPlan, planAccess, type ObserveOptions, type RolloutAdapter } from '../rollout';

const q = (name: string) => quoteIdent('postgres', name);
/** Key types whose order follows insertion closely enough for "the newest rows". */
const ORDERED_KEY = /^(smallint|integer|bigint|numeric|timestamp|date)/;

async function explain(client: DatabaseClient, query: string, generic: boolean): Promise<ObservedPlan> {
  let text: string;
  try {
    text = checkQuery('postgres', query);
  } catch (err) {
    return failedPlan(query, err);
  }
  // A read-only transaction: EXPLAIN without ANALYZE executes nothing, and this makes sure of it.
  await client.execute('BEGIN TRANSACTION READ ONLY');
  try {
    const opt = generic ? 'GENERIC_PLAN, ' : '';
    const [j] = await client.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (${opt}FORMAT JSON) ${text}`);
    const rows = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${generic ? '(GENERIC_PLAN) ' : ''}${text}`);
    const doc = j!['QUERY PLAN'];
    const top = (Array.isArray(doc) ? doc[0] : doc) as { Plan?: { 'Total Cost'?: number } } | undefined;
    const access = planAccess(doc);
    return {
      query: text,
      plan: rows.map((r) => r['QUERY PLAN']).join('\n'),
      ...access,
      cost: top?.Plan?.['Total Cost'] ?? null,
      costUnit: 'cost',
    };
  } catch (err) {
    return failedPlan(text, err);
  } finally {
    await client.execute('ROLLBACK').catch(() => undefined);
  }
}

async function topStatements(
  client: DatabaseClient,
  table: TableRef,
  major: number,
  already: readonly string[],
): Promise<RolloutObservation['topStatements']> {
  const [ext] = await client.query<{ ok: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements') AS ok`,
  );
  if (!ext?.ok)
    return { source: 'pg_stat_statements', explained: [], skipped: 0, note: 'pg_stat_statements is not installed in this database' };
  let rows: { query: string }[];
  try {
    rows = await client.query<{ query: string }>(
      `SELECT query FROM pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND query ~* ('\\m' || $1 || '\\M') AND query ~* '^\\s*(select|with|update|delete|insert)\\M'
        ORDER BY calls DESC LIMIT 5`,
      [table.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')],
    );
  } catch (err) {
    return {
      source: 'pg_stat_statements',
      explained: [],
      skipped: 0,
      note: `pg_stat_statements is not readable: ${(err as Error).message}`,
    };
  }
  const generic = major >= 16;
  const explained: ObservedPlan[] = [];
  let skipped = 0;
  for (const r of rows) {
    if (already.includes(r.query)) continue;
    if (/\$\d/.test(r.query) && !generic) {
      skipped++;
      continue;
    }
    explained.push(await explain(client, r.query, generic && /\$\d/.test(r.query)));
  }
  return {
    source: 'pg_stat_statements',
    explained,
    skipped,
    ...(skipped ? { note: `${skipped} parameterized statement(s) not explained: EXPLAIN (GENERIC_PLAN) needs PostgreSQL 16` } : {}),
  };
}

async function nullSample(client: DatabaseClient, t: string, key: string, column: string, options: ObserveOptions): Promise<NullSample> {
  const limit = options.sampleLimit ?? DEFAULT_SAMPLE_LIMIT;
  const since = options.sinceKey ?? null;
  const ph = options.placeholderDefault ?? null;
  const params: unknown[] = [ph];
  const where = since !== null ? (params.push(since), `WHERE ${q(key)} > $2`) : '';
  const [r] = await client.query<Record<string, number>>(
    `SELECT count(*)::int AS sampled,
            count(*) FILTER (WHERE m = 1)::int AS nulls, count(*) FILTER (WHERE m = 2)::int AS placeholders,
            count(*) FILTER (WHERE rn > (n + 1) / 2)::int AS older, count(*) FILTER (WHERE rn > (n + 1) / 2 AND m > 0)::int AS older_missing,
            count(*) FILTER (WHERE rn <= (n + 1) / 2)::int AS newer, count(*) FILTER (WHERE rn <= (n + 1) / 2 AND m > 0)::int AS newer_missing
       FROM (SELECT CASE WHEN c IS NULL THEN 1 WHEN $1::text IS NOT NULL AND c::text = $1::text THEN 2 ELSE 0 END AS m,
                    row_number() OVER (ORDER BY k DESC) AS rn, count(*) OVER () AS n
               FROM (SELECT ${q(key)} AS k, ${q(column)} AS c FROM ${t} ${where} ORDER BY ${q(key)} DESC LIMIT ${Math.floor(limit)}) x) y`,
    params,
  );
  return {
    keyColumn: key,
    sinceKey: since,
    sampled: r!.sampled!,
    nulls: r!.nulls!,
    placeholders: r!.placeholders!,
    olderHalf: { sampled: r!.older!, missing: r!.older_missing! },
    newerHalf: { sampled: r!.newer!, missing: r!.newer_missing! },
    limit,
  };
}

export const postgresRollout: RolloutAdapter = {
  async observe(client, table, column, options, takenAt) {
    const [ver] = await client.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
    const [major, minor] = parseVersion(ver!.v);
    const [rel] = await client.query<{ oid: number | null }>(`SELECT to_regclass(format('%I.%I', $1::text, $2::text))::oid AS oid`, [
      table.schema,
      table.name,
    ]);
    if (!rel?.oid) throw new Error(`table ${table.schema}.${table.name} does not exist`);
    const oid = rel.oid;
    const [size] = await client.query<{ heap: string; idx: string; total: string; rows: string }>(
      `SELECT pg_table_size(c.oid) AS heap, pg_indexes_size(c.oid) AS idx, pg_total_relation_size(c.oid) AS total, GREATEST(c.reltuples, 0)::bigint AS rows
         FROM pg_class c WHERE c.oid = $1`,
      [oid],
    );
    const [col] = await client.query<{ type: string; notnull: boolean; def: string | null }>(
      `SELECT format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull, pg_get_expr(d.adbin, d.adrelid) AS def
         FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = $1 AND a.attname = $2 AND NOT a.attisdropped`,
      [oid, column],
    );
    const idx = await client.query<{ name: string; cols: string[]; unique: boolean; valid: boolean; scans: string | null; bytes: string }>(
      `SELECT ic.relname AS name, i.indisunique AS unique, i.indisvalid AS valid, s.idx_scan AS scans, pg_relation_size(ic.oid) AS bytes,
              ARRAY(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n ORDER BY k.o)::text[] AS cols
         FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid LEFT JOIN pg_stat_user_indexes s ON s.indexrelid = i.indexrelid
        WHERE i.indrelid = $1 ORDER BY ic.relname`,
      [oid],
    );
    const indexes: ObservedIndex[] = idx
      .filter((r) => r.cols.includes(column))
      .map((r) => ({
        name: r.name,
        columns: r.cols,
        unique: r.unique,
        valid: r.valid,
        bytes: Number(r.bytes),
        scans: r.scans === null ? null : Number(r.scans),
      }));
    const [reset] = await client.query<{ at: Date | null }>(
      `SELECT stats_reset AS at FROM pg_stat_database WHERE datname = current_database()`,
    );
    const pk = await client.query<{ name: string; type: string }>(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type FROM pg_index i
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
        WHERE i.indrelid = $1 AND i.indisprimary`,
      [oid],
    );
    const t = `${q(table.schema)}.${q(table.name)}`;
    let key: RolloutObservation['key'] = null;
    let nulls: NullSample | null = null;
    if (pk.length === 1 && ORDERED_KEY.test(pk[0]!.type)) {
      const [m] = await client.query<{ max: string | null }>(`SELECT max(${q(pk[0]!.name)})::text AS max FROM ${t}`);
      key = { column: pk[0]!.name, max: m?.max ?? null };
      if (col) nulls = await nullSample(client, t, pk[0]!.name, column, options);
    }
    const plans: ObservedPlan[] = [];
    for (const query of options.queries ?? []) plans.push(await explain(client, query, false));
    const top = options.topStatements === false ? undefined : await topStatements(client, table, major, options.queries ?? []);
    return {
      takenAt,
      server: { dialect: 'postgres', version: `${major}.${minor}` },
      table,
      column,
      columnDefinition: col ? { type: col.type, nullable: !col.notnull, default: col.def } : null,
      tableBytes: Number(size!.heap),
      indexBytes: Number(size!.idx),
      totalBytes: Number(size!.total),
      rows: Number(size!.rows),
      indexes,
      indexStatsSource: 'pg_stat_user_indexes',
      statsResetAt: reset?.at ? new Date(reset.at).toISOString() : null,
      key,
      plans,
      ...(top ? { topStatements: top } : {}),
      nulls,
    };
  },
};
