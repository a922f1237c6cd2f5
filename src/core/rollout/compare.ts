/**
 * `verify`: compare the table now with its rollout baseline. Pure: the observation comes from
 * db/rollout.ts, the baseline from a file. Every finding says why and what to do next.
 */
import type { DriftReport } from '../drift';
import type { CodeFrom } from '../findings';
import { formatBytes } from '../format';
import { qualifiedTable, quoteIdent } from '../sql';
import type { Dialect, Severity } from '../types';
import type { ObservedPlan, RolloutBaseline, RolloutObservation, RolloutPrediction } from './types';

/** The codes verify reports (core/findings.ts lists them with `from: ['rollout']`). */
export type RolloutFindingCode = CodeFrom<'rollout'>;

export interface RolloutFinding {
  readonly code: RolloutFindingCode;
  readonly severity: Severity;
  readonly message: string;
  /** The next action, when there is one (a statement to run, a rollout step to finish). */
  readonly next?: string;
  /** Plans before and after, for plan findings. */
  readonly before?: string;
  readonly after?: string;
}

export interface IndexUse {
  readonly name: string;
  readonly scansAtBaseline: number | null;
  readonly scansNow: number | null;
  /** Scans since the baseline; null when not counted. */
  readonly since: number | null;
}

export interface RolloutReport {
  readonly table: RolloutObservation['table'];
  readonly column: string;
  readonly dialect: Dialect;
  readonly baselineAt: string;
  readonly baselineSource: RolloutBaseline['source'];
  readonly now: string;
  readonly days: number;
  readonly indexUse: readonly IndexUse[];
  readonly indexStatsSource: RolloutObservation['indexStatsSource'];
  readonly storage: {
    readonly baselineBytes: number;
    readonly nowBytes: number;
    readonly predictedBytes: number | null;
    readonly growthPerDay: number | null;
    readonly tableBytes: { readonly baseline: number; readonly now: number };
    readonly indexBytes: { readonly baseline: number; readonly now: number };
  };
  readonly nullShare: {
    readonly share: number;
    readonly older: number | null;
    readonly newer: number | null;
    readonly sampled: number;
  } | null;
  readonly findings: readonly RolloutFinding[];
  /** Highest severity among the findings ('info' when all is well). */
  readonly worst: Severity;
}

export interface CompareOptions {
  /** An index with no scans this many days after the baseline is reported as unused. Default 7. */
  readonly unusedAfterDays?: number;
  /** A plan whose cost grew more than this factor is flagged. Default 2. */
  readonly costFactor?: number;
  /** The null/placeholder share above which the app is reported as not writing the column. Default 0 (any). */
  readonly maxMissingShare?: number;
  readonly drift?: DriftReport | null;
  readonly prediction?: RolloutPrediction | null;
}

const DAY = 86_400_000;
const rank: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

function pct(x: number): string {
  return `${(x * 100).toFixed(x < 0.01 && x > 0 ? 2 : 1)}%`;
}

export function dropIndexSql(dialect: Dialect, table: RolloutObservation['table'], index: string): string {
  if (dialect === 'postgres') return `DROP INDEX CONCURRENTLY ${quoteIdent(dialect, table.schema)}.${quoteIdent(dialect, index)};`;
  return `ALTER TABLE ${qualifiedTable(dialect, table)} DROP INDEX ${quoteIdent(dialect, index)}, ALGORITHM=INPLACE, LOCK=NONE;`;
}

function planSummary(p: ObservedPlan): string {
  const parts: string[] = [];
  if (p.indexes.length) parts.push(`index ${p.indexes.join(', ')}`);
  if (p.fullScans.length) parts.push(`full scan of ${p.fullScans.join(', ')}`);
  if (p.cost !== null) parts.push(`${p.costUnit} ${p.cost}`);
  return parts.join('; ') || 'no table access';
}

