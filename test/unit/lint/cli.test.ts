import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type * as Sarif from 'sarif';
import { main } from '../../../src/cli';
import { CORPUS_DIR } from './corpus';
import { capture } from '../../helpers/cli';

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
    const code = await main(
      ['lint', '--dialect', 'mysql', '--server-version', '8.0.36', '--format', 'sarif', join(CORPUS_DIR, 'mysql', '01-mysql8.sql')],
      c.io,
    );
    assert.equal(code, 1);
    const log = JSON.parse(c.out.join('\n')) as Sarif.Log;
    assert.equal(log.version, '2.1.0');
    const ids = new Set(log.runs[0]!.results!.map((r) => r.ruleId));
    for (const id of ['algorithm-copy', 'lock-blocks-writes', 'add-column-rewrite', 'unparsed-statement'])
      assert.ok(ids.has(id), `${id} in SARIF`);
  });

  it('lints every .sql file under a directory, in name order', async () => {
    const c = capture();
    assert.equal(await main(['lint', '--format', 'json', join(CORPUS_DIR, 'postgres')], c.io), 1);
    const json = JSON.parse(c.out.join('\n')) as { files: { path: string }[] };
    const names = json.files.map((f) => f.path.split(/[\\/]/).pop());
    assert.equal(names.length, 11);
    assert.deepEqual(names, [...names].sort());
    assert.equal(names[0], '01-add-column.sql');
    const empty = mkdtempSync(join(tmpdir(), 'cw-lint-empty-'));
    const e = capture();
    assert.equal(await main(['lint', empty], e.io), 2);
    assert.match(e.err.join('\n'), /no \.sql files in/);
  });

  it('carries a validated CHECK (c IS NOT NULL) from an earlier migration to a later SET NOT NULL', async () => {
    const first = write(
      '001_check.sql',
      "SET lock_timeout = '2s';\nALTER TABLE t ADD CONSTRAINT t_c_nn CHECK (c IS NOT NULL) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT t_c_nn;\n",
    );
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
      [['lint', '--tool', 'no-such-tool', 'x.sql'], /--tool must be one of/],
      [['lint', join(dir, 'missing.sql')], /cannot read .*missing\.sql: ENOENT/],
      [['lint', '--url', 'postgres://x@127.0.0.1/db', '--dialect', 'mysql', 'x.sql'], /do not combine/],
    ];
    for (const [argv, message] of cases) {
      const c = capture();
      assert.equal(await main(argv, c.io), 2, argv.join(' '));
      assert.match(c.err.join('\n'), message);
    }
  });

  it('follows each real directory once: links to itself and to its parent neither repeat files nor loop', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cw-lint-links-'));
    mkdirSync(join(root, 'sub'));
    writeFileSync(join(root, '001.sql'), 'SELECT 1;\n');
    writeFileSync(join(root, 'sub', '002.sql'), 'SELECT 2;\n');
    symlinkSync('.', join(root, 'self'));
    symlinkSync('..', join(root, 'sub', 'up'));
    symlinkSync('001.sql', join(root, 'again.sql'));
    const c = capture();
    assert.equal(await main(['lint', '--format', 'json', root, join(root, 'self')], c.io), 0);
    const json = JSON.parse(c.out.join('\n')) as { files: { path: string }[] };
    assert.deepEqual(
      json.files.map((f) => f.path.slice(f.path.lastIndexOf('cw-lint-links-')).replace(/^[^/\\]+[/\\]/, '')),
      ['001.sql', join('sub', '002.sql')],
    );
  });

  it('refuses binary input with exit 2 and names the file', async () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
    const file = join(dir, 'random.sql');
    writeFileSync(file, bytes);
    const c = capture();
    assert.equal(await main(['lint', file], c.io), 2);
    assert.match(c.err.join('\n'), /random\.sql is not SQL text: it is binary/);
    const zeros = join(dir, 'zeros.sql');
    writeFileSync(zeros, Buffer.alloc(1000));
    assert.equal(await main(['lint', zeros], capture().io), 2);
  });

  it('reports a NUL byte with its line, and fails', async () => {
    const c = capture();
    const file = write('nul.sql', "SET lock_timeout = '2s';\nALTER TABLE t ADD COLUMN c text;\u0000 DROP TABLE important;\n");
    assert.equal(await main(['lint', file], c.io), 1);
    assert.match(c.out.join('\n'), /nul\.sql:2:33: error nul-byte: NUL byte \(U\+0000\) at line 2, column 33/);
  });

  it('reports an unterminated block comment, string or MySQL backtick name with the line it opens on, and fails', async () => {
    const cases: [string, string[], RegExp][] = [
      [
        'SELECT 1;\n/* not closed\nCREATE INDEX i ON t (c);\n',
        [],
        /:2:1: error unterminated-text: Unterminated block comment opened at line 2, column 1/,
      ],
      [
        "SET lock_timeout = '2s';\nALTER TABLE t ALTER COLUMN c SET DEFAULT 'x;\nDROP TABLE t;\n",
        [],
        /:2:42: error unterminated-text: Unterminated string opened at line 2, column 42/,
      ],
      [
        'SELECT 1;\nSELECT $body$ never closed;\n',
        [],
        /:2:8: error unterminated-text: Unterminated dollar-quoted string opened at line 2, column 8/,
      ],
      [
        'ALTER TABLE `t ADD COLUMN c int;\n',
        ['--dialect', 'mysql'],
        /:1:13: error unterminated-text: Unterminated quoted identifier opened at line 1, column 13/,
      ],
    ];
    for (const [i, [text, args, message]] of cases.entries()) {
      const c = capture();
      assert.equal(await main(['lint', ...args, write(`open${i}.sql`, text)], c.io), 1, text);
      assert.match(c.out.join('\n'), message);
    }
    const closed = capture();
    assert.equal(await main(['lint', write('closed.sql', "SELECT '/* not a comment';\nSELECT 1; /* closed */\n")], closed.io), 0);
    assert.doesNotMatch(closed.out.join('\n'), /unterminated-text/);
  });
});
