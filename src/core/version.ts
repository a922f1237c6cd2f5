/** Server versions as comparable numbers. Pure. */

export type Version = readonly [major: number, minor: number, patch: number];

const parsedVersions = new Map<string, Version>();

/** "15.4 (Debian…)" → [15, 4, 0]; "10.11.19-MariaDB-0+deb12u1" → [10, 11, 19]; "8.0" → [8, 0, 0]. */
export function parseVersion(text: string): Version {
  // The linter asks for the same one or two versions once per statement: remember them (frozen, so no caller can change a shared answer).
  const known = parsedVersions.get(text);
  if (known) return known;
  const m = /(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text);
  const v = Object.freeze<Version>(m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : [0, 0, 0]);
  if (parsedVersions.size >= 256) parsedVersions.clear();
  parsedVersions.set(text, v);
  return v;
}

/** True when `v` is at least `min` ("8.0.29", "11"). */
export function versionAtLeast(v: Version | string, min: string): boolean {
  const a = typeof v === 'string' ? parseVersion(v) : v;
  const b = parseVersion(min);
  for (let i = 0; i < 3; i++) {
    if (a[i]! !== b[i]!) return a[i]! > b[i]!;
  }
  return true;
}
