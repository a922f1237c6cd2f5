/**
 * dist/cli.js, the `column-wizard` command: runs the CLI bundle (dist/cli-main.js, built from src/cli.ts) through V8's
 * code cache in the user's cache directory (./codeCache.ts), so a later start does not parse and compile it again.
 */
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { defaultCacheDir } from '../db/cacheDir';
import { codeCache, NO_CODE_CACHE_ENV } from './codeCache';

// A command is a short process: PostgreSQL's parser (WebAssembly) is compiled by the baseline compiler only, because the
// optimizing tier's background compiles outlast a short lint (bench/coldStart.ts). Set before any bundle is compiled:
// V8 stamps a code cache with the flags, and a flag set later would reject the caches of the bundles compiled before it.
// `lint` of large inputs turns the optimizing tier back on (src/cli/lint.ts).
setFlagsFromString('--liftoff-only');

const cacheDir = process.env[NO_CODE_CACHE_ENV] === '1' ? undefined : join(defaultCacheDir(), 'v8');
// One cache per command (`lint`, `plan`, …): each holds the functions its command runs.
const command = process.argv[2];
(codeCache(cacheDir).load(join(__dirname, 'cli-main.js'), command) as typeof import('../cli')).runFromProcess();
