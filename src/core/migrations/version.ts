/**
 * Migration versions: which scheme a folder uses, and the next versions, which always sort after every existing one
 * (numerically and as text) in the same scheme and width. Pure.
 */
import type { VersionScheme } from './types';

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** The scheme of a set of existing versions (digits only), or undefined when there are none. */
export function inferScheme(versions: readonly string[]): VersionScheme | undefined {
  if (versions.length === 0) return undefined;
  // The newest version says what the project does now (a folder may have moved from sequential to timestamps).
  const newest = [...versions].sort(compareVersions).at(-1)!;
  const w = newest.length;
  if (w === 14 && isDatetime(newest)) return { kind: 'timestamp', width: 14, format: 'datetime' };
  if (w === 17 && isDatetime(newest.slice(0, 14))) return { kind: 'timestamp', width: 17, format: 'datetime-ms' };
  if (w === 13 && newest >= '1000000000000') return { kind: 'timestamp', width: 13, format: 'unix-ms' };
  if (w === 10 && newest >= '1000000000') return { kind: 'timestamp', width: 10, format: 'unix-s' };
  // Sequential: zero-padded to a fixed width when the versions are padded, else unpadded (width 1).
  const padded = versions.some((v) => v.length > 1 && v.startsWith('0'));
  return { kind: 'sequential', width: padded ? w : 1 };
}

function isDatetime(v: string): boolean {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(v);
  if (!m) return false;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return y >= 1970 && y < 3000 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 && s < 61;
}

/** Numeric order of digit strings of any length. */
export function compareVersions(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

function datetimeText(t: number, withMs: boolean): string {
  const d = new Date(t);
  const s = `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}${pad(d.getUTCHours(), 2)}${pad(d.getUTCMinutes(), 2)}${pad(d.getUTCSeconds(), 2)}`;
  return withMs ? s + pad(d.getUTCMilliseconds(), 3) : s;
}

function datetimeMs(v: string): number {
  const n = (i: number, l: number) => Number(v.slice(i, i + l));
  return Date.UTC(n(0, 4), n(4, 2) - 1, n(6, 2), n(8, 2), n(10, 2), n(12, 2), v.length === 17 ? n(14, 3) : 0);
}

/** The version text of a point in time in a timestamp scheme, and the step between two consecutive versions. */
function timeVersion(scheme: Extract<VersionScheme, { kind: 'timestamp' }>, ms: number): string {
  switch (scheme.format) {
    case 'datetime':
      return datetimeText(ms, false);
    case 'datetime-ms':
      return datetimeText(ms, true);
    case 'unix-ms':
      return String(ms);
    case 'unix-s':
      return String(Math.floor(ms / 1000));
  }
}

function stepMs(scheme: Extract<VersionScheme, { kind: 'timestamp' }>): number {
  return scheme.format === 'unix-ms' || scheme.format === 'datetime-ms' ? 1 : 1000;
}

function versionMs(scheme: Extract<VersionScheme, { kind: 'timestamp' }>, v: string): number | undefined {
  if (v.length !== scheme.width) return undefined;
  switch (scheme.format) {
    case 'datetime':
    case 'datetime-ms':
      return isDatetime(v.slice(0, 14)) ? datetimeMs(v) : undefined;
    case 'unix-ms':
      return Number(v);
    case 'unix-s':
      return Number(v) * 1000;
  }
}

/**
 * `count` new versions in `scheme`, each greater than every version in `existing` and than the one before it.
 * Timestamps start at `now` (UTC), or one step after the newest existing version when that is later.
 */
export function nextVersions(scheme: VersionScheme, existing: readonly string[], now: Date, count: number): string[] {
  const newest = existing.length ? [...existing].sort(compareVersions).at(-1)! : undefined;
  const out: string[] = [];
  if (scheme.kind === 'sequential') {
    let n = newest === undefined ? 0 : Number(newest);
    for (let i = 0; i < count; i++) out.push(pad(++n, scheme.width));
    return out;
  }
  const step = stepMs(scheme);
  let t = Math.floor(now.getTime() / step) * step;
  if (newest !== undefined) {
    const last = versionMs(scheme, newest);
    if (last !== undefined && last >= t) t = last + step;
  }
  for (let i = 0; i < count; i++, t += step) out.push(timeVersion(scheme, t));
  // A newest version outside the scheme (wider, or not a date) still has to stay below ours.
  if (newest !== undefined && compareVersions(out[0]!, newest) <= 0) {
    let n = BigInt(newest);
    return out.map(() => (++n).toString().padStart(scheme.width, '0'));
  }
  return out;
}

/**
 * Checks that every new name sorts after every existing one in the order the tool applies them,
 * e.g. `9_a.sql` then `10_b.sql` is wrong for a tool that sorts names as text. Returns a message, or undefined.
 */
export function orderProblem(
  order: 'numeric' | 'text',
  existing: readonly { name: string; version: string }[],
  added: readonly { name: string; version: string }[],
): string | undefined {
  for (const a of added) {
    for (const e of existing) {
      const after = order === 'numeric' ? compareVersions(a.version, e.version) > 0 : a.name > e.name;
      if (!after) {
        return `the new migration ${a.name} would sort before the existing ${e.name} (this tool orders migrations ${order === 'numeric' ? 'by version number' : 'by file name as text'}); rename the existing files to a common width or pass another tool`;
      }
    }
  }
  return undefined;
}
