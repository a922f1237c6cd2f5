import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/cli';
import { parseTableName } from '../../src/cli/plan';
import { parseColumnDefinition } from '../../src/core/columnSpec';
import { planColumn } from '../../src/core/plan';

const cli = (...argv: string[]) => runCli(['plan', ...argv]);
const base = ['--dialect', 'postgres', '--server-version', '16.2', '--rows', '1000000', '--bytes', '300000000', '--table', 'app.users'];

describe('column-wizard plan (offline)', () => {
  it('--format json prints exactly the Plan planColumn returns', async () => {
    const r = await cli(...base, '--column', 'seen_at timestamptz NOT NULL DEFAULT clock_timestamp()', '--index', '--format', 'json');
    assert.equal(r.code, 0, r.err);
    const expected = planColumn(
      { ...parseColumnDefinition('seen_at timestamptz NOT NULL DEFAULT clock_timestamp()', 'postgres'), index: true },
      { table: { schema: 'app', name: 'users' }, rows: 1_000_000, bytes: 300_000_000 },
      { dialect: 'postgres', version: '16.2' },
      { standbys: false },
    );
    assert.deepEqual(JSON.parse(r.out), JSON.parse(JSON.stringify(expected)));
  });
  it('text output: phases, SQL with its lock timeout, one lock line per step, warnings and rollout', async () => {
    const r = await cli(...base, '--column', 'code text UNIQUE DEFAULT gen_random_uuid()::text', '--lock-timeout-ms', '500');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^Plan: add column code to app\.users on postgres 16\.2/);
    assert.match(r.out, /== index: Build indexes online \(each step on its own, outside a transaction\)/);
    assert.match(
      r.out,
      / {2}SET lock_timeout = '500ms';\n {2}CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "users_code_key" ON "app"\."users" \("code"\);/,
    );
    const lockLines = r.out.split('\n').filter((l) => /^ {2}-- step \d+: lock /.test(l));
    const steps = (
      JSON.parse((await cli(...base, '--column', 'code text UNIQUE DEFAULT gen_random_uuid()::text', '--format', 'json')).out).phases as {
        steps: unknown[];
      }[]
    ).flatMap((p) => p.steps);
    assert.equal(lockLines.length, steps.length);
    assert.match(r.out, /step 1: lock ACCESS EXCLUSIVE; blocks reads and writes; rewrite no;/);
    assert.match(r.out, /Rollout:\n {2}1\. Ship application code that tolerates the new column/);
  });
  it('MySQL text shows the algorithm, the fallback and session settings', async () => {
    const r = await cli(
      '--dialect',
      'mysql',
      '--server-version',
      '8.0.36',
      '--rows',
      '10',
      '--bytes',
      '1000',
      '--table',
      'shop.orders',
      '--column',
      'account_id bigint REFERENCES accounts(id)',
    );
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /lock NONE \(ALGORITHM=INSTANT\)/);
    assert.match(
      r.out,
      /if the server refuses INSTANT: ALTER TABLE `shop`\.`orders` ADD COLUMN `account_id` bigint NULL, ALGORITHM=INPLACE, LOCK=NONE;/,
    );
    assert.match(r.out, /SET SESSION foreign_key_checks = 0;\n {2}ALTER TABLE `shop`\.`orders` ADD CONSTRAINT/);
  });
  it('a column that cannot be understood is a usage error pointing at the spot', async () => {
    const r = await cli(...base, '--column', 'x int NOT NUL');
    assert.equal(r.code, 2);
    assert.match(r.err, /--column: expected NULL after NOT at character 7/);
    assert.match(r.err, /\n {2}x int NOT NUL\n {2} {6}\^/);
  });
  it('error findings make the exit code 1', async () => {
    const r = await cli(...base, '--column', 'n smallint DEFAULT 99999');
    assert.equal(r.code, 1);
    assert.match(r.out, /\[error\] default-does-not-fit/);
  });
  it('bad options are specific usage errors', async () => {
    assert.match(
      (await cli('--dialect', 'oracle', '--server-version', '1', '--table', 't', '--column', 'x int')).err,
      /--dialect must be one of postgres, mysql, mariadb, got "oracle"/,
    );
    assert.match((await cli('--dialect', 'mysql', '--table', 't', '--column', 'x int')).err, /--server-version is required/);
    assert.match(
      (await cli(...base, '--column', 'x int', '--rows', 'many')).err,
      /--rows must be a whole number from 0 to 9007199254740991 \(rows\), got "many"/,
    );
    assert.match((await cli(...base, '--column', 'x int', '--format', 'yaml')).err, /--format must be text or json/);
    assert.equal((await cli('--dialect', 'mysql', '--server-version', '8.0', '--column', 'x int')).code, 2);
  });
  it('table names: schema, default schema per dialect, quoted parts with dots', () => {
    assert.deepEqual(parseTableName('users', 'postgres'), { schema: 'public', name: 'users' });
    assert.deepEqual(parseTableName('users', 'mysql'), { schema: '', name: 'users' });
    assert.deepEqual(parseTableName('"my.schema"."Us""ers"', 'postgres'), { schema: 'my.schema', name: 'Us"ers' });
    assert.deepEqual(parseTableName('shop.`or``ders`', 'mariadb'), { schema: 'shop', name: 'or`ders' });
    assert.throws(() => parseTableName('a.b.c', 'postgres'), /\[schema\.\]name/);
    assert.throws(() => parseTableName('"abc', 'postgres'), /unterminated quote/);
  });
});

describe('column-wizard plan without --rows', () => {
  it('plans as if the table had rows (no MySQL zero-value trap) and says the size is unknown', async () => {
    const r = await cli(
      '--dialect',
      'mysql',
      '--server-version',
      '8.0.36',
      '--table',
      'shop.orders',
      '--column',
      'n int NOT NULL',
      '--format',
      'json',
    );
    const plan = JSON.parse(r.out) as { table: { rows: number }; phases: { steps: { sql: string }[] }[]; warnings: { code: string }[] };
    assert.equal(plan.table.rows, -1);
    assert.equal(plan.phases[0]!.steps[0]!.sql, 'ALTER TABLE `shop`.`orders` ADD COLUMN `n` int NULL, ALGORITHM=INSTANT');
    assert.ok(plan.warnings.some((w) => w.code === 'rows-unknown'));
  });
});