function comparePlans(before: readonly ObservedPlan[], now: readonly ObservedPlan[], factor: number): RolloutFinding[] {
  const out: RolloutFinding[] = [];
  for (const n of now) {
    if (n.error) {
      out.push({ code: 'plan-error', severity: 'warning', message: `EXPLAIN failed for ${n.query}: ${n.error}` });
      continue;
    }
    const b = before.find((x) => x.query === n.query && !x.error);
    if (!b) continue;
    const lost = b.indexes.length > 0 && n.indexes.length === 0 && n.fullScans.length > 0;
    const grew = b.cost !== null && n.cost !== null && b.costUnit === n.costUnit && b.cost > 0 && n.cost > b.cost * factor;
    if (lost) {
      out.push({
        code: 'plan-lost-index',
        severity: 'warning',
        message: `${n.query}: the plan changed from an index (${b.indexes.join(', ')}) to a full scan`,
        next: 'Run ANALYZE on the table and compare again; if the plan stays a full scan, check the query still matches the index (types, collation, leading column).',
        before: b.plan,
        after: n.plan,
      });
    } else if (grew) {
      out.push({
        code: 'plan-cost-grew',
        severity: 'warning',
        message: `${n.query}: estimated ${n.costUnit} grew ${(n.cost! / b.cost!).toFixed(1)}× (${b.cost} → ${n.cost})`,
        next: 'Compare the two plans below; refresh statistics (ANALYZE) before acting on it.',
        before: b.plan,
        after: n.plan,
      });
    } else {
      out.push({ code: 'plan-unchanged', severity: 'info', message: `${n.query}: ${planSummary(n)} (baseline: ${planSummary(b)})` });
    }
  }
  return out;
}

