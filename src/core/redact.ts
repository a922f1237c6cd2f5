/**
 * The one redaction of credentials in text bound for people: errors, logs, reports, the webview. Pure.
 *
 * Covers: URL userinfo with any characters (`scheme://user:p/a@ss@host` — everything up to the LAST `@` before the
 * host is the userinfo, so a password holding `/`, `@` or `:` is hidden whole), `password=`/`pwd=` parameters in a
 * URL query or a libpq key=value conninfo (quoted values included), and environment echoes such as
 * `PGPASSWORD=…`, `MYSQL_PWD=…`, `MYSQL_PASSWORD=…`, `*_PASSWORD=…`, `*_SECRET=…`.
 */
const MASK = '***';

/**
 * `scheme://user:secret@host…` → `scheme://user:***@host…`. The userinfo is taken to end at the LAST `@` of the URL,
 * so a password holding `/`, `?`, `#`, `:` or `@` is hidden whole; when an `@` only appears later (a query value),
 * more than the password is hidden, never less. A URL with a user name and no password is left as is.
 */
function redactUserinfo(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)([^\s'"<>`]*)/gi, (whole, scheme: string, rest: string) => {
    const at = rest.lastIndexOf('@');
    if (at < 0) return whole;
    const userinfo = rest.slice(0, at);
    const colon = userinfo.indexOf(':');
    if (colon < 0) return /[/?#]/.test(userinfo) || /^[\w.%+-]*$/.test(userinfo) ? whole : `${scheme}${MASK}${rest.slice(at)}`;
    return `${scheme}${userinfo.slice(0, colon)}:${MASK}${rest.slice(at)}`;
  });
}

const PARAM =
  /\b((?:[a-z_]*pass(?:word)?|pwd|secret|token|sslpassword|passfile)\s*=\s*)('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s&;,'"]+)/gi;
const ENV = /\b([A-Z][A-Z0-9_]*(?:PASSWORD|PASSWD|PWD|SECRET|TOKEN)\s*[=:]\s*)('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\S+)/g;

/** Redact `text`; `known` are secret values (a password from a parsed URL) hidden wherever they appear verbatim. */
export function redactSecrets(text: string, known: readonly string[] = []): string {
  let out = text;
  for (const k of known) if (k.length >= 3) out = out.split(k).join(MASK);
  return redactUserinfo(out)
    .replace(ENV, (_m, key: string) => `${key}${MASK}`)
    .replace(PARAM, (_m, key: string) => `${key}${MASK}`);
}
