/**
 * Human figures, one way everywhere: the plan text, the CodeLens, the lint messages, the wizard (webview) and the
 * CLI all print a duration, a size and an error through these. Pure.
 */

function trim(s: string): string {
  return s.replace(/\.0+$/, '').replace(/(\.\d*?)0+$/, '$1');
}

/** "0 s", "<0.1 s", "4.2 s", "43 s", "3.5 min", "1.2 h". */
export function formatSeconds(s: number): string {
  if (!(s > 0)) return '0 s';
  if (s < 0.1) return '<0.1 s';
  if (s < 10) return `${trim(s.toFixed(1))} s`;
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${trim((s / 60).toFixed(1))} min`;
  return `${trim((s / 3600).toFixed(1))} h`;
}

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** "512 B", "1.5 KB", "512 MB", "-3.2 GB" (powers of 1024). */
export function formatBytes(b: number): string {
  let v = Math.abs(b);
  let i = 0;
  while (v >= 1024 && i < BYTE_UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${b < 0 ? '-' : ''}${i === 0 ? Math.round(v) : trim(v.toFixed(1))} ${BYTE_UNITS[i]}`;
}

/** "1 row", "2,400,000 rows". */
export function formatRows(n: number): string {
  return `${Math.round(n).toLocaleString('en-US')} row${Math.round(n) === 1 ? '' : 's'}`;
}

interface CodedError { code?: unknown; errno?: unknown; message?: unknown; cause?: unknown }

/** The driver's code of an error, or of the error it wraps as `cause` (a translated DatabaseError keeps the driver's). */
export function errorCodes(err: unknown): { code: string | undefined; errno: number | undefined } {
  const e = (err !== null && typeof err === 'object' ? err : {}) as CodedError;
  const inner = (e.cause !== null && typeof e.cause === 'object' ? e.cause : {}) as CodedError;
  const code = [e.code, inner.code].find((c): c is string => typeof c === 'string');
  const errno = [e.errno, inner.errno, /^\d+$/.test(code ?? '') ? Number(code) : undefined].find((n): n is number => typeof n === 'number');
  return { code, errno };
}

/** An error as one line for the user: its message, and the server's SQLSTATE or error number when it has one. */
export function describeError(err: unknown): string {
  const { code, errno } = errorCodes(err);
  const e = (err !== null && typeof err === 'object' ? err : {}) as CodedError;
  const message = typeof e.message === 'string' ? e.message : String(err);
  const tag = code && /^(?=.*\d)[0-9A-Z]{5}$/.test(code) ? ` (SQLSTATE ${code})` : errno ? ` (error ${errno})` : '';
  return `${message}${tag}`;
}
