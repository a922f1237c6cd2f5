/** `column-wizard lint --url`: the server's dialect and version and the live row counts drive the findings. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { main } from '../../src/cli';
import { dbTest, throwawayDatabase } from './helpers';
import { capture } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'cw-lint-db-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const pg = throwawayDatabase('postgres');
const my = throwawayDatabase('mysql');

describe('lint --url (PostgreSQL)', () => {
  it(
    'an index on a 100-row table is a note; on a 20,000-row table an error',
    dbTest(async (t) => {
      const db = pg.get(t);
      await db.client.query('CREATE TABLE small_t (id int, v text)');
      await db.client.query('INSERT INTO small_t SELECT g, g::text FROM generate_series(1, 100) g');
      await db.client.query('CREATE TABLE big_t (id int, v text)');
      await db.client.query('INSERT INTO big_t SELECT g, g::text FROM generate_series(1, 20000) g');
      await db.client.query('ANALYZE small_t');
      await db.client.query('ANALYZE big_t');

      const small = capture();
      assert.equal(
        await main(['lint', '--url', db.url, write('small.sql', "SET lock_timeout = '2s';\nCREATE INDEX ON small_t (v);\n")], small.io),
        0,
        small.err.join('\n'),
      );
      assert.match(small.out.join('\n'), /info index-not-concurrent: .*100 rows, so this lasts milliseconds/);
      assert.match(small.out.join('\n'), /for postgres 1\d\./, 'the version comes from the server');

      const big = capture();
      assert.equal(
        await main(['lint', '--url', db.url, write('big.sql', "SET lock_timeout = '2s';\nCREATE INDEX ON public.big_t (v);\n")], big.io),
        1,
      );
      assert.match(big.out.join('\n'), /error index-not-concurrent: .*about 20,000 rows/);
    }),
  );
});

describe('lint --url reads full facts of the tables it lints', () => {
  it(
    'PostgreSQL: SET NOT NULL proven by a validated CHECK on the live table scans nothing; without it, it scans',
    dbTest(async (t) => {
      const db = pg.get(t);
      await db.client.query('CREATE TABLE proven_t (id int, email text)');
      await db.client.query("INSERT INTO proven_t SELECT g, 'e' || g FROM generate_series(1, 20000) g");
      await db.client.query('ALTER TABLE proven_t ADD CONSTRAINT proven_t_email_nn CHECK (email IS NOT NULL)');
      await db.client.query('CREATE TABLE unproven_t (id int, email text)');
      await db.client.query("INSERT INTO unproven_t SELECT g, 'e' || g FROM generate_series(1, 20000) g");
      await db.client.query('ANALYZE proven_t');
      await db.client.query('ANALYZE unproven_t');
      const c = capture();
      const file = write(
        'nn.sql',
        "SET lock_timeout = '2s';\nALTER TABLE proven_t ALTER COLUMN email SET NOT NULL;\nALTER TABLE unproven_t ALTER COLUMN email SET NOT NULL;\n",
      );
      assert.equal(await main(['lint', '--url', db.url, '--format', 'json', file], c.io), 1, c.err.join('\n'));
      const json = JSON.parse(c.out.join('\n')) as { files: { findings: { rule: string; line: number }[] }[] };
      assert.deepEqual(
        json.files[0]!.findings.map((f) => [f.rule, f.line]),
        [['set-not-null-scan', 3]],
      );
    }),
  );

  it(
    'MariaDB: a FULLTEXT index on the live table makes ADD COLUMN not INSTANT',
    dbTest(async (t) => {
      const db = my.get(t);
      await db.client.query('CREATE TABLE docs (id int PRIMARY KEY, body text, FULLTEXT KEY docs_body (body)) ENGINE=InnoDB');
      await db.client.query('CREATE TABLE plain_docs (id int PRIMARY KEY, body text) ENGINE=InnoDB');
      const c = capture();
      const file = write(
        'ft.sql',
        'SET SESSION lock_wait_timeout = 2;\nALTER TABLE docs ADD COLUMN title varchar(100);\nALTER TABLE plain_docs ADD COLUMN title varchar(100);\n',
      );
      await main(['lint', '--url', db.url, '--format', 'json', file], c.io);
      const json = JSON.parse(c.out.join('\n')) as { files: { findings: { rule: string; line: number }[] }[] };
      const rules = json.files[0]!.findings.map((f) => [f.rule, f.line]);
      assert.ok(
        rules.some(([r, l]) => l === 2 && (r === 'add-column-not-instant' || r === 'add-column-rewrite')),
        JSON.stringify(rules),
      );
      assert.ok(!rules.some(([, l]) => l === 3), JSON.stringify(rules));
    }),
  );
});

describe('lint --url (MariaDB)', () => {
  it(
    'reads the dialect from the server and lints MySQL syntax with its rules',
    dbTest(async (t) => {
      const db = my.get(t);
      const c = capture();
      const code = await main(
        [
          'lint',
          '--url',
          db.url,
          '--format',
          'json',
          write('m.sql', 'SET SESSION lock_wait_timeout = 2;\nALTER TABLE orders ADD COLUMN ref char(36) DEFAULT (UUID());\n'),
        ],
        c.io,
      );
      assert.equal(code, 1, c.err.join('\n'));
      const json = JSON.parse(c.out.join('\n')) as { files: { target: { dialect: string }; findings: { rule: string }[] }[] };
      assert.equal(json.files[0]!.target.dialect, 'mariadb');
      assert.deepEqual(
        json.files[0]!.findings.map((f) => f.rule),
        ['add-column-rewrite'],
      );
    }),
  );
});
