import { homedir } from 'node:os';
import { join } from 'node:path';

/** `$XDG_CACHE_HOME/column-wizard`, else `~/.cache/column-wizard`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'column-wizard');
}
