/**
 * What counts as "this machine", by address. Pure: resolving a host name to its addresses is done in
 * src/db/hosts.ts, which then asks these functions about every address the name resolves to.
 */

/** A Unix-domain socket directory or path (libpq's `host=/var/run/postgresql`), or no host at all. */
export function isSocketHost(host: string): boolean {
  const h = host.trim();
  return h === '' || h.startsWith('/');
}

/** `127.0.0.1`-style dotted quad: four numbers 0–255, nothing else (no shortened or octal forms). */
function ipv4Octets(text: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const octets = m.slice(1).map(Number);
  return octets.every((o) => o <= 255) ? octets : null;
}

/** The eight 16-bit groups of an IPv6 address (with `::` expanded and an embedded IPv4 tail), or null. */
function ipv6Groups(text: string): number[] | null {
  let t = text.toLowerCase().replace(/%.*$/, '');
  const v4 = /:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(t);
  if (v4) {
    const o = ipv4Octets(v4[1]!);
    if (!o) return null;
    t = `${t.slice(0, v4.index + 1)}${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
  }
  const halves = t.split('::');
  if (halves.length > 2) return null;
  const parse = (s: string) => (s === '' ? [] : s.split(':'));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  if ([...head, ...rest].some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  return [
    ...head.map((g) => parseInt(g, 16)),
    ...Array<number>(halves.length === 2 ? missing : 0).fill(0),
    ...rest.map((g) => parseInt(g, 16)),
  ];
}

/** 4 or 6 when `text` is an IPv4 / IPv6 literal (brackets allowed), 0 otherwise: the same answer as node's isIP. */
export function ipVersion(text: string): 0 | 4 | 6 {
  const t = text.trim().replace(/^\[(.*)\]$/, '$1');
  if (ipv4Octets(t)) return 4;
  return t.includes(':') && ipv6Groups(t) ? 6 : 0;
}

/**
 * A loopback address: IPv4 127.0.0.0/8, IPv6 ::1, and IPv4-mapped IPv6 of 127.0.0.0/8 (`::ffff:127.0.0.1`).
 * Anything else — names included — is not: a name must be resolved first (src/db/hosts.ts).
 */
export function isLoopbackAddress(address: string): boolean {
  const t = address.trim().replace(/^\[(.*)\]$/, '$1');
  const v4 = ipv4Octets(t);
  if (v4) return v4[0] === 127;
  if (!t.includes(':')) return false;
  const g = ipv6Groups(t);
  if (!g) return false;
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return true;
  return g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff && g[6]! >> 8 === 127;
}
