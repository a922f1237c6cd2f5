/** The folder replay for MySQL/MariaDB (src/core/lint/replay.ts): columns with their types, signedness and character sets. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { lintSql } from '../../../src/core/lint/analyze';
import { loadParsers, type Parsers } from '../../../src/core/lint/parsers';
import { replayMigrations } from '../../../src/core/lint/replay';
import { runCli } from '../../helpers/cli';

let parsers: Parsers;
before(async () => {
  parsers = await loadParsers(['mysql', 'mariadb']);
});
const maria = { dialect: 'mariadb', version: '10.11' } as const;
const mysql8 = { dialect: 'mysql', version: '8.0.36' } as const;

const CREATE = [
  'CREATE TABLE acct (',
  '  id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,',
  '  name varchar(60) NOT NULL,',
  '  code varchar(200) CHARACTER SET latin1,',
  '  tag varchar(10) COLLATE utf8mb3_bin,',
  '  qty int,',
  '  KEY acct_name (name),',
  '  CONSTRAINT acct_qty CHECK (qty >= 0)',
  ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;',
].join('\n');

const rules = (sql: string, facts: ReturnType<typeof replayMigrations> | undefined, target = maria) =>
  lintSql(
    `SET SESSION lock_wait_timeout = 2;\n${sql}`,
    { target, ...(facts ? { facts: (t) => facts.get(t.name.toLowerCase()) } : {}) },
    parsers,
  )
    .findings.filter((f) => f.rule !== 'missing-lock-timeout')
    .map((f) => `${f.rule}:${f.severity}`);

describe('folder replay, MySQL/MariaDB', () => {
  for (const target of [maria, mysql8]) {
    it(`${target.dialect}: CREATE TABLE gives each column its type, nullability and character set (column's, COLLATE's, else the table's)`, () => {
      const acct = replayMigrations([CREATE], target, parsers).get('acct')!;
      assert.deepEqual(
        acct.columns!.map((c) => [c.name, c.type, c.nullable, c.charset ?? null]),
        [
          ['id', 'int unsigned', false, null],
          ['name', 'varchar(60)', false, 'utf8mb4'],
          ['code', 'varchar(200)', true, 'latin1'],
          ['tag', 'varchar(10)', true, 'utf8mb3'],
          ['qty', 'int', true, null],
        ],
      );
      assert.deepEqual(
        acct.indexes!.map((i) => i.name),
        ['acct_name'],
      );
      assert.deepEqual(
        acct.constraints!.map((c) => [c.name, c.kind]),
        [['acct_qty', 'check']],
      );
    });
  }

  it('MODIFY restates the column: a MODIFY without CHARACTER SET takes the table default, without NOT NULL becomes nullable; CONVERT TO changes every text column', () => {
    const t = replayMigrations(
      [CREATE, 'ALTER TABLE acct MODIFY code varchar(220), ADD COLUMN note varchar(5) CHARACTER SET ascii, DROP COLUMN tag;'],
      maria,
      parsers,
    ).get('acct')!;
    assert.deepEqual(
      t.columns!.filter((c) => ['code', 'note'].includes(c.name)).map((c) => [c.name, c.type, c.nullable, c.charset]),
      [
        ['code', 'varchar(220)', true, 'utf8mb4'],
        ['note', 'varchar(5)', true, 'ascii'],
      ],
    );
    const converted = replayMigrations([CREATE, 'ALTER TABLE acct CONVERT TO CHARACTER SET latin1;'], maria, parsers).get('acct')!;
    assert.deepEqual(
      converted.columns!.map((c) => c.charset ?? null),
      [null, 'latin1', 'latin1', 'latin1', null],
    );
  });

  it('turns the verdicts that need the definition: VARCHAR across 255 bytes, INT → UNSIGNED, a longer VARCHAR on the same side', () => {
    const facts = replayMigrations([CREATE], maria, parsers);
    // Without the earlier files: only the "definition unknown" warning.
    assert.deepEqual(rules('ALTER TABLE acct MODIFY name varchar(64) NOT NULL;', undefined), ['alter-column-type:warning']);
    // utf8mb4: 60 × 4 = 240 bytes → 64 × 4 = 256 bytes crosses the 1-byte length prefix: a copy.
    assert.deepEqual(rules('ALTER TABLE acct MODIFY name varchar(64) NOT NULL;', facts), ['alter-column-type:error']);
    // 63 × 4 = 252 bytes stays under it: INSTANT, nothing to report.
    assert.deepEqual(rules('ALTER TABLE acct MODIFY name varchar(63) NOT NULL;', facts), []);
    // latin1: 200 → 255 bytes stays; 256 crosses.
    assert.deepEqual(rules('ALTER TABLE acct MODIFY code varchar(255) CHARACTER SET latin1;', facts), []);
    assert.deepEqual(rules('ALTER TABLE acct MODIFY code varchar(256) CHARACTER SET latin1;', facts), ['alter-column-type:error']);
    // Signedness: qty is a signed int.
    assert.deepEqual(rules('ALTER TABLE acct MODIFY qty int unsigned;', facts), ['alter-column-type:error']);
    assert.deepEqual(rules('ALTER TABLE acct MODIFY qty bigint;', facts), ['alter-column-type:error']);
  });

  it('a table whose CREATE names no character set: VARCHAR byte lengths stay unknown (the server default decides), so the warning stays', () => {
    const facts = replayMigrations(['CREATE TABLE plain (name varchar(60) NOT NULL);'], maria, parsers);
    assert.equal(facts.get('plain')!.columns![0]!.charset, undefined);
    assert.deepEqual(rules('ALTER TABLE plain MODIFY name varchar(64) NOT NULL;', facts), ['alter-column-type:warning']);
  });

  it("the CLI replays the earlier .sql files of a MariaDB file's folder", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-replay-my-'));
    mkdirSync(join(dir, 'migrations'));
    writeFileSync(join(dir, 'migrations', '001_create.sql'), CREATE);
    const change = join(dir, 'migrations', '002_change.sql');
    writeFileSync(change, 'SET SESSION lock_wait_timeout = 2;\nALTER TABLE acct MODIFY name varchar(64) NOT NULL;\n');
    const one = await runCli(['lint', '--dialect', 'mariadb', '--server-version', '10.11', '--format', 'json', change]);
    assert.equal(one.code, 1, one.out + one.err);
    const found = (JSON.parse(one.out) as { files: { findings: { rule: string; severity: string; message: string }[] }[] }).files[0]!
      .findings;
    assert.deepEqual(
      found.map((f) => `${f.rule}:${f.severity}`),
      ['alter-column-type:error'],
    );
    assert.match(found[0]!.message, /utf8mb4/);
  });

  it('follows CHANGE old new and RENAME TABLE a TO b', () => {
    const t = replayMigrations(
      [CREATE, 'ALTER TABLE acct CHANGE name full_name varchar(60) NOT NULL;', 'RENAME TABLE acct TO accounts;'],
      maria,
      parsers,
    );
    assert.equal(t.get('acct'), undefined);
    const cols = t.get('accounts')!.columns!.map((c) => c.name);
    assert.ok(cols.includes('full_name') && !cols.includes('name'), cols.join());
    // The renamed column keeps its character set: a later MODIFY across 255 bytes is judged.
    assert.deepEqual(rules('ALTER TABLE accounts MODIFY full_name varchar(64) NOT NULL;', t), ['alter-column-type:error']);
  });
});
