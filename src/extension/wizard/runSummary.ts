/** A completed run as the wizard's result view shows it: each step's time next to the plan's estimate. No vscode. */
import { predictedTotalBytes } from '../../core/estimateReport';
import type { Plan } from '../../core/types';
import type { RunReport } from '../../db/run/types';
import type { RunSummary } from '../../protocol';

/** `warnings`: what the caller found besides the report's own problems (e.g. a cluster node that did not confirm). */
export function runSummary(plan: Plan, report: RunReport, warnings: readonly string[] = []): RunSummary {
  const predictedBytes = predictedTotalBytes(plan);
  return {
    runId: report.runId,
    table: { schema: report.table.schema, name: report.table.name },
    column: report.column,
    steps: report.steps.map((s) => {
      const phase = plan.phases[s.phaseIndex];
      const estimate = phase?.steps[s.stepIndex]?.estimate;
      return {
        phaseIndex: s.phaseIndex,
        stepIndex: s.stepIndex,
        phase: phase?.title ?? '',
        sql: s.sql,
        seconds: s.seconds,
        ...(estimate ? { estimateSeconds: estimate.totalSeconds, ...(estimate.range ? { range: estimate.range } : {}) } : {}),
        ...(s.skipped ? { skipped: s.skipped } : {}),
        ...(s.note ? { note: s.note } : {}),
        ...(s.rows !== undefined ? { rows: s.rows } : {}),
      };
    }),
    size: { predictedBytes, measuredBytes: report.after.totalBytes },
    warnings: [...warnings, ...report.problems],
  };
}
