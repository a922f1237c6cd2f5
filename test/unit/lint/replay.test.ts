import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { main } from '../../../src/cli';
import { lintSql } from '../../../src/core/lint/analyze';
import { loadParsers, type Parsers } from '../../../src/core/lint/parsers';
import { replayMigrations } from '../../../src/core/lint/replay';

let parsers: Parsers;
before(async () => {
  parsers = await loadParsers(['postgres']);
});
const pg15 = { dialect: 'postgres', version: '15' } as const;
const CREATE = 'CREATE TABLE users (id bigint PRIMARY KEY, name varchar(40), email text, CONSTRAINT users_id_pos CHECK (id > 0));';
const CHECK =
  'ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_email_nn;';
const CHANGE =
  "SET lock_timeout = '2s';\nALTER TABLE users ALTER COLUMN name TYPE varchar(80);\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\nALTER TABLE users ALTER COLUMN id TYPE int;";

describe('folder replay (schema from earlier migrations)', () => {
  it('knows the columns, types, nullability and CHECKs the earlier files leave; row count unknown', () => {
    const users = replayMigrations(
      [
        CREATE,
        CHECK,
        'ALTER TABLE users ADD COLUMN age int NOT NULL DEFAULT 0, DROP COLUMN name;',
        'CREATE TABLE gone (a int); DROP TABLE gone;',
      ],
      pg15,
      parsers,
    ).get('users')!;
    assert.deepEqual(
      users.columns!.map((c) => `${c.name} ${c.type}${c.nullable ? '' : ' not null'}`),
      ['id bigint not null', 'email text', 'age integer not null'],
    );
    assert.deepEqual(
      users.constraints!.filter((c) => c.kind === 'check').map((c) => [c.name, c.validated]),
      [
        ['users_id_pos', true],
        ['users_email_nn', true],
      ],
    );
    assert.equal(users.rows, -1);
    assert.equal(replayMigrations([CREATE, 'DROP TABLE users;'], pg15, parsers).size, 0);
  });

  it('follows RENAME COLUMN and RENAME TO', () => {
    const t = replayMigrations(
      [CREATE, 'ALTER TABLE users RENAME COLUMN name TO full_name;', 'ALTER TABLE users RENAME TO members;'],
      pg15,
      parsers,
    );
    assert.equal(t.get('users'), undefined);
    assert.deepEqual(
      t.get('members')!.columns!.map((c) => `${c.name} ${c.type}`),
      ['id bigint', 'full_name varchar(40)', 'email text'],
    );
  });

  it('turns the verdicts that need facts: widening varchar, SET NOT NULL proven earlier, a narrowing type certain', () => {
    const bare = lintSql(CHANGE, { target: pg15 }, parsers).findings.map((f) => `${f.statement}:${f.rule}:${f.severity}`);
    assert.deepEqual(bare, ['1:alter-column-type:warning', '2:set-not-null-scan:error', '3:alter-column-type:error']);
    const tables = replayMigrations([CREATE, CHECK], pg15, parsers);
    const replayed = lintSql(CHANGE, { target: pg15, facts: (t) => tables.get(t.name) }, parsers).findings.map(
      (f) => `${f.statement}:${f.rule}:${f.severity}`,
    );
    // Rows unknown: no small-table relief and no time estimate for the rewrite.
    assert.deepEqual(replayed, ['3:alter-column-type:error']);
  });

  it("the CLI replays the earlier .sql files of the linted file's folder (name order) when there is no connection", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'h20b-replay-'));
    mkdirSync(join(dir, 'm'));
    writeFileSync(join(dir, 'm', '001_create.sql'), CREATE);
    writeFileSync(join(dir, 'm', '002_check.sql'), CHECK);
    writeFileSync(join(dir, 'm', '003_change.sql'), CHANGE);
    writeFileSync(join(dir, '003_change.sql'), CHANGE);
    const run = async (path: string) => {
      let out = '';
      await main(['lint', '--format', 'json', path], {
        out: (t) => {
          out += t;
        },
        err: () => undefined,
      });
      return (JSON.parse(out) as { files: { findings: { rule: string }[] }[] }).files.at(-1)!.findings.map((f) => f.rule);
    };
    assert.deepEqual(await run(join(dir, 'm', '003_change.sql')), ['alter-column-type']);
    assert.deepEqual(await run(join(dir, 'm')), ['alter-column-type']);
    assert.deepEqual(await run(join(dir, '003_change.sql')), ['alter-column-type', 'set-not-null-scan', 'alter-column-type']);
  });
});