export function compareRollout(baseline: RolloutBaseline, now: RolloutObservation, options: CompareOptions = {}): RolloutReport {
  const base = baseline.observation;
  if (!base) throw new Error('the baseline has no observation to compare with (a plan file carries predictions only)');
  const dialect = now.server.dialect;
  const findings: RolloutFinding[] = [];
  const days = Math.max(0, (Date.parse(now.takenAt) - Date.parse(base.takenAt)) / DAY);
  const unusedAfter = options.unusedAfterDays ?? 7;

  if (!now.columnDefinition) {
    findings.push({
      code: 'column-missing',
      severity: 'error',
      message: `Column ${now.column} does not exist on ${now.table.schema}.${now.table.name} now`,
      next: 'Check whether a later migration dropped it or the baseline names the wrong table.',
    });
  }

  // Index use since the baseline.
  const reset =
    now.statsResetAt !== null && base.statsResetAt !== now.statsResetAt && Date.parse(now.statsResetAt) > Date.parse(base.takenAt);
  if (reset)
    findings.push({
      code: 'stats-reset',
      severity: 'info',
      message: `The server's statistics were reset at ${now.statsResetAt}: scans are counted from then, not from the baseline`,
    });
  const indexUse: IndexUse[] = now.indexes.map((i) => {
    const b = base.indexes.find((x) => x.name === i.name);
    const atBase = b?.scans ?? null;
    const since = i.scans === null ? null : reset || atBase === null ? i.scans : Math.max(0, i.scans - atBase);
    return { name: i.name, scansAtBaseline: atBase, scansNow: i.scans, since };
  });
  for (const i of now.indexes) {
    if (!i.valid)
      findings.push({
        code: 'index-invalid',
        severity: 'error',
        message: `Index ${i.name} is INVALID (a failed CREATE INDEX CONCURRENTLY): it is maintained on every write and used by no query`,
        next: `${dropIndexSql(dialect, now.table, i.name)} then create it again`,
      });
  }
  if (now.indexStatsSource === 'none' && now.indexes.length) {
    findings.push({
      code: 'index-stats-unavailable',
      severity: 'info',
      message: `Index use is not counted on this server${now.indexStatsNote ? `: ${now.indexStatsNote}` : ''}`,
    });
  }
  for (const u of indexUse) {
    if (u.since === null) continue;
    if (u.since > 0)
      findings.push({
        code: 'index-used',
        severity: 'info',
        message: `Index ${u.name}: ${u.since} scan${u.since === 1 ? '' : 's'} since the baseline`,
      });
    else if (days >= unusedAfter) {
      findings.push({
        code: 'index-unused',
        severity: 'warning',
        message: `Index ${u.name} has not been used in the ${days.toFixed(1)} days since the baseline`,
        next: `If no query needs it: ${dropIndexSql(dialect, now.table, u.name)}`,
      });
    } else {
      findings.push({
        code: 'index-not-used-yet',
        severity: 'info',
        message: `Index ${u.name}: no scans yet (${days.toFixed(1)} of the ${unusedAfter} days after which an unused index is reported)`,
      });
    }
  }

  findings.push(...comparePlans(base.plans, now.plans, options.costFactor ?? 2));
  // The server's own top statements for the table: compared where the baseline explained the same text too.
  const top = now.topStatements;
  if (top) {
    const before = base.topStatements?.explained ?? [];
    findings.push(
      ...comparePlans(
        before,
        top.explained.filter((p) => before.some((b) => b.query === p.query)),
        options.costFactor ?? 2,
      ),
    );
    for (const p of top.explained.filter((x) => !x.error && !before.some((b) => b.query === x.query))) {
      findings.push({
        code: 'top-statements',
        severity: 'info',
        message: `top statement (${top.source}): ${p.query} — ${planSummary(p)}; not in the baseline, so nothing to compare with`,
      });
    }
    if (top.note) findings.push({ code: 'top-statements', severity: 'info', message: `${top.source}: ${top.note}` });
  }

  // Storage.
  const predicted = options.prediction?.totalBytesAfter ?? baseline.prediction?.totalBytesAfter ?? null;
  const growth = now.totalBytes - base.totalBytes;
  const growthPerDay = days > 0.01 ? growth / days : null;
  findings.push({
    code: 'storage',
    severity: 'info',
    message: `Size: ${formatBytes(base.totalBytes)} at the baseline → ${formatBytes(now.totalBytes)} now (${growth >= 0 ? '+' : ''}${formatBytes(growth)}${growthPerDay !== null ? `, ${growthPerDay >= 0 ? '+' : ''}${formatBytes(growthPerDay)}/day` : ''})${predicted !== null ? `; predicted after the rollout ${formatBytes(predicted)}` : ''}`,
  });
  if (predicted !== null && now.totalBytes > predicted * 1.5 && now.totalBytes - predicted > 8 * 1024 * 1024) {
    findings.push({
      code: 'storage-over-prediction',
      severity: 'warning',
      message: `The table is ${(now.totalBytes / predicted).toFixed(1)}× the predicted size`,
      next: 'Check for bloat (dead tuples after the backfill): VACUUM, or a rebuild in a quiet window.',
    });
  }

  // Is the application writing the column?
  let nullShare: RolloutReport['nullShare'] = null;
  if (!now.nulls) {
    findings.push({
      code: 'no-key-for-sample',
      severity: 'info',
      message:
        'The table has no single-column primary key to sample the newest rows by, so whether the app writes the column was not measured',
    });
  } else if (now.nulls.sampled === 0) {
    findings.push({
      code: 'no-new-rows',
      severity: 'info',
      message:
        now.nulls.sinceKey !== null
          ? `No rows were written since the baseline (${now.nulls.keyColumn} > ${now.nulls.sinceKey}): nothing tells yet whether the app writes ${now.column}`
          : 'The table has no rows to sample',
    });
  } else {
    const n = now.nulls;
    const missing = n.nulls + n.placeholders;
    const share = missing / n.sampled;
    const older = n.olderHalf.sampled ? n.olderHalf.missing / n.olderHalf.sampled : null;
    const newer = n.newerHalf.sampled ? n.newerHalf.missing / n.newerHalf.sampled : null;
    nullShare = { share, older, newer, sampled: n.sampled };
    const what = `${n.nulls} NULL${n.placeholders ? ` and ${n.placeholders} equal to the placeholder default` : ''}`;
    const where =
      n.sinceKey !== null ? `rows written since the baseline (${n.keyColumn} > ${n.sinceKey})` : `the newest rows by ${n.keyColumn}`;
    if (share > (options.maxMissingShare ?? 0)) {
      const rising = older !== null && newer !== null && newer > older;
      findings.push({
        code: rising ? 'app-not-writing-rising' : 'app-not-writing',
        severity: rising ? 'error' : 'warning',
        message: `${pct(share)} of ${n.sampled} sampled ${where} have ${now.column} missing (${what})${older !== null && newer !== null ? `; older half ${pct(older)}, newer half ${pct(newer)}${rising ? ' — rising' : ''}` : ''}`,
        next: `Some code path still inserts or updates ${now.table.name} without ${now.column}: the dual-write step is not done. Find the INSERT/UPDATE paths that do not set it before the cut-over (NOT NULL) step.`,
      });
    } else {
      findings.push({ code: 'app-in-sync', severity: 'info', message: `Every one of ${n.sampled} sampled ${where} has ${now.column} set` });
    }
  }

  if (options.drift) {
    if (options.drift.differences.length) {
      for (const d of options.drift.differences)
        findings.push({
          code: 'node-drift',
          severity: 'error',
          message: `${d.label}: ${d.message}`,
          next: 'Apply the missing change on that node before the next rollout step.',
        });
    } else {
      findings.push({
        code: 'nodes-in-sync',
        severity: 'info',
        message: `The table's definition is the same on ${[options.drift.reference, ...options.drift.compared].join(', ')}`,
      });
    }
  }

  const worst = findings.reduce<Severity>((w, f) => (rank[f.severity] > rank[w] ? f.severity : w), 'info');
  return {
    table: now.table,
    column: now.column,
    dialect,
    baselineAt: base.takenAt,
    baselineSource: baseline.source,
    now: now.takenAt,
    days,
    indexUse,
    indexStatsSource: now.indexStatsSource,
    storage: {
      baselineBytes: base.totalBytes,
      nowBytes: now.totalBytes,
      predictedBytes: predicted,
      growthPerDay,
      tableBytes: { baseline: base.tableBytes, now: now.tableBytes },
      indexBytes: { baseline: base.indexBytes, now: now.indexBytes },
    },
    nullShare,
    findings,
    worst,
  };
}

