import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { main } from '../../src/cli';
import { capture } from '../helpers/cli';

describe('cli', () => {
  it('prints help listing every subcommand', async () => {
    const c = capture();
    assert.equal(await main(['--help'], c.io), 0);
    for (const name of ['plan', 'explain', 'lint', 'write', 'run', 'drift']) assert.match(c.out.join('\n'), new RegExp(`\\n  ${name} `));
  });

  it('rejects an unknown command with exit code 2', async () => {
    const c = capture();
    assert.equal(await main(['frobnicate'], c.io), 2);
    assert.match(c.err.join('\n'), /unknown command 'frobnicate'/);
  });

  it('answers --version with the package version', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const c = capture();
      assert.equal(await main([flag], c.io), 0);
      assert.deepEqual(c.out, [version]);
    }
    const r = spawnSync(process.execPath, ['dist/cli.js', '--version'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `${version}\n`);
  });

  it('the built dist/cli.js lints the same with and without its code cache, and keeps the cache in $XDG_CACHE_HOME', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-cli-cache-'));
    const sql = join(dir, 'add.sql');
    // An array type: outside pgFast's forms, so the WebAssembly parser (and its vendor file's cache) is used.
    writeFileSync(sql, 'ALTER TABLE accounts ADD COLUMN plans text[] NOT NULL;\n');
    const lint = (env: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, ['dist/cli.js', 'lint', '--format', 'sarif', sql], { encoding: 'utf8', env: { ...process.env, ...env } });
    const cache = join(dir, 'xdg');
    const plain = lint({ COLUMN_WIZARD_NO_CODE_CACHE: '1', XDG_CACHE_HOME: cache });
    assert.equal(plain.status, 1, plain.stderr);
    assert.throws(() => readdirSync(cache), /ENOENT/, 'COLUMN_WIZARD_NO_CODE_CACHE=1 writes no cache');
    for (const round of ['writes the cache', 'reads it']) {
      const r = lint({ XDG_CACHE_HOME: cache });
      assert.deepEqual([r.status, r.stdout, r.stderr], [plain.status, plain.stdout, plain.stderr], round);
    }
    const files = readdirSync(join(cache, 'column-wizard/v8'));
    // The bundles' caches are the command's own (src/cli/start.ts); the vendor file's is shared.
    for (const bundle of ['cli-main.lint', 'cli-lint.lint', 'vendor-libpg-query'])
      assert.ok(
        files.some((f) => f.startsWith(`${bundle}-`)),
        `no cache for ${bundle}: ${files.join(', ')}`,
      );
  });

  it("the built dist/cli.js does not load PostgreSQL's WebAssembly for a folder of the simplest statements only", () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-cli-simple-'));
    const cache = join(dir, 'xdg');
    const lint = (name: string, text: string) => {
      const sub = join(dir, name);
      mkdirSync(sub);
      writeFileSync(join(sub, 'one.sql'), text);
      return spawnSync(process.execPath, ['dist/cli.js', 'lint', join(sub, 'one.sql')], {
        encoding: 'utf8',
        env: { ...process.env, XDG_CACHE_HOME: cache },
      });
    };
    const vendorCache = () => readdirSync(join(cache, 'column-wizard/v8')).filter((f) => f.startsWith('vendor-libpg-query-'));
    const simple = lint('simple', "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nickname text;\n");
    assert.equal(simple.status, 0, simple.stderr);
    assert.match(simple.stdout, /1 file\(s\) checked for postgres 15: 0 error\(s\), 0 warning\(s\)/);
    assert.deepEqual(vendorCache(), [], 'libpg-query was not loaded');
    const other = lint('other', "SET lock_timeout = '2s';\nCREATE INDEX i ON posts USING gin (to_tsvector('english', body));\n");
    assert.equal(other.status, 1, other.stderr);
    assert.equal(vendorCache().length, 1, 'any other statement loads libpg-query');
  });

  it("the built dist/cli.js does not load node-sql-parser's grammars for the simplest MySQL and MariaDB statements", () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-cli-simple-mysql-'));
    const cache = join(dir, 'xdg');
    const lint = (name: string, text: string, dialect = 'mysql') => {
      const sub = join(dir, name);
      mkdirSync(sub);
      writeFileSync(join(sub, 'one.sql'), text);
      return spawnSync(process.execPath, ['dist/cli.js', 'lint', '--dialect', dialect, join(sub, 'one.sql')], {
        encoding: 'utf8',
        env: { ...process.env, XDG_CACHE_HOME: cache },
      });
    };
    const grammarCache = () => readdirSync(join(cache, 'column-wizard/v8')).filter((f) => f.startsWith('vendor-sql-parser-'));
    const maria = lint(
      'maria',
      'SET SESSION lock_wait_timeout = 2;\nALTER TABLE users ADD nickname varchar(40), ALGORITHM=INSTANT;\n',
      'mariadb',
    );
    assert.equal(maria.status, 0, maria.stderr);
    assert.match(maria.stdout, /1 file\(s\) checked for mariadb/);
    assert.deepEqual(grammarCache(), [], 'no grammar was loaded for MariaDB');
    const simple = lint(
      'simple',
      'SET SESSION lock_wait_timeout = 2;\nALTER TABLE users ADD COLUMN nickname varchar(40), ALGORITHM=INSTANT;\n',
    );
    assert.equal(simple.status, 0, simple.stderr);
    assert.match(simple.stdout, /1 file\(s\) checked for mysql 8\.0\.36: 0 error\(s\), 0 warning\(s\)/);
    assert.deepEqual(grammarCache(), [], "MySQL's grammar was not loaded");
    const other = lint('other', 'SET SESSION lock_wait_timeout = 2;\nALTER TABLE users ADD UNIQUE INDEX i (a);\n');
    assert.equal(other.status, 0, other.stderr);
    assert.match(other.stdout, /1 file\(s\) checked for mysql/);
    assert.equal(grammarCache().length, 1, 'any other statement loads the grammar');
  });

  it('the built dist/cli.js loads neither node:v8 nor the stream modules to lint files that need no WebAssembly', () => {
    // V8 flags are set only while PostgreSQL's WebAssembly compiles (src/cli/lint.ts), and output is written to the
    // descriptor, not through process.stdout's stream (src/cli.ts writeToFd). Fails on the build before both.
    const dir = mkdtempSync(join(tmpdir(), 'cw-cli-modules-'));
    const loaded = join(dir, 'modules.txt');
    const hook = join(dir, 'hook.js');
    writeFileSync(
      hook,
      `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(loaded)}, process.moduleLoadList.join('\\n')));`,
    );
    // Each in its own folder: lint replays a file's earlier siblings.
    for (const sub of ['pg', 'mysql']) mkdirSync(join(dir, sub));
    const pg = join(dir, 'pg', 'one.sql');
    const mysql = join(dir, 'mysql', 'one.sql');
    writeFileSync(pg, "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nickname text;\n");
    writeFileSync(mysql, 'ALTER TABLE users ADD COLUMN nickname varchar(40), ALGORITHM=INSTANT;\n');
    for (const args of [
      ['lint', pg],
      ['lint', '--dialect', 'mysql', mysql],
    ]) {
      const r = spawnSync(process.execPath, ['--require', hook, 'dist/cli.js', ...args], {
        encoding: 'utf8',
        env: { ...process.env, XDG_CACHE_HOME: join(dir, 'xdg') },
      });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /1 file\(s\) checked for (postgres|mysql)/);
      const modules = readFileSync(loaded, 'utf8').split('\n');
      for (const m of ['NativeModule v8', 'NativeModule stream', 'NativeModule net'])
        assert.ok(!modules.includes(m), `${args.join(' ')} loaded ${m}`);
    }
  });

  it('the built dist/cli.js leaves code caches the next start accepts after a lint that compiled the WebAssembly', () => {
    // lint sets --liftoff-only while it lints and puts V8's defaults back; a cache written under other flags would be
    // rejected and written again by every start (a V8 whose flag implications changed would fail here).
    const dir = mkdtempSync(join(tmpdir(), 'cw-cli-flags-'));
    const sql = join(dir, 'index.sql');
    writeFileSync(sql, "SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY i ON posts USING gin (to_tsvector('english', body));\n");
    const cacheDir = join(dir, 'xdg', 'column-wizard', 'v8');
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['dist/cli.js', ...args], {
        encoding: 'utf8',
        env: { ...process.env, XDG_CACHE_HOME: join(dir, 'xdg') },
      });
    const first = run(['lint', sql]);
    assert.equal(first.status, 0, first.stderr);
    const caches = () => Object.fromEntries(readdirSync(cacheDir).map((f) => [f, readFileSync(join(cacheDir, f)).toString('base64')]));
    const written = caches();
    assert.ok(
      Object.keys(written).some((f) => f.startsWith('vendor-libpg-query-')),
      Object.keys(written).join(', '),
    );
    mkdirSync(join(dir, 'simple'));
    const simple = join(dir, 'simple', 'one.sql');
    writeFileSync(simple, "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nickname text;\n");
    for (const args of [
      ['lint', sql],
      ['lint', simple],
      ['lint', sql],
    ]) {
      const r = run(args);
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(caches(), written, 'no cache was rejected and written again');
    }
  });

  it('the built dist/cli.js prints output larger than a pipe holds, the same as in-process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-cli-big-'));
    const sql = join(dir, 'big.sql');
    writeFileSync(sql, Array.from({ length: 400 }, (_, i) => `ALTER TABLE t${i} ADD COLUMN c text NOT NULL;`).join('\n'));
    const r = spawnSync(process.execPath, ['dist/cli.js', 'lint', '--format', 'json', sql], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
      env: { ...process.env, COLUMN_WIZARD_NO_CODE_CACHE: '1' },
    });
    const c = capture();
    assert.equal(await main(['lint', '--format', 'json', sql], c.io), r.status);
    assert.ok(r.stdout.length > 256 * 1024, `${r.stdout.length} bytes`);
    assert.equal(r.stdout, `${c.out.join('\n')}\n`);
  });

  it('the built dist/cli.js runs with node', () => {
    const r = spawnSync(process.execPath, ['dist/cli.js', '--help'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^column-wizard — /);
  });
});

