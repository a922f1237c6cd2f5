import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';

// Each load runs in its own process: the cache is written at exit and read by the next start, as dist/cli.js does.
const LOADER = resolve(__dirname, '../../src/cli/codeCache.ts');

function fixture(): { dir: string; bundle: string; cache: string; run: (cache?: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), 'cw-codecache-'));
  writeFileSync(
    join(dir, 'run.ts'),
    `import { codeCache } from ${JSON.stringify(LOADER)};\n` +
      `const [cache, bundle] = process.argv.slice(2);\n` +
      `console.log((codeCache(cache === '-' ? undefined : cache).load(bundle!) as { answer(): string }).answer());\n`,
  );
  const bundle = join(dir, 'bundle.js');
  writeFileSync(bundle, "exports.answer = () => 'A' + require('./vendor-x.js').part + require('node:path').basename(__filename);\n");
  writeFileSync(join(dir, 'vendor-x.js'), "exports.part = 'B:';\n");
  const cache = join(dir, 'cache');
  const run = (c = cache) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, 'run.ts'), c, bundle], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  return { dir, bundle, cache, run };
}

/** Each cache file's bytes and modification time: an accepted cache is neither rewritten nor touched. */
const snapshot = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir).map((f) => [f, `${statSync(join(dir, f)).mtimeMs} ${readFileSync(join(dir, f)).toString('base64')}`]),
  );

describe('code cache (dist/cli.js)', () => {
  it('writes a cache for the bundle and the vendor file it requires, and the next start uses it without writing again', () => {
    const f = fixture();
    assert.equal(f.run(), 'AB:bundle.js');
    const first = snapshot(f.cache);
    assert.deepEqual(Object.keys(first).sort(), [
      `bundle-${process.version}-${process.arch}-${readFileSync(f.bundle).length}.v8`,
      `vendor-x-${process.version}-${process.arch}-${readFileSync(join(f.dir, 'vendor-x.js')).length}.v8`,
    ]);
    assert.equal(f.run(), 'AB:bundle.js');
    assert.deepEqual(snapshot(f.cache), first, 'an accepted cache is not written again');
  });

  it('a bundle changed to the same size is compiled from its new text, and its cache is replaced', () => {
    const f = fixture();
    f.run();
    const before = snapshot(f.cache);
    writeFileSync(f.bundle, readFileSync(f.bundle, 'utf8').replace("'A'", "'C'"));
    assert.equal(f.run(), 'CB:bundle.js');
    const after = snapshot(f.cache);
    assert.deepEqual(Object.keys(after), Object.keys(before), 'same size, same file name');
    const name = Object.keys(after).find((n) => n.startsWith('bundle-'))!;
    assert.notEqual(after[name], before[name]);
    assert.equal(f.run(), 'CB:bundle.js');
  });

  it('a bundle with non-ASCII text runs as UTF-8, from source and from its cache', () => {
    const f = fixture();
    writeFileSync(f.bundle, "exports.answer = () => 'Ä—' + require('./vendor-x.js').part; // ‘quoted’\n");
    assert.equal(f.run(), 'Ä—B:');
    assert.equal(f.run(), 'Ä—B:');
  });

  it('cache data V8 rejects is compiled over and rewritten; an unwritable cache directory or none at all still runs', () => {
    const f = fixture();
    f.run();
    const name = readdirSync(f.cache).find((n) => n.startsWith('bundle-'))!;
    const stored = readFileSync(join(f.cache, name));
    const broken = Buffer.concat([stored.subarray(0, 4 + readFileSync(f.bundle).length), Buffer.alloc(64, 7)]);
    writeFileSync(join(f.cache, name), broken);
    assert.equal(f.run(), 'AB:bundle.js');
    assert.notDeepEqual(readFileSync(join(f.cache, name)), broken, 'the rejected cache is written anew');

    const notADir = join(f.dir, 'file');
    writeFileSync(notADir, '');
    assert.equal(f.run(join(notADir, 'cache')), 'AB:bundle.js');
    assert.equal(f.run('-'), 'AB:bundle.js');
  });
});
