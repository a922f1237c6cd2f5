/**
 * `run --record-applied prisma:DIR` after `write --tool prisma`: the run applies the plan, then records each
 * `<version>_<name>/migration.sql` in `_prisma_migrations` as `prisma migrate deploy` would. The proof on PostgreSQL 15
 * is Prisma's own schema engine (its WebAssembly build, see ./prismaEngine.ts; the prisma CLI cannot fetch its native
 * engines here): `diagnoseMigrationHistory` (what `prisma migrate status` reports) finds nothing unapplied, edited or
 * failed, `applyMigrations` (`prisma migrate deploy`) applies nothing, and the checksums and table equal what the engine
 * itself writes for `prisma migrate resolve --applied`. MariaDB: no driver adapter is installed for the engine, so the
 * rows are checked against an independent SHA-256 (node:crypto) and the table against Prisma's MySQL layout.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { bindSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { historyRecording } from '../../src/core/migrations/history';
import { WRITERS } from '../../src/core/migrations/tools/index';
import { dbTest, throwawayDatabase } from './helpers';
import { cliProcess, workspacesForFile, tokenTableAndPlan, writeInto } from './migrationTools';
import { adapterFor, CharMarkingPool, migrationsList, panics, schemaEngine, type SchemaEngine } from './prismaEngine';

const pg = throwawayDatabase('postgres');
const my = throwawayDatabase('mysql');
const workspace = workspacesForFile();
const DIR = 'prisma/migrations';
const FILTERS = { externalTables: [], externalEnums: [] };

async function withEngine<T>(url: string, fn: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const pool = new CharMarkingPool({ connectionString: url });
  try {
    const { SchemaEngine } = await schemaEngine();
    const engine = await SchemaEngine.new(
      { datamodels: [['schema.prisma', 'datasource db {\n  provider = "postgresql"\n}\n']] },
      () => undefined,
      bindSqlAdapterFactory(adapterFor(pool)),
    );
    try {
      return await fn(engine);
    } finally {
      engine.free();
    }
  } catch (err) {
    throw panics.length ? new Error(`the schema engine panicked: ${panics.splice(0).join('; ')}`) : err;
  } finally {
    await pool.end();
  }
}

const folders = (created: readonly string[]) => created.map((f) => f.split('/').slice(-2)[0]!).sort();

describe('run --record-applied prisma: Prisma applies nothing afterwards', () => {
  for (const engine of ['postgres', 'mariadb'] as const) {
    it(
      `${engine}: write --tool prisma, run --record-applied, then ${engine === 'postgres' ? "Prisma's engine finds nothing pending" : 'the rows are what migrate deploy writes'}`,
      dbTest(async (t) => {
        const db = (engine === 'postgres' ? pg : my).get(t);
        const table = 'h19_rec_prisma';
        const q = (s: string) => (engine === 'postgres' ? `"${s}"` : `\`${s}\``);
        const { plan, column } = await tokenTableAndPlan(db, engine, table);
        const ws = workspace(`record-prisma-${engine}`);
        const dir = join(ws.root, DIR);
        const { created } = await writeInto(ws, plan, 'prisma', DIR);
        writeFileSync(join(dir, 'migration_lock.toml'), `provider = "${engine === 'postgres' ? 'postgresql' : 'mysql'}"\n`);
        const names = folders(created);
        assert.ok(names.length >= 3, `several migrations: ${names.join(', ')}`);
        if (engine === 'postgres') {
          const before = await withEngine(db.url, (e) =>
            e.diagnoseMigrationHistory({ migrationsList: migrationsList(dir), optInToShadowDatabase: false, filters: FILTERS }),
          );
          assert.deepEqual(before.history?.unappliedMigrationNames, names, 'before recording Prisma lists them all as pending');
        }
        const run = () =>
          cliProcess(ws.root, [
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
            `prisma:${dir}`,
          ]);
        const r = run();
        assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
        assert.match(
          r.stdout,
          new RegExp(`Recorded ${names.length} prisma migration\\(s\\) as applied in _prisma_migrations: ${names.join(', ')}`),
        );
        const rows = async () =>
          (
            await db.client.query<Record<string, unknown>>(
              'SELECT id, checksum, migration_name, logs, rolled_back_at, finished_at, started_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
            )
          ).map((x): Record<string, unknown> => ({ ...x, applied_steps_count: Number(x.applied_steps_count) }));
        const recorded = await rows();
        const sha = (name: string) =>
          createHash('sha256')
            .update(readFileSync(join(dir, name, 'migration.sql')))
            .digest('hex');
        assert.deepEqual(
          recorded.map((x) => [x.migration_name, x.checksum, x.logs, x.rolled_back_at, x.finished_at !== null, x.applied_steps_count]),
          names.map((n) => [n, sha(n), null, null, true, 1]),
          'one finished row per migration, checksum = SHA-256 of migration.sql, one step',
        );
        assert.equal(new Set(recorded.map((x) => x.id)).size, names.length, 'distinct ids');
        for (const x of recorded) assert.match(String(x.id), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        const tokens = async () =>
          (await db.client.query<{ token: string }>(`SELECT token FROM ${q(table)} ORDER BY id`)).map((x) => String(x.token));
        const filled = await tokens();
        // Recording again (a second run's recording, the wizard's button twice) adds nothing.
        const rec = historyRecording(
          WRITERS.prisma,
          engine === 'postgres' ? 'postgres' : 'mariadb',
          names.map((n) => ({ name: `${n}/migration.sql`, content: readFileSync(join(dir, n, 'migration.sql'), 'utf8') })),
        );
        for (const sql of rec.sql) await db.client.query(sql);
        assert.equal((await rows()).length, names.length, 'recording twice adds no row');
        const columns = async () =>
          (
            await db.client.query<Record<string, unknown>>(
              `SELECT column_name AS c, ${engine === 'postgres' ? 'data_type' : 'column_type'} AS t, is_nullable AS n, character_maximum_length AS l FROM information_schema.columns WHERE table_name = '_prisma_migrations' AND table_schema = ${engine === 'postgres' ? "'public'" : 'DATABASE()'} ORDER BY ordinal_position`,
            )
          ).map((x) => `${String(x.c)} ${String(x.t)}${x.l === null ? '' : `(${String(x.l)})`} ${x.n === 'YES' ? 'NULL' : 'NOT NULL'}`);
        const ours = await columns();
        if (engine === 'postgres') {
          const after = await withEngine(db.url, async (e) => ({
            status: await e.diagnoseMigrationHistory({
              migrationsList: migrationsList(dir),
              optInToShadowDatabase: false,
              filters: FILTERS,
            }),
            deploy: await e.applyMigrations({ migrationsList: migrationsList(dir), filters: FILTERS }),
          }));
          assert.deepEqual(
            { ...after.status, history: after.status.history },
            { editedMigrationNames: [], failedMigrationNames: [], hasMigrationsTable: true, history: null },
            "Prisma's status: in sync, nothing edited or failed",
          );
          assert.deepEqual(after.deploy.appliedMigrationNames, [], 'migrate deploy applies nothing');
          assert.deepEqual(await tokens(), filled, 'no row rewritten');
          // Prisma's own `migrate resolve --applied` on a table the engine creates: the same columns and checksums.
          await db.client.query('DROP TABLE _prisma_migrations');
          await withEngine(db.url, async (e) => {
            for (const n of names) await e.markMigrationApplied({ migrationName: n, migrationsList: migrationsList(dir) });
          });
          assert.deepEqual(await columns(), ours, "the table is the one Prisma's engine creates");
          assert.deepEqual(
            (await rows()).map((x) => [x.migration_name, x.checksum]),
            recorded.map((x) => [x.migration_name, x.checksum]),
            "the checksums are the ones Prisma's engine computes",
          );
        } else {
          assert.deepEqual(ours, [
            'id varchar(36)(36) NOT NULL',
            'checksum varchar(64)(64) NOT NULL',
            'finished_at datetime(3) NULL',
            'migration_name varchar(255)(255) NOT NULL',
            'logs text(65535) NULL',
            'rolled_back_at datetime(3) NULL',
            'started_at datetime(3) NOT NULL',
            'applied_steps_count int(10) unsigned NOT NULL',
          ]);
        }
      }),
    );
  }
});
