/**
 * Human figures, one way everywhere: the plan text, the CodeLens, the lint messages, the wizard (webview) and the
 * CLI all print a duration, a size and an error through these. Pure.
 *
 * `locale` (a BCP 47 tag such as VS Code's `env.language`, "de" or "en-us") writes the digits the user's way:
 * "4,2 s" and "2.400.000" in German. Without it, the figures are the CLI's: "4.2 s", "2,400,000".
 */

function trim(s: string): string {
  return s.replace(/\.0+$/, '').replace(/(\.\d*?)0+$/, '$1');
}

const formats = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: string, decimals: number): Intl.NumberFormat {
  const id = `${locale}|${decimals}`;
  let f = formats.get(id);
  if (!f) {
    const options = { maximumFractionDigits: decimals };
    try {
      f = new Intl.NumberFormat(locale, options);
    } catch {
      f = new Intl.NumberFormat('en-US', options); // a tag Intl does not accept
    }
    formats.set(id, f);
  }
  return f;
}

/** A figure with at most one decimal and no grouping unless localized: "4.2", "4"; "4,2" in German. */
function figure(v: number, locale: string | undefined): string {
  return typeof locale === 'string' ? numberFormat(locale, 1).format(v) : trim(v.toFixed(1));
}

/** "0 s", "<0.1 s", "4.2 s", "43 s", "3.5 min", "1.2 h" (units are SI symbols, the same in every locale). */
export function formatSeconds(s: number, locale?: string): string {
  if (!(s > 0)) return '0 s';
  if (s < 0.1) return `<${figure(0.1, locale)} s`;
  if (s < 10) return `${figure(s, locale)} s`;
  if (s < 90) return `${figure(Math.round(s), locale)} s`;
  if (s < 5400) return `${figure(s / 60, locale)} min`;
  return `${figure(s / 3600, locale)} h`;
}

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** "512 B", "1.5 KB", "512 MB", "-3.2 GB" (powers of 1024). */
export function formatBytes(b: number, locale?: string): string {
  let v = Math.abs(b);
  let i = 0;
  while (v >= 1024 && i < BYTE_UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${b < 0 ? '-' : ''}${figure(i === 0 ? Math.round(v) : v, locale)} ${BYTE_UNITS[i]}`;
}

/** A whole number with grouping: "2,400,000"; "2.400.000" in German. */
export function formatCount(n: number, locale?: string): string {
  return numberFormat(typeof locale === 'string' ? locale : 'en-US', 0).format(Math.round(n));
}

/** "1 row", "2,400,000 rows" (English: localized text puts formatCount into its own words). */
export function formatRows(n: number): string {
  return `${formatCount(n)} row${Math.round(n) === 1 ? '' : 's'}`;
}

interface CodedError {
  code?: unknown;
  errno?: unknown;
  message?: unknown;
  cause?: unknown;
}

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
