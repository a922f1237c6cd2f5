import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { describe, it } from 'node:test';

// Needs `npm run build`. The names esbuild.mjs gives the lazily loaded libraries (VENDOR there).
const VENDOR = ['vendor-libpg-query', 'vendor-sql-parser-mysql', 'vendor-sql-parser-mariadb', 'vendor-pg', 'vendor-mysql2', 'vendor-yaml'];

describe('bundle split (issue 23 item 8)', () => {
  it('the parsers, drivers and YAML are separate files that the extension and CLI bundles require, not inline copies', () => {
    for (const v of VENDOR) assert.ok(existsSync(`dist/${v}.js`), `dist/${v}.js missing`);
    for (const entry of ['dist/features.js', 'dist/cli.js']) {
      const text = readFileSync(entry, 'utf8');
      assert.ok(text.length < 1_500_000, `${entry} is ${text.length} bytes`);
      assert.doesNotMatch(text, /peg\$SyntaxError|function Client\(config\)|class PoolConnection/, `${entry} inlines a parser or driver`);
      for (const v of ['vendor-libpg-query', 'vendor-sql-parser-mysql', 'vendor-pg', 'vendor-mysql2'])
        assert.ok(text.includes(`require("./${v}.js")`), `${entry} does not load ${v}`);
    }
  });

  it('dist/extension.js is only the activation glue: it requires dist/features.js on first use and inlines none of it', () => {
    const text = readFileSync('dist/extension.js', 'utf8');
    assert.ok(text.includes('require("./features.js")'), 'dist/extension.js does not load dist/features.js');
    assert.ok(text.length < 40_000, `dist/extension.js is ${text.length} bytes`);
    // Modules of the features bundle that must not be inlined into the glue (esbuild marks each inlined file with a comment).
    for (const m of [
      'src/extension/wizard/panel.ts',
      'src/extension/lint/sqlPreview.ts',
      'src/extension/connections/manager.ts',
      'src/extension/tree.ts',
      'src/core/plan.ts',
      'src/core/lint/analyze.ts',
    ]) {
      assert.ok(!text.includes(`// ${m}\n`), `dist/extension.js inlines ${m}`);
      assert.ok(readFileSync('dist/features.js', 'utf8').includes(`// ${m}\n`), `dist/features.js lacks ${m}`);
    }
  });

  it('activation (require + activate with a stub vscode, no SQL document open) loads nothing but dist/extension.js', () => {
    const r = spawnSync(process.execPath, ['bench/activationHost.cjs', resolve('dist/extension.js'), resolve('package.json')], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const { modules } = JSON.parse(r.stdout.trim()) as { modules: string[] };
    assert.deepEqual(
      modules.map((m) => basename(m)),
      ['extension.js'],
    );
  });

  it('activation (require + activate with a stub vscode) loads no parser or driver', () => {
    const r = spawnSync(process.execPath, ['bench/activationHost.cjs', resolve('dist/extension.js'), resolve('package.json')], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const { modules } = JSON.parse(r.stdout.trim()) as { modules: string[] };
    const loaded = modules.map((m) => basename(m, '.js'));
    assert.ok(loaded.includes('extension'));
    for (const lazy of ['vendor-libpg-query', 'vendor-sql-parser-mysql', 'vendor-sql-parser-mariadb', 'vendor-pg', 'vendor-mysql2']) {
      assert.ok(!loaded.includes(lazy), `${lazy} was loaded at activation`);
    }
  });
});
