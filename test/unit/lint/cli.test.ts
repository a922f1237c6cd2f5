import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type * as Sarif from 'sarif';
import { main } from '../../../src/cli';
import { CORPUS_DIR } from './corpus';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'cw-lint-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('column-wizard lint', () => {
  it('exits 1 on an error-level finding and prints path:line:col', async () => {
    const c = capture();
    const file = write('bad.sql', "SET lock_timeout = '2s';\nCREATE INDEX i ON t (c);\n");
    assert.equal(await main(['lint', file], c.io), 1);
    assert.match(c.out.join('\n'), /bad\.sql:2:1: error index-not-concurrent: /);
  });

  it('exits 0 when only warnings remain', async () => {
    const c = capture();
    const file = write('warn.sql', 'ALTER TABLE t ADD COLUMN c text;\n');
    assert.equal(await main(['lint', file], c.io), 0);
    assert.match(c.out.join('\n'), /warning missing-lock-timeout/);
    assert.match(c.out.join('\n'), /0 error\(s\), 1 warning\(s\)/);
  });

  it('--tool decides the transaction: goose wraps, golang-migrate does not wrap a single statement', async () => {
    const file = write('cic.sql', "SET lock_timeout = '2s'; CREATE INDEX CONCURRENTLY i ON t (c);\n");
    const single = write('cic1.sql', 'CREATE INDEX CONCURRENTLY i ON t (c);\n');
    assert.equal(await main(['lint', '--tool', 'goose', file], capture().io), 1);
    assert.equal(await main(['lint', '--tool', 'golang-migrate', single], capture().io), 0);
    assert.equal(await main(['lint', '--tool', 'golang-migrate', file], capture().io), 1);
    assert.equal(await main(['lint', '--transaction', 'none', file], capture().io), 0);
  });

  it('writes SARIF 2.1.0 for a MySQL corpus file, with --dialect and --server-version', async () => {
    const c = capture();
    const code = await main(['lint', '--dialect', 'mysql', '--server-version', '8.0.36', '--format', 'sarif', join(CORPUS_DIR, 'mysql', '01-mysql8.sql')], c.io);
    assert.equal(code, 1);
    const log = JSON.parse(c.out.join('\n')) as Sarif.Log;
    assert.equal(log.version, '2.1.0');
    const ids = new Set(log.runs[0]!.results!.map((r) => r.ruleId));
    for (const id of ['algorithm-copy', 'lock-blocks-writes', 'add-column-rewrite', 'unparsed-statement']) assert.ok(ids.has(id), `${id} in SARIF`);
  });

  it('lints every .sql file under a directory, in name order', async () => {
    const c = capture();
    assert.equal(await main(['lint', '--format', 'json', join(CORPUS_DIR, 'postgres')], c.io), 1);
    const json = JSON.parse(c.out.join('\n')) as { files: { path: string }[] };
    const names = json.files.map((f) => f.path.split(/[\\/]/).pop());
    assert.equal(names.length, 10);
    assert.deepEqual(names, [...names].sort());
    assert.equal(names[0], '01-add-column.sql');
    const empty = mkdtempSync(join(tmpdir(), 'cw-lint-empty-'));
    const e = capture();
    assert.equal(await main(['lint', empty], e.io), 2);
    assert.match(e.err.join('\n'), /no \.sql files in/);
  });

  it('carries a validated CHECK (c IS NOT NULL) from an earlier migration to a later SET NOT NULL', async () => {
    const first = write('001_check.sql', "SET lock_timeout = '2s';\nALTER TABLE t ADD CONSTRAINT t_c_nn CHECK (c IS NOT NULL) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT t_c_nn;\n");
    const second = write('002_nn.sql', "SET lock_timeout = '2s';\nALTER TABLE t ALTER COLUMN c SET NOT NULL;\n");
    assert.equal(await main(['lint', first, second], capture().io), 0);
    const alone = capture();
    assert.equal(await main(['lint', second], alone.io), 1);
    assert.match(alone.out.join('\n'), /error set-not-null-scan/);
  });

  it('rejects bad usage with exit 2 and a specific message', async () => {
    const cases: [string[], RegExp][] = [
      [['lint'], /give at least one \.sql file/],
      [['lint', '--format', 'xml', 'x.sql'], /--format must be one of text, json, sarif/],
      [['lint', '--dialect', 'oracle', write('a.sql', 'SELECT 1;')], /--dialect must be one of postgres, mysql, mariadb/],
      [['lint', '--server-version', 'latest', write('b.sql', 'SELECT 1;')], /--server-version must look like/],
      [['lint', '--tool', 'rails', 'x.sql'], /--tool must be one of/],
      [['lint', join(dir, 'missing.sql')], /cannot read .*missing\.sql: ENOENT/],
      [['lint', '--url', 'postgres://x@127.0.0.1/db', '--dialect', 'mysql', 'x.sql'], /do not combine/],
    ];
    for (const [argv, message] of cases) {
      const c = capture();
      assert.equal(await main(argv, c.io), 2, argv.join(' '));
      assert.match(c.err.join('\n'), message);
    }
  });
});
