/** After a run: sizes before/after, the column as the server defines it, index validity/size, ANALYZE, EXPLAIN, idx_scan. */
import { formatBytes } from '../../core/format';
import type { TableRef } from '../../core/types';
import type { DatabaseClient } from '../client';
import { engineOf, ident, qualified } from './dialect';
import type { ReportIndex, RunReport, SizeSnapshot } from './types';

export async function sizeSnapshot(client: DatabaseClient, table: TableRef): Promise<SizeSnapshot> {
  if (engineOf(client) === 'postgres') {
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
    return { tableBytes: Number(t?.heap ?? 0), indexBytes: Number(t?.idx ?? 0), totalBytes: Number(t?.total ?? 0), indexes: idx.map((r) => ({ name: r.name, bytes: Number(r.bytes) })) };
  }
  const [t] = await client.query<{ data: number | string; idx: number | string }>(
    'SELECT DATA_LENGTH AS data, INDEX_LENGTH AS idx FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
    [table.schema, table.name],
  );
  const idx = await client.query<{ name: string; bytes: number | string }>(
    `SELECT index_name AS name, stat_value * @@innodb_page_size AS bytes FROM mysql.innodb_index_stats
      WHERE database_name = ? AND table_name = ? AND stat_name = 'size' ORDER BY index_name`,
    [table.schema, table.name],
  ).catch(() => [] as { name: string; bytes: number }[]);
  const data = Number(t?.data ?? 0);
  const ix = Number(t?.idx ?? 0);
  return { tableBytes: data, indexBytes: ix, totalBytes: data + ix, indexes: idx.map((r) => ({ name: r.name, bytes: Number(r.bytes) })) };
}

async function columnDefinition(client: DatabaseClient, table: TableRef, column: string): Promise<RunReport['columnDefinition']> {
  if (engineOf(client) === 'postgres') {
    const [r] = await client.query<{ type: string; notnull: boolean; def: string | null }>(
      `SELECT format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull, pg_get_expr(d.adbin, d.adrelid) AS def
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE n.nspname = $1 AND c.relname = $2 AND a.attname = $3 AND NOT a.attisdropped`,
      [table.schema, table.name, column],
    );
    return r ? { type: r.type, nullable: !r.notnull, default: r.def } : null;
  }
  const [r] = await client.query<{ type: string; nullable: string; def: string | null; extra: string }>(
    `SELECT COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS def, EXTRA AS extra FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?`,
    [table.schema, table.name, column],
  );
  return r ? { type: r.type, nullable: r.nullable === 'YES', default: r.def } : null;
}

/** Indexes whose columns include the new column, with validity, size and the scan counter now. */
async function columnIndexes(client: DatabaseClient, table: TableRef, column: string, snapshot: SizeSnapshot): Promise<ReportIndex[]> {
  const sizeOf = (name: string) => snapshot.indexes.find((i) => i.name === name)?.bytes ?? null;
  if (engineOf(client) === 'postgres') {
    const rows = await client.query<{ name: string; cols: string[]; unique: boolean; valid: boolean; scans: string | null }>(
      `SELECT ic.relname AS name, i.indisunique AS unique, i.indisvalid AS valid, s.idx_scan AS scans,
              ARRAY(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n ORDER BY k.o)::text[] AS cols
         FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_stat_user_indexes s ON s.indexrelid = i.indexrelid
        WHERE n.nspname = $1 AND c.relname = $2 ORDER BY ic.relname`,
      [table.schema, table.name],
    );
    return rows.filter((r) => r.cols.includes(column)).map((r) => ({ name: r.name, columns: r.cols, unique: r.unique, valid: r.valid, bytes: sizeOf(r.name), idxScan: r.scans === null ? null : Number(r.scans) }));
  }
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
  const scans = await client.query<{ name: string; n: number | string }>(
    `SELECT INDEX_NAME AS name, COUNT_STAR AS n FROM performance_schema.table_io_waits_summary_by_index_usage
      WHERE OBJECT_SCHEMA = ? AND OBJECT_NAME = ? AND INDEX_NAME IS NOT NULL AND @@performance_schema = 1`,
    [table.schema, table.name],
  ).catch(() => [] as { name: string; n: number }[]);
  return [...byName].filter(([, e]) => e.cols.includes(column)).map(([name, e]) => {
    const s = scans.find((x) => x.name === name);
    return { name, columns: e.cols, unique: e.unique, valid: true, bytes: sizeOf(name), idxScan: s ? Number(s.n) : null };
  });
}