describe('numeric options have documented ranges', () => {
  it('refuses values outside them, naming the option, the range and the value', async () => {
    for (const [value, message] of [
      ['1e308', /--lock-timeout-ms must be a whole number from 1 to 3600000 \(milliseconds\), got "1e308"/],
      ['0', /--lock-timeout-ms must be a whole number from 1 to 3600000/],
      ['1.5', /--lock-timeout-ms must be a whole number/],
      ['abc', /got "abc"/],
    ] as const) {
      let err = '';
      const code = await main(
        ['plan', '--dialect', 'postgres', '--server-version', '15', '--table', 't', '--column', 'c int', '--lock-timeout-ms', value],
        {
          out: () => undefined,
          err: (t) => {
            err += t;
          },
        },
      );
      assert.equal(code, 2, value);
      assert.match(err, message);
    }
    let out = '';
    assert.equal(
      await main(
        ['plan', '--dialect', 'postgres', '--server-version', '15', '--table', 't', '--column', 'c int', '--lock-timeout-ms', '3600000'],
        {
          out: (t) => {
            out += t;
          },
          err: () => undefined,
        },
      ),
      0,
    );
    assert.match(out, /SET lock_timeout = '3600000ms'|SET lock_timeout = '3600s'|lock_timeout/);
  });
});