const sourceWords: Record<RolloutBaseline['source'], string> = {
  run: 'taken by column-wizard run',
  baseline: 'taken by column-wizard baseline',
  plan: 'planned',
};

const mark: Record<Severity, string> = { error: 'ERROR', warning: 'WARN', info: 'ok' };

export function formatRolloutText(r: RolloutReport): string {
  const lines = [
    `Rollout of ${r.table.schema}.${r.table.name}.${r.column} (${r.dialect}): ${r.days.toFixed(1)} days since the baseline of ${r.baselineAt} (${sourceWords[r.baselineSource]})`,
  ];
  for (const f of r.findings) {
    lines.push(`  ${mark[f.severity].padEnd(5)} ${f.message}`);
    if (f.next) lines.push(`        next: ${f.next}`);
    if (f.before) lines.push('        plan at the baseline:', ...f.before.split('\n').map((l) => `          ${l}`));
    if (f.after) lines.push('        plan now:', ...f.after.split('\n').map((l) => `          ${l}`));
  }
  lines.push(
    r.worst === 'error'
      ? 'Result: NOT DONE — see the errors above'
      : r.worst === 'warning'
        ? 'Result: done, with warnings'
        : 'Result: the rollout checks out',
  );
  return lines.join('\n');
}

const mdEscape = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A Markdown report for a pull-request comment. */
export function formatRolloutMarkdown(r: RolloutReport): string {
  const icon: Record<Severity, string> = { error: '❌', warning: '⚠️', info: '✅' };
  const out = [
    `### Rollout check: \`${r.table.schema}.${r.table.name}.${r.column}\``,
    '',
    `${icon[r.worst]} **${r.worst === 'error' ? 'Not done' : r.worst === 'warning' ? 'Done, with warnings' : 'Checks out'}** — ${r.days.toFixed(1)} days after the baseline of ${r.baselineAt} (${sourceWords[r.baselineSource]}), ${r.dialect}.`,
    '',
    '| | finding | next |',
    '|---|---|---|',
    ...r.findings.map((f) => `| ${icon[f.severity]} | ${mdEscape(f.message)} | ${f.next ? mdEscape(f.next) : ''} |`),
    '',
    '| size | baseline | now | predicted |',
    '|---|---|---|---|',
    `| table | ${formatBytes(r.storage.tableBytes.baseline)} | ${formatBytes(r.storage.tableBytes.now)} | |`,
    `| indexes | ${formatBytes(r.storage.indexBytes.baseline)} | ${formatBytes(r.storage.indexBytes.now)} | |`,
    `| total | ${formatBytes(r.storage.baselineBytes)} | ${formatBytes(r.storage.nowBytes)} | ${r.storage.predictedBytes !== null ? formatBytes(r.storage.predictedBytes) : '—'} |`,
  ];
  if (r.indexUse.length) {
    out.push(
      '',
      `| index | scans since baseline (${r.indexStatsSource}) |`,
      '|---|---|',
      ...r.indexUse.map((i) => `| \`${i.name}\` | ${i.since ?? 'not counted'} |`),
    );
  }
  for (const f of r.findings.filter((x) => x.before || x.after)) {
    out.push(
      '',
      `<details><summary>${mdEscape(f.message)}</summary>`,
      '',
      'Before:',
      '```',
      f.before ?? '',
      '```',
      'Now:',
      '```',
      f.after ?? '',
      '```',
      '</details>',
    );
  }
  return out.join('\n') + '\n';
}
