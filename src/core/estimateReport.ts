/** After a run: each step's estimate next to the time it took, and the predicted table size next to the measured one. Pure. */
import * as l10n from '@vscode/l10n';
import { formatBytes, formatSeconds } from './format';
import { formatEstimate } from './impact';
import type { Plan, Step } from './types';

export interface StepTiming {
  readonly phaseIndex: number;
  readonly stepIndex: number;
  readonly seconds: number;
  readonly skipped?: string;
}

export interface EstimateVsActual {
  readonly phaseIndex: number;
  readonly stepIndex: number;
  readonly sql: string;
  readonly kind: string;
  readonly estimateSeconds: number;
  readonly range?: readonly [number, number];
  readonly basis: Step['estimate']['basis'];
  readonly actualSeconds: number;
  /** actual ÷ estimate */
  readonly ratio: number;
}

export function estimatesVsActual(plan: Plan, steps: readonly StepTiming[]): EstimateVsActual[] {
  const out: EstimateVsActual[] = [];
  for (const t of steps) {
    const step = plan.phases[t.phaseIndex]?.steps[t.stepIndex];
    if (!step || t.skipped) continue;
    const e = step.estimate;
    out.push({
      phaseIndex: t.phaseIndex,
      stepIndex: t.stepIndex,
      sql: step.sql,
      kind: e.kind ?? 'unknown',
      estimateSeconds: e.totalSeconds,
      ...(e.range ? { range: e.range } : {}),
      basis: e.basis,
      actualSeconds: t.seconds,
      ratio: t.seconds / Math.max(e.totalSeconds, 0.001),
    });
  }
  return out;
}

/** The predicted size after the plan's last step that changes it (table + indexes), or null when no step does. */
export function predictedTotalBytes(plan: Plan): number | null {
  const sized = plan.phases.flatMap((p) => p.steps).filter((s) => s.storage);
  const last = sized[sized.length - 1]?.storage;
  return last ? last.tableBytes + last.indexBytes : null;
}

/** Text lines for the run report: steps of 0.1 s or more (estimated or measured), then the size. */
export function formatEstimatesVsActual(plan: Plan, steps: readonly StepTiming[], afterTotalBytes: number | null): string[] {
  const rows = estimatesVsActual(plan, steps).filter((r) => r.actualSeconds >= 0.1 || r.estimateSeconds >= 0.1);
  const lines: string[] = [];
  if (rows.length) {
    lines.push(l10n.t('Estimate vs actual:'));
    for (const r of rows) {
      const within = r.range
        ? r.actualSeconds >= r.range[0] && r.actualSeconds <= r.range[1]
          ? l10n.t('within the range')
          : l10n.t('OUTSIDE the range')
        : '';
      lines.push(
        `  [${r.phaseIndex + 1}.${r.stepIndex + 1}] ${l10n.t(
          '{0}: estimated {1} ({2}), took {3} (×{4})',
          r.kind,
          formatEstimate({ totalSeconds: r.estimateSeconds, ...(r.range ? { range: r.range } : {}) }),
          r.basis,
          formatSeconds(r.actualSeconds),
          r.ratio.toFixed(2),
        )}${within ? `, ${within}` : ''}`,
      );
    }
  }
  const predicted = predictedTotalBytes(plan);
  if (predicted !== null && afterTotalBytes !== null) {
    lines.push(l10n.t('Size: predicted {0} after the run, measured {1}.', formatBytes(predicted), formatBytes(afterTotalBytes)));
  }
  return lines;
}
