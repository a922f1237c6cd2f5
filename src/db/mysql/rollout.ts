/** MySQL/MariaDB half of the rollout check (see ../rollout.ts). */
import { quoteIdent } from '../../core/sql';
import type { IndexStatsSource, NullSample, ObservedIndex, ObservedPlan, RolloutObservation } from '../../core/rollout/types';
import type { TableRef } from '../../core/types';
import type { DatabaseClient } from '../client';
import { dialectOfMysqlVersion } from '../connection';
import { explainText } from './run';
import { checkQuery, DEFAULT_SAMPLE_LIMIT, failedPlan, planAccess, type ObserveOptions, type RolloutAdapter } from '../rollout';

const q = (name: string) => quoteIdent('mysql', name);
const ORDERED_KEY = /^(tinyint|smallint|mediumint|int|bigint|decimal|datetime|timestamp|date)/;

async function explain(client: DatabaseClient, query: string): Promise<ObservedPlan> {
  let text: string;
  try {
    text = checkQuery('mysql', query);
  } catch (err) {
    return failedPlan(query, err);
  }
  await client.execute('START TRANSACTION READ ONLY');
  try {
    const [j] = await client.query<Record<string, string>>(`EXPLAIN FORMAT=JSON ${text}`);
    const doc = JSON.parse(Object.values(j!)[0]!) as { query_block?: { cost_info?: { query_cost?: string } } };
    const rows = await client.query<Record<string, unknown>>(`EXPLAIN ${text}`);
    const plan = explainText(rows);
    const access = planAccess(doc);
    const mysqlCost = doc.query_block?.cost_info?.query_cost;
    if (mysqlCost !== undefined) return { query: text, plan, ...access, cost: Number(mysqlCost), costUnit: 'cost' };
    // MariaDB's EXPLAIN has no cost: the rows the plan expects to examine stand in for it.
    const examined = rows.reduce((s, r) => s * Math.max(1, Number(r.rows ?? 1)), 1);
    return { query: text, plan, ...access, cost: examined, costUnit: 'rows' };
  } catch (err) {
    return failedPlan(text, err);
  } finally {
    await client.execute('ROLLBACK').catch(() => undefined);
  }
}

/** Per-index use counters: performance_schema where it is on (MySQL's default), else MariaDB's userstat tables. */
async function indexCounters(
  client: DatabaseClient,
  table: TableRef,
): Promise<{ source: IndexStatsSource; counts: Map<string, number>; note?: string }> {
  const [vars] = await client.query<{ ps: number | string | null; us: number | string | null }>(
    `SELECT @@performance_schema AS ps, (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_VARIABLES WHERE VARIABLE_NAME = 'USERSTAT') AS us`,
  );
  const counts = new Map<string, number>();
  if (Number(vars?.ps) === 1) {
    const rows = await client.query<{ name: string; n: number | string }>(
      `SELECT INDEX_NAME AS name, COUNT_FETCH AS n FROM performance_schema.table_io_waits_summary_by_index_usage
        WHERE OBJECT_SCHEMA = ? AND OBJECT_NAME = ? AND INDEX_NAME IS NOT NULL`,
      [table.schema, table.name],
    );
    for (const r of rows) counts.set(r.name, Number(r.n));
    return { source: 'performance_schema', counts, note: 'rows fetched through the index (COUNT_FETCH), not scans' };
  }
  if (String(vars?.us ?? '').toUpperCase() === 'ON') {
    const rows = await client.query<{ name: string; n: number | string }>(
      `SELECT INDEX_NAME AS name, ROWS_READ AS n FROM information_schema.INDEX_STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?`,
      [table.schema, table.name],
    );
    for (const r of rows) counts.set(r.name, Number(r.n));
    return {
      source: 'information_schema.INDEX_STATISTICS',
      counts,
      note: 'rows read through the index since userstat was turned on (ROWS_READ), not scans',
    };
  }
  return {
    source: 'none',
    counts,
    note: 'performance_schema is OFF and userstat is OFF: turn one on (MariaDB: SET GLOBAL userstat = 1) to count index use',
  };
}

