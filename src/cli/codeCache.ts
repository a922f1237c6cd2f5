/**
 * Loads a CommonJS bundle through V8's code cache, kept in the user's cache directory: a later start deserializes the
 * compiled code instead of parsing and compiling the bundle again (Node 20 has no `module.enableCompileCache`).
 * The bundle's own `require('./vendor-*.js')` of the libraries beside it goes through the same cache.
 *
 * A cache file holds a copy of the bundle it was made from and is used only when that copy equals the bundle byte for
 * byte; V8 itself rejects a cache made by another V8 or with other flags. A missing, unreadable, stale or rejected cache
 * means the bundle is compiled as usual and the cache is written at exit (a temporary file renamed into place, so a
 * concurrent start never reads half a file). A cache that cannot be written is skipped silently: the cache changes how
 * fast the code starts, never what it runs.
 */
import { isAscii } from 'node:buffer';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** Set to 1 to load without reading or writing the cache. */
export const NO_CODE_CACHE_ENV = 'COLUMN_WIZARD_NO_CODE_CACHE';

/**
 * What a bundle `require`s through the cache too: the lazily loaded libraries beside it (esbuild.mjs VENDOR) and the
 * CLI's command bundles beside its dispatcher (dist/cli-lint.js, cli-commands.js, cli-db.js: esbuild.mjs).
 */
const CACHED_REQUIRE = /^\.\/(vendor|cli)-[\w-]+\.js$/;
/** Cache files kept per bundle name (other versions or copies of it); older ones are removed when one is written. */
const KEEP_PER_BUNDLE = 4;
const HEADER_BYTES = 4;

interface Pending {
  readonly script: Script;
  readonly source: Buffer;
  readonly file: string;
  readonly stem: string;
}

export interface CodeCache {
  /**
   * `require(file)` of a CommonJS file, compiled from the cache when there is a usable one. `variant` (letters and
   * dashes) keeps a cache of its own: the CLI's command, so a `lint` start finds the functions `lint` compiled, not only
   * those of whichever command wrote the cache first (the cache is written once, at the exit of the run that made it).
   */
  load(file: string, variant?: string): unknown;
}

/** A loader that keeps its caches in `dir` (created on first write); `dir` undefined loads without a cache. */
export function codeCache(dir: string | undefined): CodeCache {
  const pending: Pending[] = [];
  const loaded = new Map<string, unknown>();

  const load = (file: string, variant?: string): unknown => {
    if (loaded.has(file)) return loaded.get(file);
    const source = readFileSync(file);
    const stem = `${basename(file, '.js')}${variant !== undefined && /^[a-z][a-z-]*$/.test(variant) ? `.${variant}` : ''}-`;
    // The size in the name keeps two versions of a bundle apart; the copy inside tells same-size versions apart.
    const cacheFile = dir ? join(dir, `${stem}${process.version}-${process.arch}-${source.length}.v8`) : undefined;
    const cachedData = cacheFile ? cachedFor(cacheFile, source) : undefined;
    // A minified bundle is ASCII: read as Latin-1 it is the same text, decoded several times faster than as UTF-8.
    const text = isAscii(source) ? source.toString('latin1') : source.toString('utf8');
    const wrapped = `(function (exports, require, module, __filename, __dirname) { ${text}\n})`;
    const script = new Script(wrapped, { filename: file, ...(cachedData ? { cachedData } : {}) });
    if (cacheFile && (!cachedData || script.cachedDataRejected)) {
      // At exit, so the cache also holds the functions this run compiled lazily.
      if (pending.length === 0) process.once('exit', () => writeCaches(dir!, pending));
      pending.push({ script, source, file: cacheFile, stem });
    }
    const mod = new Module(file, module);
    mod.filename = file;
    const plain = Module.createRequire(file);
    // A command bundle keeps the caller's variant (the command); a library's cache is shared.
    const cached = (id: string) => load(join(dirname(file), id), id.startsWith('./cli-') ? variant : undefined);
    const req = Object.assign((id: string) => (CACHED_REQUIRE.test(id) ? cached(id) : plain(id)), plain);
    loaded.set(file, mod.exports);
    (script.runInThisContext() as (...args: unknown[]) => void).call(mod.exports, mod.exports, req, mod, file, dirname(file));
    mod.loaded = true;
    loaded.set(file, mod.exports);
    return mod.exports;
  };
  return { load };
}

/** The V8 data of a cache file made from exactly `source`, else undefined. Layout: source length (uint32 LE), source, data. */
function cachedFor(cacheFile: string, source: Buffer): Buffer | undefined {
  let stored: Buffer;
  try {
    stored = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  const end = HEADER_BYTES + source.length;
  if (stored.length <= end || stored.readUInt32LE(0) !== source.length) return undefined;
  return source.equals(stored.subarray(HEADER_BYTES, end)) ? stored.subarray(end) : undefined;
}

function writeCaches(dir: string, pending: readonly Pending[]): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const { script, source, file, stem } of pending) {
      const header = Buffer.alloc(HEADER_BYTES);
      header.writeUInt32LE(source.length, 0);
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, Buffer.concat([header, source, script.createCachedData()]), { mode: 0o600 });
      renameSync(tmp, file);
      const same = readdirSync(dir)
        .filter((f) => f.startsWith(`${stem}v`) && f.endsWith('.v8'))
        .map((f) => ({ f, at: statSync(join(dir, f), { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
        .sort((a, b) => b.at - a.at);
      for (const { f } of same.slice(KEEP_PER_BUNDLE)) rmSync(join(dir, f), { force: true });
    }
  } catch {
    /* a read-only or full cache directory: the next start compiles again */
  }
}
