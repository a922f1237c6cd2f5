/**
 * What a probe refuses to run. A probe executes a user's statement on an empty shadow copy of a table; the statement
 * is retargeted at the copy, but clauses that rename, drop or move a table (`RENAME TO x`, `SET SCHEMA`,
 * `ATTACH PARTITION`, a second statement after `;`, `DROP TABLE`…) would act on objects outside the probe's own
 * shadow — e.g. MariaDB's `ALTER TABLE t ADD COLUMN c int, RENAME TO x` would move the shadow copy into the user's
 * namespace and leave it there. Those statements are refused before anything is created.
 */
import type { ProbeResult } from './client';
import { tokenize, type SqlFlavor, type Token } from './sqlText';

/** RENAME followed by one of these renames a part of the shadow table itself, which the probe drops with it. */
const RENAMES_A_PART = new Set(['COLUMN', 'CONSTRAINT', 'INDEX', 'KEY']);

const meaningful = (t: Token) => t.kind !== 'space' && t.kind !== 'comment';

/** The reason `sql` may not run in a probe, or null when it only changes the probe's shadow table. */
export function probeRefusal(sql: string, flavor: SqlFlavor): string | null {
  const tokens = tokenize(sql, flavor).filter(meaningful);
  const semi = tokens.findIndex((t) => t.kind === 'punct' && t.text === ';');
  if (semi >= 0 && tokens.slice(semi + 1).some((t) => !(t.kind === 'punct' && t.text === ';'))) {
    return 'it holds more than one statement; a probe runs exactly one';
  }
  const words = tokens.map((t) => (t.kind === 'word' ? t.text.toUpperCase() : t.kind === 'punct' ? t.text : ''));
  const first = words[0] ?? '';
  if (first === 'DROP' || first === 'RENAME' || first === 'TRUNCATE') return `a ${first} statement acts on objects the probe does not own`;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const next = words[i + 1] ?? '';
    if (w === 'RENAME' && !RENAMES_A_PART.has(next))
      return "it renames the table (RENAME TO/AS), which would move the probe's copy out of its own namespace";
    if (w === 'SET' && (next === 'SCHEMA' || next === 'TABLESPACE')) return `it moves the table (SET ${next})`;
    if ((w === 'ATTACH' || w === 'DETACH') && next === 'PARTITION')
      return `it ${w === 'ATTACH' ? 'attaches' : 'detaches'} a partition, which changes another table`;
    if (w === 'EXCHANGE' && next === 'PARTITION') return 'it exchanges a partition with another table';
    if ((w === 'DISCARD' || w === 'IMPORT') && next === 'TABLESPACE') return `it ${w.toLowerCase()}s a tablespace`;
  }
  return null;
}

/** The result of a probe that did not run (refused, or the statement failed on the empty copy): it claims no lock. */
export function failedProbe(sql: string, error: string, detail?: string): ProbeResult {
  return {
    sql,
    lock: 'NONE',
    locks: [],
    rewrite: false,
    blocks: { reads: false, writes: false },
    error,
    detail: detail ?? `failed on the empty copy: ${error}`,
  };
}