/** MySQL ≥ 8.0.3 keeps a runnable sample of each digest (QUERY_SAMPLE_TEXT); MariaDB's digests have placeholders only. */
async function topStatements(
  client: DatabaseClient,
  table: TableRef,
  already: readonly string[],
): Promise<NonNullable<RolloutObservation['topStatements']>> {
  const source = 'performance_schema digests';
  const [ps] = await client.query<{ on: number | string }>('SELECT @@performance_schema AS `on`');
  if (Number(ps?.on) !== 1)
    return {
      source,
      explained: [],
      skipped: 0,
      note: 'performance_schema is OFF: no statement digests; list the queries to check with --query',
    };
  let rows: { q: string | null }[];
  try {
    rows = await client.query<{ q: string | null }>(
      `SELECT QUERY_SAMPLE_TEXT AS q FROM performance_schema.events_statements_summary_by_digest
        WHERE SCHEMA_NAME = ? AND DIGEST_TEXT LIKE ? AND DIGEST_TEXT REGEXP '^(SELECT|UPDATE|DELETE|INSERT|WITH)' ORDER BY COUNT_STAR DESC LIMIT 5`,
      [table.schema, `%${table.name.replace(/[\\%_]/g, '\\$&')}%`],
    );
  } catch (err) {
    return {
      source,
      explained: [],
      skipped: 0,
      note: `statement digests have no runnable sample here (${(err as Error).message}); list the queries to check with --query`,
    };
  }
  const explained: ObservedPlan[] = [];
  let skipped = 0;
  for (const r of rows) {
    if (!r.q || already.includes(r.q) || /\.\.\.$/.test(r.q)) {
      skipped++;
      continue;
    }
    explained.push(await explain(client, r.q));
  }
  return { source, explained, skipped, ...(skipped ? { note: `${skipped} digest(s) without a complete sample were not explained` } : {}) };
}

async function nullSample(client: DatabaseClient, t: string, key: string, column: string, options: ObserveOptions): Promise<NullSample> {
  const limit = options.sampleLimit ?? DEFAULT_SAMPLE_LIMIT;
  const since = options.sinceKey ?? null;
  const ph = options.placeholderDefault ?? null;
  const params: unknown[] = [ph, ph];
  const where = since !== null ? (params.push(since), `WHERE ${q(key)} > ?`) : '';
  const [r] = await client.query<Record<string, number | string>>(
    `SELECT COUNT(*) AS sampled, COALESCE(SUM(m = 1), 0) AS nulls, COALESCE(SUM(m = 2), 0) AS placeholders,
            COALESCE(SUM(rn > (n + 1) DIV 2), 0) AS older, COALESCE(SUM(rn > (n + 1) DIV 2 AND m > 0), 0) AS older_missing,
            COALESCE(SUM(rn <= (n + 1) DIV 2), 0) AS newer, COALESCE(SUM(rn <= (n + 1) DIV 2 AND m > 0), 0) AS newer_missing
       FROM (SELECT CASE WHEN c IS NULL THEN 1 WHEN ? IS NOT NULL AND CAST(c AS CHAR) = ? THEN 2 ELSE 0 END AS m,
                    ROW_NUMBER() OVER (ORDER BY k DESC) AS rn, COUNT(*) OVER () AS n
               FROM (SELECT ${q(key)} AS k, ${q(column)} AS c FROM ${t} ${where} ORDER BY ${q(key)} DESC LIMIT ${Math.floor(limit)}) x) y`,
    params,
  );
  const n = (k: string) => Number(r![k] ?? 0);
  return {
    keyColumn: key,
    sinceKey: since,
    sampled: n('sampled'),
    nulls: n('nulls'),
    placeholders: n('placeholders'),
    olderHalf: { sampled: n('older'), missing: n('older_missing') },
    newerHalf: { sampled: n('newer'), missing: n('newer_missing') },
    limit,
  };
}

