/**
 * The lint's quick fix "Rewrite as safe phases" on MariaDB: the replacement text is the writers' statements (keyed
 * batches in `BEGIN NOT ATOMIC`, retries, guards). Put in place of the ADD COLUMN in a dbmate migration it is applied
 * by the real dbmate (no DELIMITER: dbmate sends the section as one batch), and with DELIMITER by the real mariadb
 * client; both fill every row of the real MariaDB 10.11 table and leave the column NOT NULL with its default.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { lintSql } from '../../src/core/lint/analyze';
import { loadParsers } from '../../src/core/lint/parsers';
import { addColumnOf, phasedSql } from '../../src/core/lint/preview';
import { planColumn } from '../../src/core/plan';
import { dbTest, throwawayDatabase } from './helpers';
import { requireTool, runTool, workspacesForFile } from './migrationTools';

const my = throwawayDatabase('mysql');
const workspace = workspacesForFile();
const ROWS = 5000;

describe('quick fix rewrite applied on MariaDB', () => {
  for (const via of ['dbmate', 'mariadb client (DELIMITER)'] as const) {
    it(
      `${via}: the rewritten migration fills every row in keyed batches`,
      dbTest(async (t) => {
        if (via !== 'dbmate') requireTool(t, 'the mariadb client', 'the Debian package mariadb-client', [['mariadb', '--version']]);
        const db = my.get(t);
        const table = via === 'dbmate' ? 'h19_fix_dbmate' : 'h19_fix_client';
        await db.client.query(`CREATE TABLE ${table} (id bigint PRIMARY KEY, name text)`);
        await db.client.query(`INSERT INTO ${table} SELECT seq, CONCAT('n', seq) FROM seq_1_to_${ROWS}`);
        const target = { dialect: 'mariadb', version: '10.11.6-MariaDB' } as const;
        const original = `ALTER TABLE ${table} ADD COLUMN token varchar(40) NOT NULL DEFAULT (UUID());`;
        const parsers = await loadParsers();
        const linted = lintSql(original, { target }, parsers);
        const add = addColumnOf(linted.statements[0]!, db.name)!;
        const plan = planColumn(add.spec, { table: add.table, rows: ROWS, bytes: ROWS * 40, primaryKey: ['id'] }, target);
        const text = phasedSql(plan, true, { delimiter: via !== 'dbmate' });
        assert.match(text, /BEGIN NOT ATOMIC/);
        const ws = workspace('quickfix');
        if (via === 'dbmate') {
          mkdirSync(join(ws.root, 'db/migrations'), { recursive: true });
          writeFileSync(join(ws.root, 'db/migrations/20261205000000_add_token.sql'), `-- migrate:up\n${text}\n\n-- migrate:down\n`);
          const up = runTool('dbmate', ['--no-dump-schema', 'up'], {
            cwd: ws.root,
            env: { DATABASE_URL: db.url, DBMATE_MIGRATIONS_TABLE: 'h19_fix_history' },
            allowFailure: true,
          });
          assert.equal(up.status, 0, `${up.stdout}\n${up.stderr}`);
        } else {
          const file = join(ws.root, 'fix.sql');
          writeFileSync(file, `${text}\n`);
          const u = new URL(db.url);
          const r = runTool(
            'sh',
            ['-c', `mariadb -h ${u.hostname} -P ${u.port || '3306'} -u ${decodeURIComponent(u.username)} ${db.name} < fix.sql`],
            { cwd: ws.root, env: u.password ? { MYSQL_PWD: decodeURIComponent(u.password) } : {}, allowFailure: true },
          );
          assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
        }
        const rows = await db.client.query<{ nulls: number; d: number }>(
          `SELECT SUM(token IS NULL) AS nulls, COUNT(DISTINCT token) AS d FROM ${table}`,
        );
        assert.equal(Number(rows[0]!.nulls), 0);
        assert.equal(Number(rows[0]!.d), ROWS);
        const col = await db.client.query<{ IS_NULLABLE: string; COLUMN_DEFAULT: string }>(
          `SELECT IS_NULLABLE, COLUMN_DEFAULT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '${table}' AND COLUMN_NAME = 'token'`,
        );
        assert.equal(col[0]!.IS_NULLABLE, 'NO');
        assert.match(String(col[0]!.COLUMN_DEFAULT), /uuid\(\)/i);
      }),
    );
  }
});
