import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { build } from 'esbuild';

// Activation must not evaluate a database driver. esbuild keeps every bundled module in a lazy wrapper
// (`var require_x = __commonJS({ "path"…` or `var init_x = __esm({ "path"…`); a driver module's wrapper may be
// called from our own code only inside a dynamic import(), which esbuild compiles to `Promise.resolve().then(…)`.
const DRIVER = /^node_modules\/(pg|mysql2)\//;

async function bundle(entry: string): Promise<string> {
  const outfile = join(mkdtempSync(join(tmpdir(), 'cw-lazy-')), 'out.js');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: false,
    external: ['vscode', 'pg-native', 'cloudflare:sockets'],
    logLevel: 'silent',
  });
  return readFileSync(outfile, 'utf8');
}

/** Calls of a driver module's wrapper made from our own code, each with the text before it on its line. */
function driverCallsFromOwnCode(code: string): string[] {
  const wrappers = [...code.matchAll(/var (\w+) = __(?:commonJS|esm)\(\{\n\s+"([^"]+)"/g)]
    .filter((m) => DRIVER.test(m[2]!))
    .map((m) => m[1]!);
  assert.ok(wrappers.length > 0, 'no driver module in the bundle');
  const sections = [...code.matchAll(/^\/\/ (\S+)$/gm)].map((m) => ({ at: m.index, path: m[1]! }));
  const moduleAt = (i: number) => sections.filter((s) => s.at < i).at(-1)?.path ?? '';
  const calls: string[] = [];
  for (const w of wrappers) {
    for (const m of code.matchAll(new RegExp(`^.*\\b${w}\\(\\)`, 'gm'))) {
      if (!moduleAt(m.index).startsWith('node_modules/')) calls.push(`${moduleAt(m.index)}: ${m[0].trim()}`);
    }
  }
  return calls;
}

describe('drivers are loaded lazily', () => {
  for (const entry of ['src/extension/activate.ts', 'src/cli.ts']) {
    it(`${entry}: pg and mysql2 are evaluated only through a dynamic import()`, async () => {
      const calls = driverCallsFromOwnCode(await bundle(entry));
      assert.ok(calls.length >= 2, `expected the pg and mysql2 imports, found ${JSON.stringify(calls)}`);
      for (const c of calls) assert.match(c, /Promise\.resolve\(\)\.then\(/, `eager driver load: ${c}`);
    });
  }

  it('the check itself sees an eager import', async () => {
    const entry = join(mkdtempSync(join(tmpdir(), 'cw-eager-')), 'eager.ts');
    writeFileSync(entry, `import * as pg from '${join(process.cwd(), 'node_modules/pg')}';\nexport const x = pg;\n`);
    const calls = driverCallsFromOwnCode(await bundle(entry));
    assert.ok(
      calls.some((c) => !/Promise\.resolve\(\)\.then\(/.test(c)),
      JSON.stringify(calls),
    );
  });
});
