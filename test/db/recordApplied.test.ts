/**
 * `run --record-applied TOOL:DIR` after `write`: the run applies the plan, then records the written files in the
 * tool's own history table, so the real tool's next "apply pending" applies nothing (its history gains no row and no
 * row of the table is rewritten). Knex, Sequelize CLI, TypeORM and kysely-ctl on PostgreSQL 15 and MariaDB 10.11,
 * node-pg-migrate on PostgreSQL (dbmate: writeRerun.test.ts).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { historyRecording } from '../../src/core/migrations/history';
import { WRITERS } from '../../src/core/migrations/tools/index';
import { flywayChecksum } from '../../src/core/migrations/tools/flyway';
import { dbTest, throwawayDatabase } from './helpers';
import { cliProcess, runTool, TOOL_RUNNERS, workspacesForFile, tokenTableAndPlan, writeInto } from './migrationTools';

const pg = throwawayDatabase('postgres');
const my = throwawayDatabase('mysql');
const workspace = workspacesForFile();

/** The history table each runner's config uses (TOOL_RUNNERS' configs), and whether the run is told its name. */
const HISTORY: Record<string, (table: string) => string> = {
  knex: () => 'knex_migrations',
  sequelize: () => 'SequelizeMeta',
  typeorm: () => 'migrations',
  kysely: (table) => `kysely_migration_${table}`,
  'node-pg-migrate': () => 'pgmigrations',
};

describe('run --record-applied: the tool applies nothing afterwards', () => {
  for (const runner of TOOL_RUNNERS.filter((r) => r.name !== 'dbmate')) {
    for (const engine of ['postgres', 'mariadb'] as const) {
      if (runner.name === 'node-pg-migrate' && engine !== 'postgres') continue;
      // Knex's files get a custom name (write --name), to show --name finds them.
      const custom = runner.name === 'knex' ? 'h19 custom name' : undefined;
      it(
        `${runner.name} on ${engine}: write${custom ? ' --name' : ''}, run --record-applied, then the tool's up applies nothing`,
        dbTest(async (t) => {
          const db = (engine === 'postgres' ? pg : my).get(t);
          const table = `h19_rec_${runner.name.replace(/-/g, '_')}`;
          const q = (s: string) => (engine === 'postgres' ? `"${s}"` : `\`${s}\``);
          const { plan, column } = await tokenTableAndPlan(db, engine, table);
          const ws = workspace(`record-${runner.name}-${engine}`);
          const { created } = await writeInto(ws, plan, runner.name, runner.dir, runner.options?.(engine) ?? {}, new Date(), custom);
          const apply = runner.setup(ws, engine, db, table);
          const history = HISTORY[runner.name]!(table);
          const r = cliProcess(ws.root, [
            'run',
            '--url',
            db.url,
            '--table',
            table,
            '--column',
            column,
            '--index',
            '--yes',
            '--no-baseline',
            '--record-applied',
            `${runner.name}:${join(ws.root, runner.dir)}`,
            '--history-table',
            history,
            ...(custom ? ['--name', custom] : []),
          ]);
          assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
          const applied = created.filter((f) => !f.endsWith('.conf'));
          assert.match(r.stdout, new RegExp(`Recorded ${applied.length} ${runner.name} migration\\(s\\) as applied in ${history}`));
          const count = async () =>
            Number((await db.client.query<{ n: string | number }>(`SELECT COUNT(*) AS n FROM ${q(history)}`))[0]!.n);
          const recorded = await count();
          assert.equal(recorded, applied.length, 'one history row per written file');
          const before = await db.client.query<{ id: string; token: string }>(`SELECT id, token FROM ${q(table)} ORDER BY id`);
          const up = runTool(apply.cmd, apply.args, { cwd: ws.root, ...(apply.env ? { env: apply.env } : {}), allowFailure: true });
          assert.equal(up.status, 0, `${up.stdout}\n${up.stderr}`);
          assert.equal(await count(), recorded, `${runner.name} applied nothing:\n${up.stdout}\n${up.stderr}`);
          const after = await db.client.query<{ id: string; token: string }>(`SELECT id, token FROM ${q(table)} ORDER BY id`);
          assert.deepEqual(
            after.map((x) => String(x.token)),
            before.map((x) => String(x.token)),
            'no row rewritten',
          );
        }),
      );
    }
  }
});