async function explainSample(client: DatabaseClient, table: TableRef, column: string, indexNames: readonly string[]): Promise<RunReport['explain']> {
  const engine = engineOf(client);
  const t = qualified(engine, table);
  const c = ident(engine, column);
  const [sample] = await client.query<{ v: string | null }>(
    engine === 'postgres' ? `SELECT ${c}::text AS v FROM ${t} WHERE ${c} IS NOT NULL LIMIT 1` : `SELECT CAST(${c} AS CHAR) AS v FROM ${t} WHERE ${c} IS NOT NULL LIMIT 1`,
  );
  const query = sample ? `SELECT * FROM ${t} WHERE ${c} = ${engine === 'postgres' ? '$1' : '?'}` : `SELECT * FROM ${t} WHERE ${c} IS NULL`;
  const params = sample ? [sample.v] : [];
  let plan: string;
  if (engine === 'postgres') {
    const rows = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${query}`, params);
    plan = rows.map((r) => r['QUERY PLAN']).join('\n');
  } else {
    const rows = await client.query<Record<string, unknown>>(`EXPLAIN ${query}`, params);
    plan = rows.map((r) => Object.entries(r).filter(([, v]) => v !== null).map(([k, v]) => `${k}=${String(v)}`).join(' ')).join('\n');
  }
  const usesIndex = indexNames.some((n) => plan.includes(n));
  return { query: sample ? `${query}   -- ${engine === 'postgres' ? '$1' : '?'} = ${JSON.stringify(sample.v)}` : query, plan, usesIndex };
}

export async function buildReport(
  client: DatabaseClient,
  base: Pick<RunReport, 'runId' | 'dialect' | 'table' | 'column' | 'startedAt' | 'before' | 'steps' | 'resumed'>,
  outcome: Pick<RunReport, 'checked' | 'problems'>,
): Promise<RunReport> {
  const engine = engineOf(client);
  const t = qualified(engine, base.table);
  // ANALYZE first: MySQL/MariaDB table and index sizes come from the statistics it refreshes.
  await client.query(engine === 'postgres' ? `ANALYZE ${t}` : `ANALYZE TABLE ${t}`);
  const after = await sizeSnapshot(client, base.table);
  const indexes = await columnIndexes(client, base.table, base.column, after);
  const explain = indexes.length ? await explainSample(client, base.table, base.column, indexes.map((i) => i.name)) : null;
  return {
    ...base,
    status: 'completed',
    finishedAt: new Date().toISOString(),
    after,
    growthBytes: base.before ? after.totalBytes - base.before.totalBytes : null,
    columnDefinition: await columnDefinition(client, base.table, base.column),
    indexes,
    analyzed: true,
    explain,
    checked: outcome.checked,
    problems: outcome.problems,
  };
}

const mb = (b: number | null) => (b === null ? '?' : formatBytes(b));

export function formatReport(r: RunReport): string {
  const lines: string[] = [];
  lines.push(`Run ${r.runId} completed on ${r.table.schema}.${r.table.name} (${r.dialect})${r.resumed ? ', resumed' : ''}`);
  const d = r.columnDefinition;
  lines.push(`Column ${r.column}: ${d ? `${d.type} ${d.nullable ? 'NULL' : 'NOT NULL'}${d.default !== null ? ` DEFAULT ${d.default}` : ''}` : 'NOT FOUND on the server'}`);
  const b = r.before;
  lines.push(`Size: table ${b ? mb(b.tableBytes) : '?'} → ${mb(r.after.tableBytes)}, indexes ${b ? mb(b.indexBytes) : '?'} → ${mb(r.after.indexBytes)}, total ${b ? mb(b.totalBytes) : '?'} → ${mb(r.after.totalBytes)}` +
    (r.growthBytes !== null ? ` (${r.growthBytes >= 0 ? '+' : ''}${mb(r.growthBytes)})` : ''));
  for (const i of r.indexes) {
    lines.push(`Index ${i.name} (${i.columns.join(', ')}${i.unique ? ', unique' : ''}): ${i.valid ? 'valid' : 'INVALID'}, ${mb(i.bytes)}, scans so far ${i.idxScan ?? 'not tracked'}`);
  }
  lines.push(r.problems.length
    ? `CHECK FAILED — not as planned: ${r.problems.join('; ')}`
    : `Check: ${r.checked.join(', ')} on the server as planned`);
  lines.push(`ANALYZE: ${r.analyzed ? 'done' : 'not run'}`);
  if (r.explain) {
    lines.push(`EXPLAIN ${r.explain.query}`);
    for (const l of r.explain.plan.split('\n')) lines.push(`  ${l}`);
    lines.push(r.explain.usesIndex ? '  → uses the new index' : '  → does NOT use the new index (small table, or statistics)');
  }
  lines.push('Steps:');
  for (const s of r.steps) {
    const extra = s.skipped ? ` — skipped: ${s.skipped}` : s.rows !== undefined ? ` — ${s.rows} rows in ${s.batches} batches` : s.note ? ` — ${s.note}` : '';
    lines.push(`  [${s.phaseIndex + 1}.${s.stepIndex + 1}] ${s.sql.split('\n')[0]!.slice(0, 100)} (${s.seconds.toFixed(2)} s, ${s.attempts} attempt${s.attempts === 1 ? '' : 's'})${extra}`);
  }
  return lines.join('\n');
}
