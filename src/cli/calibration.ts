/**
 * The CLI's calibration: every command with --url plans with this server's measured throughput, cached in a file under
 * the user's cache directory ($XDG_CACHE_HOME/column-wizard or ~/.cache/column-wizard) and measured again when older than
 * --calibration-max-age hours (default 168) or on --recalibrate. --no-calibrate keeps the rough offline rates.
 */
import type { Io } from '../cli';
import { formatAge } from '../core/impact';
import type { Calibration } from '../core/types';
import type { DatabaseClient } from '../db/client';
import {
  DEFAULT_CALIBRATION_MAX_AGE_MS,
  fileCalibrationStore,
  learnFromRun,
  resolveCalibration,
  type MeasuredStep,
  type ResolvedCalibration,
} from '../db/calibrationCache';
import { defaultCacheDir } from '../db/cacheDir';
import type { Plan } from '../core/types';
import { numberOption, UsageError, type Options } from './args';

export const CALIBRATION_OPTIONS: Options = {
  /** Accepted for older scripts: calibration is on by default. */
  calibrate: { type: 'boolean' },
  'no-calibrate': { type: 'boolean' },
  recalibrate: { type: 'boolean' },
  'calibration-max-age': { type: 'string' },
};

/** The calibration for this connection, with a line on stderr saying where it came from. */
export async function cliCalibration(client: DatabaseClient, values: Record<string, unknown>, io: Io): Promise<ResolvedCalibration> {
  if (values['no-calibrate'] === true && (values.recalibrate === true || values.calibrate === true))
    throw new UsageError('--no-calibrate cannot be combined with --calibrate or --recalibrate');
  const hours = numberOption(values, 'calibration-max-age');
  const dir = defaultCacheDir();
  const resolved = await resolveCalibration(client, fileCalibrationStore(dir), {
    off: values['no-calibrate'] === true,
    recalibrate: values.recalibrate === true,
    maxAgeMs: hours !== undefined ? hours * 3600 * 1000 : DEFAULT_CALIBRATION_MAX_AGE_MS,
    onMeasuring: () =>
      io.err(
        `Measuring this server's throughput for the estimates (a few seconds on a temporary table; cached in ${dir}; --no-calibrate skips it)…`,
      ),
  });
  io.err(calibrationLine(resolved));
  return resolved;
}

export function calibrationLine(r: ResolvedCalibration, now = Date.now()): string {
  const c: Calibration = r.calibration;
  if (r.source === 'default') return `Estimates: rough offline rates (${r.reason ?? 'not measured'}).`;
  // A second measurement may keep the first one (the faster): its own age, not "just now".
  const age = c.measuredAt ? formatAge(now - Date.parse(c.measuredAt)) : r.source === 'measured' ? 'just now' : 'earlier';
  const learned = Object.entries(c.learned ?? {})
    .filter(([, v]) => v.runs > 0)
    .map(([k, v]) => `${k} ×${v.factor} from ${v.runs} run${v.runs === 1 ? '' : 's'}`);
  return `Estimates: measured on ${r.label} ${age}${r.reason ? ` (${r.reason})` : ''}${learned.length ? `; learned: ${learned.join(', ')}` : ''}.`;
}

/** After a run: fold each step's measured time into the server's calibration. */
export async function learnFromCliRun(
  resolved: ResolvedCalibration | undefined,
  plan: Plan,
  steps: readonly MeasuredStep[],
): Promise<void> {
  if (!resolved || resolved.source === 'default') return;
  await learnFromRun(fileCalibrationStore(defaultCacheDir()), resolved.key, plan, { steps });
}
