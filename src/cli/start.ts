/**
 * dist/cli.js, the `column-wizard` command: runs the CLI's dispatcher (dist/cli-main.js, built from src/cli.ts), and
 * through it the command's bundle (esbuild.mjs), through V8's code cache in the user's cache directory (./codeCache.ts),
 * so a later start does not parse and compile them again.
 */
import { join } from 'node:path';
import { defaultCacheDir } from '../db/cacheDir';
import { codeCache, NO_CODE_CACHE_ENV } from './codeCache';

// No V8 flag is set here: a cache is stamped with V8's flags, and `lint` sets the one it needs only while it lints
// (src/cli/lint.ts, baselineWasmOnly).
const cacheDir = process.env[NO_CODE_CACHE_ENV] === '1' ? undefined : join(defaultCacheDir(), 'v8');
// One cache per command (`lint`, `plan`, …): each holds the functions its command runs.
const command = process.argv[2];
// `run` of a change pt-online-schema-change would copy: the tool compiles while the bundle loads (./holdEarly.ts). It is
// its own bundle, dist/cli-hold.js, required only for `run`: every other command loads neither it nor node:child_process.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a file beside this one at run time, not bundled into it
if (command === 'run') (require(join(__dirname, 'cli-hold.js')) as typeof import('./holdEarly')).holdEarly(process.argv.slice(3));
(codeCache(cacheDir).load(join(__dirname, 'cli-main.js'), command) as typeof import('../cli')).runFromProcess();