export const mysqlRollout: RolloutAdapter = {
  async observe(client, table, column, options, takenAt) {
    const [ver] = await client.query<{ v: string }>('SELECT VERSION() AS v');
    const dialect = dialectOfMysqlVersion(ver!.v);
    const [size] = await client.query<{ data: number | string; idx: number | string; rows: number | string }>(
      'SELECT DATA_LENGTH AS data, INDEX_LENGTH AS idx, TABLE_ROWS AS `rows` FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
      [table.schema, table.name],
    );
    if (!size) throw new Error(`table ${table.schema}.${table.name} does not exist`);
    const [col] = await client.query<{ type: string; nullable: string; def: string | null }>(
      'SELECT COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS def FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?',
      [table.schema, table.name, column],
    );
    const stats = await client.query<{ name: string; col: string; nonUnique: number | string; seq: number | string }>(
      'SELECT INDEX_NAME AS name, COLUMN_NAME AS col, NON_UNIQUE AS nonUnique, SEQ_IN_INDEX AS seq FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX',
      [table.schema, table.name],
    );
    const sizes = await client
      .query<{ name: string; bytes: number | string }>(
        `SELECT index_name AS name, stat_value * @@innodb_page_size AS bytes FROM mysql.innodb_index_stats
        WHERE database_name = ? AND table_name = ? AND stat_name = 'size'`,
        [table.schema, table.name],
      )
      .catch(() => [] as { name: string; bytes: number }[]);
    const byName = new Map<string, { cols: string[]; unique: boolean }>();
    for (const r of stats) {
      const e = byName.get(r.name) ?? { cols: [], unique: Number(r.nonUnique) === 0 };
      e.cols.push(r.col);
      byName.set(r.name, e);
    }
    const counters = await indexCounters(client, table);
    const indexes: ObservedIndex[] = [...byName]
      .filter(([, e]) => e.cols.includes(column))
      .map(([name, e]) => {
        const s = sizes.find((x) => x.name === name);
        return {
          name,
          columns: e.cols,
          unique: e.unique,
          valid: true,
          bytes: s ? Number(s.bytes) : null,
          scans: counters.source === 'none' ? null : (counters.counts.get(name) ?? 0),
        };
      });
    const pk = byName.get('PRIMARY');
    const [pkType] =
      pk?.cols.length === 1
        ? await client.query<{ type: string }>(
            'SELECT DATA_TYPE AS type FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?',
            [table.schema, table.name, pk.cols[0]],
          )
        : [];
    const t = `${q(table.schema)}.${q(table.name)}`;
    let key: RolloutObservation['key'] = null;
    let nulls: NullSample | null = null;
    if (pk && pkType && ORDERED_KEY.test(pkType.type.toLowerCase())) {
      const keyCol = pk.cols[0]!;
      const [m] = await client.query<{ max: string | null }>(`SELECT CAST(MAX(${q(keyCol)}) AS CHAR) AS max FROM ${t}`);
      key = { column: keyCol, max: m?.max ?? null };
      if (col) nulls = await nullSample(client, t, keyCol, column, options);
    }
    const plans: ObservedPlan[] = [];
    for (const query of options.queries ?? []) plans.push(await explain(client, query));
    const data = Number(size.data);
    const ix = Number(size.idx);
    return {
      takenAt,
      server: { dialect, version: ver!.v.split('-')[0]! },
      table,
      column,
      columnDefinition: col ? { type: col.type, nullable: col.nullable === 'YES', default: col.def } : null,
      tableBytes: data,
      indexBytes: ix,
      totalBytes: data + ix,
      rows: Number(size.rows ?? 0),
      indexes,
      indexStatsSource: counters.source,
      ...(counters.note ? { indexStatsNote: counters.note } : {}),
      statsResetAt: null,
      key,
      plans,
      ...(options.topStatements === false ? {} : { topStatements: await topStatements(client, table, options.queries ?? []) }),
      nulls,
    };
  },
};
