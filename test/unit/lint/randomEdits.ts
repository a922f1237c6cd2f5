/** Fuzzed inputs for the fast readers' tests (./pgFast.test.ts, ./mysqlFast.test.ts): random small edits of seed statements. */
import { rng } from '../specGenerator';

/**
 * `count` inputs, each one of `seeds` with one to three random edits (a character of `alphabet` inserted, a character
 * removed, or the rest upper-cased after an inserted space), trimmed; reproducible from `seed`.
 */
export function randomEdits(seeds: readonly string[], alphabet: string, seed: number, count = 20_000): string[] {
  const next = rng(seed);
  const inputs: string[] = [];
  for (let i = 0; i < count; i++) {
    let s = seeds[Math.floor(next() * seeds.length)]!;
    for (let k = 1 + Math.floor(next() * 3); k > 0; k--) {
      const at = Math.floor(next() * (s.length + 1));
      const op = next();
      if (op < 0.4) s = s.slice(0, at) + alphabet[Math.floor(next() * alphabet.length)] + s.slice(at);
      else if (op < 0.8) s = s.slice(0, at) + s.slice(at + 1);
      else s = s.slice(0, at) + ' ' + s.slice(at).toUpperCase();
    }
    inputs.push(s.trim());
  }
  return inputs;
}
