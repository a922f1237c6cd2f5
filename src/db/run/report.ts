/** After a run: sizes before/after, the column as the server defines it, index validity/size, ANALYZE, EXPLAIN, idx_scan. */
import { formatBytes } from '../../core/format';
import type { TableRef } from '../../core/types';
import type { DatabaseClient } from '../client';
import { qualified, runnerDialect, type RunnerDialect } from './dialect';
import type { RunReport, SizeSnapshot } from './types';

export function sizeSnapshot(client: DatabaseClient, table: TableRef): Promise<SizeSnapshot> {
  return runnerDialect(client).sizeSnapshot(client, table);
}

async function explainSample(
  client: DatabaseClient,
  d: RunnerDialect,
  table: TableRef,
  column: string,
  indexNames: readonly string[],
): Promise<RunReport['explain']> {
  const t = qualified(d, table);
  const c = d.ident(column);
  const [sample] = await client.query<{ v: string | null }>(d.sampleValueSql(t, c));
  const query = sample ? `SELECT * FROM ${t} WHERE ${c} = ${d.placeholder(1)}` : `SELECT * FROM ${t} WHERE ${c} IS NULL`;
  const plan = await d.explain(client, query, sample ? [sample.v] : []);
  const usesIndex = indexNames.some((n) => plan.includes(n));
  return { query: sample ? `${query}   -- ${d.placeholder(1)} = ${JSON.stringify(sample.v)}` : query, plan, usesIndex };
}

export async function buildReport(
  client: DatabaseClient,
  base: Pick<RunReport, 'runId' | 'dialect' | 'table' | 'column' | 'startedAt' | 'before' | 'steps' | 'resumed'>,
  outcome: Pick<RunReport, 'checked' | 'problems'>,
): Promise<RunReport> {
  const d = runnerDialect(client);
  // ANALYZE first: MySQL/MariaDB table and index sizes come from the statistics it refreshes.
  await client.query(d.analyzeSql(qualified(d, base.table)));
  const after = await d.sizeSnapshot(client, base.table);
  const indexes = await d.columnIndexes(
    client,
    base.table,
    base.column,
    (name) => after.indexes.find((i) => i.name === name)?.bytes ?? null,
  );
  const explain = indexes.length
    ? await explainSample(
        client,
        d,
        base.table,
        base.column,
        indexes.map((i) => i.name),
      )
    : null;
  return {
    ...base,
    status: 'completed',
    finishedAt: new Date().toISOString(),
    after,
    growthBytes: base.before ? after.totalBytes - base.before.totalBytes : null,
    columnDefinition: await d.columnDefinition(client, base.table, base.column),
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
  lines.push(
    `Column ${r.column}: ${d ? `${d.type} ${d.nullable ? 'NULL' : 'NOT NULL'}${d.default !== null ? ` DEFAULT ${d.default}` : ''}` : 'NOT FOUND on the server'}`,
  );
  const b = r.before;
  lines.push(
    `Size: table ${b ? mb(b.tableBytes) : '?'} → ${mb(r.after.tableBytes)}, indexes ${b ? mb(b.indexBytes) : '?'} → ${mb(r.after.indexBytes)}, total ${b ? mb(b.totalBytes) : '?'} → ${mb(r.after.totalBytes)}` +
      (r.growthBytes !== null ? ` (${r.growthBytes >= 0 ? '+' : ''}${mb(r.growthBytes)})` : ''),
  );
  for (const i of r.indexes) {
    lines.push(
      `Index ${i.name} (${i.columns.join(', ')}${i.unique ? ', unique' : ''}): ${i.valid ? 'valid' : 'INVALID'}, ${mb(i.bytes)}, scans so far ${i.idxScan ?? 'not tracked'}`,
    );
  }
  lines.push(
    r.problems.length
      ? `CHECK FAILED — not as planned: ${r.problems.join('; ')}`
      : `Check: ${r.checked.join(', ')} on the server as planned`,
  );
  lines.push(`ANALYZE: ${r.analyzed ? 'done' : 'not run'}`);
  if (r.explain) {
    lines.push(`EXPLAIN ${r.explain.query}`);
    for (const l of r.explain.plan.split('\n')) lines.push(`  ${l}`);
    lines.push(r.explain.usesIndex ? '  → uses the new index' : '  → does NOT use the new index (small table, or statistics)');
  }
  lines.push('Steps:');
  for (const s of r.steps) {
    const extra = s.skipped
      ? ` — skipped: ${s.skipped}`
      : s.rows !== undefined
        ? ` — ${s.rows} rows in ${s.batches} batches`
        : s.note
          ? ` — ${s.note}`
          : '';
    lines.push(
      `  [${s.phaseIndex + 1}.${s.stepIndex + 1}] ${s.sql.split('\n')[0]!.slice(0, 100)} (${s.seconds.toFixed(2)} s, ${s.attempts} attempt${s.attempts === 1 ? '' : 's'})${extra}`,
    );
  }
  return lines.join('\n');
}
