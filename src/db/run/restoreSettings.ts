/** Setting a session's settings back one by one: the engines' `restoreSessionSettings` (src/db/run/dialect.ts). */
import type { RestoreFailure, SessionSettings } from './dialect';

/** Try each setting on its own (`set` one), collecting what failed: the engines' `restoreSessionSettings`. */
export async function restoreEach(
  saved: SessionSettings,
  names: readonly string[],
  set: (name: string, value: string) => Promise<unknown>,
): Promise<RestoreFailure[]> {
  const failed: RestoreFailure[] = [];
  for (const name of names) {
    const value = saved.get(name);
    if (value === undefined) continue;
    try {
      await set(name, value);
    } catch (err) {
      failed.push({ name, value, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return failed;
}
