import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * Marks a UsageError whichever bundle made it: dist/cli-lint.js has its own copy of this class (esbuild.mjs), so the
 * dispatcher in dist/cli-main.js cannot tell one by `instanceof` (isUsageError).
 */
const USAGE_ERROR = Symbol.for('column-wizard.UsageError');

/** A usage error: printed with the command's help, exit code 2. */
export class UsageError extends Error {
  override readonly name: string = 'UsageError';
  readonly [USAGE_ERROR] = true;
}

/** A UsageError (or a subclass) from this bundle or another one. */
export function isUsageError(err: unknown): err is UsageError {
  return typeof err === 'object' && err !== null && (err as { [USAGE_ERROR]?: unknown })[USAGE_ERROR] === true;
}

export type Options = NonNullable<ParseArgsConfig['options']>;

export function parse(argv: string[], options: Options, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function requireString(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

/**
 * The documented range of every numeric option (shown by `--help` through the usage error): a value outside it, or
 * not a number, is a usage error naming the option, the range and the value. Options not listed are non-negative.
 */
export const NUMBER_RANGES: Readonly<
  Record<string, { readonly min: number; readonly max: number; readonly whole: boolean; readonly unit: string }>
> = {
  'lock-timeout-ms': { min: 1, max: 3_600_000, whole: true, unit: 'milliseconds' },
  'statement-timeout-ms': { min: 1, max: 86_400_000, whole: true, unit: 'milliseconds' },
  'batch-ms': { min: 1, max: 600_000, whole: true, unit: 'milliseconds' },
  'batch-size': { min: 1, max: 10_000_000, whole: true, unit: 'rows' },
  'max-lag': { min: 0, max: 86_400, whole: false, unit: 'seconds' },
  'calibration-max-age': { min: 0, max: 87_600, whole: false, unit: 'hours' },
  rows: { min: 0, max: Number.MAX_SAFE_INTEGER, whole: true, unit: 'rows' },
  bytes: { min: 0, max: Number.MAX_SAFE_INTEGER, whole: true, unit: 'bytes' },
};

export function numberOption(values: Record<string, unknown>, name: string): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  const range = NUMBER_RANGES[name];
  if (range) {
    if (
      typeof v !== 'string' ||
      v.trim() === '' ||
      !Number.isFinite(n) ||
      n < range.min ||
      n > range.max ||
      (range.whole && !Number.isInteger(n))
    ) {
      throw new UsageError(
        `--${name} must be ${range.whole ? 'a whole number' : 'a number'} from ${range.min} to ${range.max} (${range.unit}), got "${String(v)}"`,
      );
    }
    return n;
  }
  if (typeof v !== 'string' || !Number.isFinite(n) || n < 0)
    throw new UsageError(`--${name} must be a non-negative number, got "${String(v)}"`);
  return n;
}

/** --format: `text` (the default) or `json`. */
export function textOrJson(values: Record<string, unknown>): 'text' | 'json' {
  const format = (values.format as string | undefined) ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, got "${format}"`);
  return format;
}