/**
 * goose, golang-migrate and Flyway are not installed here: their recording SQL is run on the real servers (twice: the
 * second time changes nothing) and the rows are checked against what those tools write.
 */
describe('history rows of the tools not installed here', () => {
  const files = [
    { name: '20261205103000_add_t_c_expand.sql', content: '-- migrate\nSELECT 1;\n' },
    { name: '20261205103001_add_t_c_backfill.sql', content: 'SELECT 2;\r\n' },
  ];
  for (const engine of ['postgres', 'mariadb'] as const) {
    const dialect = engine === 'postgres' ? 'postgres' : 'mariadb';
    it(
      `${engine}: goose_db_version gets version 0 and one applied row per file`,
      dbTest(async (t) => {
        const db = (engine === 'postgres' ? pg : my).get(t);
        const rec = historyRecording(WRITERS.goose, dialect, files, { table: 'h19_goose' });
        for (let i = 0; i < 2; i++) for (const sql of rec.sql) await db.client.query(sql);
        const rows = await db.client.query<{ version_id: string | number; is_applied: boolean | number }>(
          'SELECT version_id, is_applied FROM h19_goose ORDER BY id',
        );
        assert.deepEqual(
          rows.map((r) => [Number(r.version_id), Boolean(r.is_applied)]),
          [
            [0, true],
            [20261205103000, true],
            [20261205103001, true],
          ],
        );
      }),
    );
    it(
      `${engine}: golang-migrate's one schema_migrations row becomes the newest version, clean, and stays when a newer one is there`,
      dbTest(async (t) => {
        const db = (engine === 'postgres' ? pg : my).get(t);
        const up = files.map((f) => ({ ...f, name: f.name.replace('.sql', '.up.sql') }));
        const rec = historyRecording(WRITERS['golang-migrate'], dialect, up, { table: 'h19_gm' });
        await db.client.query('CREATE TABLE h19_gm (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)');
        await db.client.query('INSERT INTO h19_gm VALUES (20200101000000, false)');
        for (const sql of rec.sql) await db.client.query(sql);
        const rows = async () =>
          (await db.client.query<{ version: string | number; dirty: boolean | number }>('SELECT version, dirty FROM h19_gm')).map((r) => [
            Number(r.version),
            Boolean(r.dirty),
          ]);
        assert.deepEqual(await rows(), [[20261205103001, false]]);
        await db.client.query('UPDATE h19_gm SET version = 20991231000000');
        for (const sql of rec.sql) await db.client.query(sql);
        assert.deepEqual(await rows(), [[20991231000000, false]], 'a newer version is left alone');
      }),
    );
    it(
      `${engine}: flyway_schema_history gets ranked, successful SQL rows with Flyway's checksum`,
      dbTest(async (t) => {
        const db = (engine === 'postgres' ? pg : my).get(t);
        const v = files.map((f) => ({ ...f, name: `V${f.name.replace(/_/, '__')}` }));
        const rec = historyRecording(WRITERS.flyway, dialect, v, { table: 'h19_flyway' });
        for (let i = 0; i < 2; i++) for (const sql of rec.sql) await db.client.query(sql);
        const rows = await db.client.query<Record<string, unknown>>(
          'SELECT installed_rank, version, description, type, script, checksum, execution_time, success FROM h19_flyway ORDER BY installed_rank',
        );
        assert.deepEqual(
          rows.map((r) => [Number(r.installed_rank), r.version, r.description, r.type, r.script, Number(r.checksum), Boolean(r.success)]),
          [
            [1, '20261205103000', 'add t c expand', 'SQL', 'V20261205103000__add_t_c_expand.sql', flywayChecksum(files[0]!.content), true],
            [
              2,
              '20261205103001',
              'add t c backfill',
              'SQL',
              'V20261205103001__add_t_c_backfill.sql',
              flywayChecksum(files[1]!.content),
              true,
            ],
          ],
        );
      }),
    );
  }
  it("Flyway's checksum is java.util.zip.CRC32 over the lines without breaks and BOM, as a signed int", () => {
    // The value java.util.zip.CRC32 gives, reading this text line by line as Flyway does (computed with the JDK here).
    assert.equal(flywayChecksum('\uFEFF-- Column Wizard: ä\r\nSELECT 1;\n\nDO $$ BEGIN END $$;\n'), -2004396221);
    assert.equal(flywayChecksum('a\nb\n'), flywayChecksum('a\r\nb'), 'line endings do not count');
  });
});
