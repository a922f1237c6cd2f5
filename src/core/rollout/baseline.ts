/** Reading and naming rollout baseline files: a schema check with messages that say what is wrong. */
import type { Plan, TableRef } from '../types';
import {
  BASELINE_FORMAT,
  BASELINE_VERSION,
  type BaselineSource,
  type RolloutBaseline,
  type RolloutObservation,
  type RolloutPrediction,
} from './types';

export class BaselineFormatError extends Error {
  override name = 'BaselineFormatError';
}

/** The plan's estimates per step, as the prediction `verify` compares with (written by run and Write Migration Files). */
export function predictionOf(plan: Plan): RolloutPrediction {
  return {
    steps: plan.phases.flatMap((p) => p.steps.map((s) => ({ title: p.title, seconds: s.estimate.totalSeconds, basis: s.estimate.basis }))),
  };
}

/** A baseline's path relative to the workspace: its rollout's folder and a file name that sorts by time. */
export function baselinePath(b: Pick<RolloutBaseline, 'table' | 'column' | 'createdAt' | 'source'>): string {
  return `${baselineFolder(b.table, b.column)}/${baselineFileName(b.createdAt, b.source)}`;
}

/** The folder, relative to the workspace (or the CLI's working directory), where baselines are kept. */
export const BASELINE_DIR = '.column-wizard/rollouts';
/** Every baseline file under it (a workspace glob). */
export const BASELINE_GLOB = `${BASELINE_DIR}/**/*.json`;

/**
 * Whether a created, changed or deleted path (relative to the workspace folder) can change its baselines: a baseline
 * file, or a folder on the way to one (`.column-wizard`, `.column-wizard/rollouts`, a rollout's folder). A folder
 * counts because a file written right after its new folder is made can come before the file watcher watches that
 * folder (inotify), and then the folder's own event is the only one.
 */
export function touchesBaselines(relativePath: string): boolean {
  const parts = relativePath.split(/[\\/]/).filter(Boolean);
  const dir = BASELINE_DIR.split('/');
  if (!parts.length) return false;
  if (parts.length <= dir.length) return parts.every((p, i) => p === dir[i]);
  if (!dir.every((d, i) => parts[i] === d)) return false;
  return parts.length === dir.length + 1 || parts[parts.length - 1]!.endsWith('.json');
}

const SAFE = /[^A-Za-z0-9_.-]/g;

/** `public.orders.ref` → a folder name that is safe on every file system. */
export function baselineFolder(table: TableRef, column: string): string {
  const part = (s: string) => encodeURIComponent(s).replace(SAFE, '_');
  return `${BASELINE_DIR}/${part(table.schema)}.${part(table.name)}.${part(column)}`;
}

/** A new file name that sorts by time: `2026-12-04T16-20-01-123Z-run.json`. */
export function baselineFileName(createdAt: string, source: BaselineSource): string {
  return `${createdAt.replace(/:/g, '-').replace(/\./g, '-')}-${source}.json`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: Record<string, unknown>, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') throw new BaselineFormatError(`${where}.${key} must be a non-empty string`);
  return v;
}

function num(o: Record<string, unknown>, key: string, where: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new BaselineFormatError(`${where}.${key} must be a non-negative number`);
  return v;
}

function table(v: unknown, where: string): TableRef {
  if (!isObject(v)) throw new BaselineFormatError(`${where} must be an object with schema and name`);
  return { schema: str(v, 'schema', where), name: str(v, 'name', where) };
}

