/**
 * `column-wizard snapshot --url` then `column-wizard lint --schema` (or the configuration's "snapshot") with no
 * connection: the verdicts that depend on the live column and the table's size come from the snapshot file.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { dbTest, throwawayDatabase } from './helpers';
import { runCli } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'cw-lint-snapshot-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
};

interface Json {
  files: { target: { dialect: string; version: string }; findings: { rule: string; line: number; severity: string; message: string }[] }[];
}
const findings = (out: string) => (JSON.parse(out) as Json).files[0]!.findings;

const pg = throwawayDatabase('postgres');
const my = throwawayDatabase('mysql');

describe('lint --schema with a PostgreSQL snapshot', () => {
  it(
    'judges a type change and SET NOT NULL on the snapshot columns and names its row count; without it, it cannot',
    dbTest(async (t) => {
      const db = pg.get(t);
      await db.client.query(
        'CREATE TABLE acct (id int PRIMARY KEY, name varchar(40) NOT NULL, email text, CONSTRAINT acct_email_nn CHECK (email IS NOT NULL))',
      );
      await db.client.query("INSERT INTO acct SELECT g, 'n' || g, 'e' || g FROM generate_series(1, 20000) g");
      await db.client.query('ANALYZE acct');
      await db.client.query('CREATE TABLE not_asked (id int)');

      const snap = join(dir, 'pg-schema.json');
      const taken = await runCli(['snapshot', '--url', db.url, '--tables', 'acct', '--out', snap]);
      assert.equal(taken.code, 0, taken.err);
      const text = readFileSync(snap, 'utf8');
      const file = JSON.parse(text) as {
        server: { dialect: string; version: string };
        tables: { table: { name: string }; rows: number }[];
      };
      assert.equal(file.server.dialect, 'postgres');
      assert.deepEqual(
        file.tables.map((x) => [x.table.name, x.rows]),
        [['acct', 20000]],
      );
      assert.ok(!text.includes(db.url) && !/postgres:\/\//.test(text), 'no connection details in the file');
      assert.ok(!/lockRisks|replication/.test(text));
      assert.ok(text.includes('"validated": true'), 'the CHECK is recorded as validated');
      // Never overwritten.
      const again = await runCli(['snapshot', '--url', db.url, '--tables', 'acct', '--out', snap]);
      assert.equal(again.code, 2);
      assert.match(again.err, /exists: it is not overwritten/);
      assert.equal(readFileSync(snap, 'utf8'), text);

      const sql = write(
        'pg/001_change.sql',
        "SET lock_timeout = '2s';\nALTER TABLE acct ALTER COLUMN name TYPE varchar(80);\nALTER TABLE acct ALTER COLUMN id TYPE bigint;\nALTER TABLE acct ALTER COLUMN email SET NOT NULL;\n",
      );
      const without = await runCli(['lint', '--format', 'json', sql]);
      assert.deepEqual(
        findings(without.out).map((f) => [f.rule, f.line]),
        [
          ['alter-column-type', 2],
          ['alter-column-type', 3],
          ['set-not-null-scan', 4],
        ],
      );
      const withSnap = await runCli(['lint', '--format', 'json', '--schema', snap, sql]);
      assert.equal(withSnap.code, 1, withSnap.err);
      const got = findings(withSnap.out);
      // varchar(40) → varchar(80) is binary-coercible and the CHECK proves NOT NULL: only the int → bigint rewrite stays.
      assert.deepEqual(
        got.map((f) => [f.rule, f.line, f.severity]),
        [['alter-column-type', 3, 'error']],
      );
      assert.match(got[0]!.message, /about 20,000 rows/);
      assert.equal((JSON.parse(withSnap.out) as Json).files[0]!.target.version, file.server.version, 'the version comes from the snapshot');

      // The configuration's "snapshot" (relative to the configuration file) does the same without --schema.
      write('pg/.column-wizard.json', JSON.stringify({ snapshot: '../pg-schema.json' }));
      const viaConfig = await runCli(['lint', '--format', 'json', sql]);
      assert.deepEqual(
        findings(viaConfig.out).map((f) => [f.rule, f.line]),
        [['alter-column-type', 3]],
      );
    }),
  );
});

describe('lint --schema with a MariaDB snapshot', () => {
  it(
    'knows the varchar charset (utf8mb4 crosses 255 bytes at 64 characters) and the signedness from the snapshot',
    dbTest(async (t) => {
      const db = my.get(t);
      await db.client.query(
        'CREATE TABLE acct (id int PRIMARY KEY, name varchar(60) CHARACTER SET utf8mb4 NOT NULL, qty int) ENGINE=InnoDB',
      );
      await db.client.query("INSERT INTO acct SELECT seq, 'n', 1 FROM seq_1_to_20000");
      await db.client.query('ANALYZE TABLE acct');

      const snap = join(dir, 'my-schema.json');
      const taken = await runCli(['snapshot', '--url', db.url, '--out', snap]);
      assert.equal(taken.code, 0, taken.err);
      const text = readFileSync(snap, 'utf8');
      assert.match(text, /"charset": "utf8mb4"/);
      assert.match(text, /"dialect": "mariadb"/);
      assert.ok(!text.includes('root@'), 'no connection details in the file');

      const sql = write(
        'my/001_change.sql',
        'SET SESSION lock_wait_timeout = 2;\nALTER TABLE acct MODIFY name varchar(63) NOT NULL;\nALTER TABLE acct MODIFY name varchar(64) NOT NULL;\nALTER TABLE acct MODIFY qty int unsigned;\n',
      );
      const without = await runCli(['lint', '--format', 'json', '--dialect', 'mariadb', '--server-version', '10.11', sql]);
      assert.ok(
        !findings(without.out).some((f) => f.severity === 'error'),
        `without the snapshot nothing is known to copy the table: ${without.out}`,
      );
      const withSnap = await runCli(['lint', '--format', 'json', '--schema', snap, sql]);
      assert.equal(withSnap.code, 1, withSnap.err);
      const got = findings(withSnap.out).filter((f) => f.severity === 'error');
      assert.deepEqual(
        got.map((f) => [f.rule, f.line]),
        [
          ['alter-column-type', 3],
          ['alter-column-type', 4],
        ],
        withSnap.out,
      );
      assert.match(got[0]!.message, /utf8mb4/);
      assert.match(got[1]!.message, /about 20,\d{3} rows/);
      assert.equal((JSON.parse(withSnap.out) as Json).files[0]!.target.dialect, 'mariadb', 'the target comes from the snapshot');
    }),
  );
});

describe('modify-resets-column against MariaDB', () => {
  it(
    'reports what a MODIFY leaves out, from a snapshot, and the server does drop exactly that',
    dbTest(async (t) => {
      const db = my.get(t);
      await db.client.query(
        "CREATE TABLE mr (id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, status varchar(20) NOT NULL DEFAULT 'new') ENGINE=InnoDB",
      );
      const snap = join(dir, 'my-mr.json');
      const taken = await runCli(['snapshot', '--url', db.url, '--tables', 'mr', '--out', snap]);
      assert.equal(taken.code, 0, taken.err);
      const sql = write(
        'my-mr/001.sql',
        'SET SESSION lock_wait_timeout = 2;\nALTER TABLE mr MODIFY status varchar(40);\nALTER TABLE mr MODIFY id bigint NOT NULL;\n',
      );
      const linted = await runCli(['lint', '--format', 'json', '--schema', snap, sql]);
      const said = findings(linted.out).filter((f) => f.rule === 'modify-resets-column');
      assert.deepEqual(
        said.map((f) => f.line),
        [2, 3],
        linted.out,
      );
      assert.match(said[0]!.message, /DEFAULT 'new'.*NOT NULL/);
      assert.match(said[1]!.message, /AUTO_INCREMENT/);
      // What the server does with the same statements.
      await db.client.query('ALTER TABLE mr MODIFY status varchar(40)');
      await db.client.query('ALTER TABLE mr MODIFY id bigint NOT NULL');
      const facts = await db.client.tableFacts({ schema: db.name, name: 'mr' });
      const status = facts.columns!.find((c) => c.name === 'status')!;
      assert.equal(status.nullable, true);
      assert.ok(status.default === null || /^null$/i.test(status.default), String(status.default));
      assert.equal(facts.columns!.find((c) => c.name === 'id')!.autoIncrement, false);
    }),
  );
});
