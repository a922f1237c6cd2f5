/** After a run: sizes before/after, the column as the server defines it, index validity/size, ANALYZE, EXPLAIN, idx_scan. */
import * as l10n from '@vscode/l10n';
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
    // The runner adds them once the session's settings are set back, after this report.
    warnings: [],
  };
}

const mb = (b: number | null) => (b === null ? '?' : formatBytes(b));

export function formatReport(r: RunReport): string {
  const lines: string[] = [];
  const table = `${r.table.schema}.${r.table.name}`;
  lines.push(
    r.resumed
      ? l10n.t('Run {0} completed on {1} ({2}), resumed', r.runId, table, r.dialect)
      : l10n.t('Run {0} completed on {1} ({2})', r.runId, table, r.dialect),
  );
  const d = r.columnDefinition;
  lines.push(
    d
      ? l10n.t(
          'Column {0}: {1}',
          r.column,
          `${d.type} ${d.nullable ? 'NULL' : 'NOT NULL'}${d.default !== null ? ` DEFAULT ${d.default}` : ''}`,
        )
      : l10n.t('Column {0}: NOT FOUND on the server', r.column),
  );
  const b = r.before;
  lines.push(
    l10n.t(
      'Size: table {0} → {1}, indexes {2} → {3}, total {4} → {5}',
      b ? mb(b.tableBytes) : '?',
      mb(r.after.tableBytes),
      b ? mb(b.indexBytes) : '?',
      mb(r.after.indexBytes),
      b ? mb(b.totalBytes) : '?',
      mb(r.after.totalBytes),
    ) + (r.growthBytes !== null ? ` (${r.growthBytes >= 0 ? '+' : ''}${mb(r.growthBytes)})` : ''),
  );
  for (const i of r.indexes) {
    const columns = `${i.columns.join(', ')}${i.unique ? `, ${l10n.t('unique')}` : ''}`;
    const scans = i.idxScan === null ? l10n.t('scans not tracked') : l10n.t('{0} scans so far', i.idxScan);
    lines.push(
      i.valid
        ? l10n.t('Index {0} ({1}): valid, {2}, {3}', i.name, columns, mb(i.bytes), scans)
        : l10n.t('Index {0} ({1}): INVALID, {2}, {3}', i.name, columns, mb(i.bytes), scans),
    );
  }
  lines.push(
    r.problems.length
      ? l10n.t('CHECK FAILED — not as planned: {0}', r.problems.join('; '))
      : l10n.t('Check: {0} on the server as planned', r.checked.join(', ')),
  );
  lines.push(r.analyzed ? l10n.t('ANALYZE: done') : l10n.t('ANALYZE: not run'));
  for (const w of r.warnings) lines.push(l10n.t('Warning: {0}', w));
  if (r.explain) {
    lines.push(`EXPLAIN ${r.explain.query}`);
    for (const l of r.explain.plan.split('\n')) lines.push(`  ${l}`);
    lines.push(
      `  → ${r.explain.usesIndex ? l10n.t('uses the new index') : l10n.t('does NOT use the new index (small table, or statistics)')}`,
    );
  }
  lines.push(l10n.t('Steps:'));
  for (const s of r.steps) {
    const extra = s.skipped
      ? ` — ${l10n.t('skipped: {0}', s.skipped)}`
      : s.rows !== undefined
        ? ` — ${l10n.t('{0} rows in {1} batches', s.rows, String(s.batches))}`
        : s.note
          ? ` — ${s.note}`
          : '';
    const took =
      s.attempts === 1 ? l10n.t('{0} s, 1 attempt', s.seconds.toFixed(2)) : l10n.t('{0} s, {1} attempts', s.seconds.toFixed(2), s.attempts);
    lines.push(`  [${s.phaseIndex + 1}.${s.stepIndex + 1}] ${s.sql.split('\n')[0]!.slice(0, 100)} (${took})${extra}`);
  }
  return lines.join('\n');
}