function observation(v: unknown): RolloutObservation {
  if (!isObject(v)) throw new BaselineFormatError('observation must be an object');
  const w = 'observation';
  str(v, 'takenAt', w);
  table(v.table, `${w}.table`);
  str(v, 'column', w);
  for (const k of ['tableBytes', 'indexBytes', 'totalBytes', 'rows']) num(v, k, w);
  if (!Array.isArray(v.indexes)) throw new BaselineFormatError(`${w}.indexes must be an array`);
  v.indexes.forEach((i, n) => {
    if (!isObject(i)) throw new BaselineFormatError(`${w}.indexes[${n}] must be an object`);
    str(i, 'name', `${w}.indexes[${n}]`);
    if (i.scans !== null && (typeof i.scans !== 'number' || i.scans < 0))
      throw new BaselineFormatError(`${w}.indexes[${n}].scans must be a number or null`);
  });
  if (!Array.isArray(v.plans)) throw new BaselineFormatError(`${w}.plans must be an array`);
  return v as unknown as RolloutObservation;
}

/** Parse a baseline file's text; throws BaselineFormatError naming the first problem. */
export function parseBaseline(text: string): RolloutBaseline {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new BaselineFormatError(`not JSON: ${(err as Error).message}`);
  }
  if (!isObject(doc)) throw new BaselineFormatError('a baseline is a JSON object');
  if (doc.format !== BASELINE_FORMAT)
    throw new BaselineFormatError(`format must be "${BASELINE_FORMAT}", got ${JSON.stringify(doc.format)}`);
  if (doc.version !== BASELINE_VERSION)
    throw new BaselineFormatError(
      `version ${JSON.stringify(doc.version)} is not supported (this Column Wizard reads version ${BASELINE_VERSION})`,
    );
  if (doc.source !== 'run' && doc.source !== 'baseline' && doc.source !== 'plan')
    throw new BaselineFormatError(`source must be run, baseline or plan, got ${JSON.stringify(doc.source)}`);
  str(doc, 'createdAt', 'baseline');
  if (Number.isNaN(Date.parse(doc.createdAt as string))) throw new BaselineFormatError('createdAt must be an ISO date');
  table(doc.table, 'table');
  str(doc, 'column', 'baseline');
  if (doc.observation !== undefined) observation(doc.observation);
  if (doc.source !== 'plan' && doc.observation === undefined)
    throw new BaselineFormatError(`a "${doc.source}" baseline must carry an observation`);
  if (doc.queries !== undefined && (!Array.isArray(doc.queries) || doc.queries.some((q) => typeof q !== 'string')))
    throw new BaselineFormatError('queries must be an array of strings');
  if (doc.prediction !== undefined && !isObject(doc.prediction)) throw new BaselineFormatError('prediction must be an object');
  return doc as unknown as RolloutBaseline;
}

export function makeBaseline(input: {
  source: BaselineSource;
  createdAt?: string;
  table: TableRef;
  column: string;
  expandAt?: string;
  placeholderDefault?: string | null;
  observation?: RolloutObservation;
  prediction?: RolloutPrediction;
  queries?: readonly string[];
}): RolloutBaseline {
  return {
    format: BASELINE_FORMAT,
    version: BASELINE_VERSION,
    source: input.source,
    createdAt: input.createdAt ?? new Date().toISOString(),
    table: input.table,
    column: input.column,
    ...(input.expandAt ? { expandAt: input.expandAt } : {}),
    ...(input.placeholderDefault !== undefined ? { placeholderDefault: input.placeholderDefault } : {}),
    ...(input.observation ? { observation: input.observation } : {}),
    ...(input.prediction ? { prediction: input.prediction } : {}),
    ...(input.queries?.length ? { queries: input.queries } : {}),
  };
}

/**
 * Of the baseline files found for one column (any order), the one to compare with: the newest that carries an
 * observation; and the newest prediction (a `plan` file, or the observation file's own).
 */
export function chooseBaselines(files: readonly RolloutBaseline[]): {
  observed: RolloutBaseline | null;
  predicted: RolloutPrediction | null;
} {
  const sorted = [...files].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  const observed = sorted.find((b) => b.observation) ?? null;
  const predicted = sorted.find((b) => b.prediction)?.prediction ?? null;
  return { observed, predicted };
}
