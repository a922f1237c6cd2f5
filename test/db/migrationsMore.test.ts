/**
 * More real tools against the real PostgreSQL: Sqitch (Debian package), Sequelize CLI, kysely-ctl, drizzle-kit, TypeORM.
 * Where a tool cannot run a statement outside a transaction (Drizzle; Kysely and TypeORM in their default mode) the writer
 * leaves the concurrent index build out and gives it as plain SQL: the test runs that SQL with psql, as a person would.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { dbTest, throwawayDatabase } from './helpers';
import {
  assertMyApplied,
  assertMyGone,
  assertPgApplied,
  assertPgGone,
  linkNodeModules,
  myPlan,
  mySeed,
  pgPlan,
  pgSeed,
  psqlFile,
  requireTool,
  runTool,
  writeInto,
  workspacesForFile,
} from './migrationTools';

const pg = throwawayDatabase('postgres');
const my = throwawayDatabase('mysql');
const workspace = workspacesForFile();

describe('more real migration tools', () => {
  it(
    'Sqitch on MariaDB: deploy the written changes, revert them (compound statements inside DELIMITER, up and down)',
    dbTest(async (t) => {
      requireTool(t, 'Sqitch', 'the Debian packages sqitch, libdbd-mysql-perl and mariadb-client', [
        ['sqitch', '--version'],
        ['perl', '-MDBD::mysql', '-e1'],
        ['mysql', '--version'],
      ]);
      const db = my.get(t);
      await mySeed(db.client, 'users_sqitch');
      const ws = workspace('sqitch-my');
      const env = {
        SQITCH_USER_NAME: 'Column Wizard Test',
        SQITCH_USER_EMAIL: 'test@example.com',
        SQITCH_CONFIG: join(ws.root, 'sqitch-user.conf'),
      };
      runTool('sqitch', ['init', 'app', '--engine', 'mysql'], { cwd: ws.root, env });
      await writeInto(ws, myPlan(db.name, 'users_sqitch'), 'sqitch', '');
      const u = new URL(db.url);
      const target = `db:mysql://${u.username}@127.0.0.1:${u.port || 3306}/${db.name}`;
      // The registry is a database of its own: one per test database, so parallel runs do not share it.
      const registry = ['--registry', `${db.name}_sqitch`];
      runTool('sqitch', ['deploy', ...registry, target], { cwd: ws.root, env });
      await assertMyApplied(db.client, 'users_sqitch');
      runTool('sqitch', ['revert', '-y', ...registry, target], { cwd: ws.root, env });
      await assertMyGone(db.client, 'users_sqitch');
      await db.client.query(`DROP DATABASE IF EXISTS \`${db.name}_sqitch\``);
    }),
  );

  it(
    'Sqitch: init, deploy the written changes, revert them',
    dbTest(async (t) => {
      requireTool(t, 'Sqitch', 'the Debian packages sqitch and libdbd-pg-perl', [
        ['sqitch', '--version'],
        ['perl', '-MDBD::Pg', '-e1'],
      ]);
      const db = pg.get(t);
      await pgSeed(db.client, 'users_sqitch');
      const ws = workspace('sqitch');
      const env = {
        SQITCH_USER_NAME: 'Column Wizard Test',
        SQITCH_USER_EMAIL: 'test@example.com',
        SQITCH_CONFIG: join(ws.root, 'sqitch-user.conf'),
      };
      runTool('sqitch', ['init', 'app', '--engine', 'pg'], { cwd: ws.root, env });
      const { result } = await writeInto(ws, pgPlan('users_sqitch'), 'sqitch', '');
      assert.equal(result.edits[0]?.path, 'sqitch.plan');
      const target = `db:pg://${new URL(db.url).username}@127.0.0.1:${new URL(db.url).port || 5432}/${db.name}`;
      runTool('sqitch', ['deploy', '--verify', target], { cwd: ws.root, env });
      await assertPgApplied(db.client, 'users_sqitch');
      runTool('sqitch', ['revert', '-y', target], { cwd: ws.root, env });
      await assertPgGone(db.client, 'users_sqitch');
    }),
  );

  it(
    'Sequelize CLI: db:migrate, then db:migrate:undo:all',
    dbTest(async (t) => {
      const db = pg.get(t);
      await pgSeed(db.client, 'users_sequelize');
      const ws = workspace('sequelize');
      linkNodeModules(ws);
      await writeInto(ws, pgPlan('users_sequelize'), 'sequelize', 'migrations');
      const args = ['--url', db.url, '--migrations-path', 'migrations'];
      runTool('sequelize-cli', ['db:migrate', ...args], { cwd: ws.root });
      await assertPgApplied(db.client, 'users_sequelize');
      runTool('sequelize-cli', ['db:migrate:undo:all', ...args], { cwd: ws.root });
      await assertPgGone(db.client, 'users_sequelize');
    }),
  );

  for (const noTx of [false, true]) {
    it(
      `kysely-ctl ${noTx ? 'with --no-transaction: the index is a migration' : 'default: the index is given as plain SQL and run with psql'}`,
      dbTest(async (t) => {
        const db = pg.get(t);
        const table = noTx ? 'users_kysely_notx' : 'users_kysely';
        await pgSeed(db.client, table);
        const ws = workspace('kysely');
        linkNodeModules(ws);
        writeFileSync(
          join(ws.root, 'kysely.config.ts'),
          [
            "import { PostgresDialect } from 'kysely';",
            "import { defineConfig } from 'kysely-ctl';",
            "import pg from 'pg';",
            `export default defineConfig({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: ${JSON.stringify(db.url)} }) }), migrations: { migrationFolder: 'migrations', migrationTableName: ${JSON.stringify(`kysely_migration_${table}`)}, migrationLockTableName: ${JSON.stringify(`kysely_lock_${table}`)} } });`,
            '',
          ].join('\n'),
        );
        const { result, created } = await writeInto(
          ws,
          pgPlan(table),
          'kysely',
          'migrations',
          noTx ? { nonTransactionalRunner: true } : {},
        );
        const flags = ['--no-outdated-check', '--no-filesystem-caching', ...(noTx ? ['--no-transaction'] : [])];
        runTool('kysely', ['migrate:latest', ...flags], { cwd: ws.root });
        if (noTx) assert.deepEqual(result.manual, []);
        else {
          assert.equal(result.manual.length, 1);
          assert.match(result.warnings.join('\n'), /one transaction on PostgreSQL unless `disableTransactions`/);
          psqlFile(ws, db.url, result.manual[0]!.sql);
        }
        await assertPgApplied(db.client, table);
        for (let i = 0; i < created.length; i++) runTool('kysely', ['migrate:down', ...flags], { cwd: ws.root });
        if (!noTx) await db.client.query(`DROP INDEX IF EXISTS "${table}_token_idx"`); // the manual step's undo, by hand too
        await assertPgGone(db.client, table);
      }),
    );
  }

  it(
    'drizzle-kit migrate reads the journal entries; the index is given as plain SQL',
    dbTest(async (t) => {
      const db = pg.get(t);
      await pgSeed(db.client, 'users_drizzle');
      const ws = workspace('drizzle');
      linkNodeModules(ws);
      writeFileSync(
        join(ws.root, 'drizzle.config.js'),
        `module.exports = { dialect: 'postgresql', out: './drizzle', dbCredentials: { url: ${JSON.stringify(db.url)} } };\n`,
      );
      const { result } = await writeInto(ws, pgPlan('users_drizzle'), 'drizzle', 'drizzle');
      assert.equal(result.edits[0]?.path, 'drizzle/meta/_journal.json');
      runTool('drizzle-kit', ['migrate', '--config', 'drizzle.config.js'], { cwd: ws.root });
      assert.equal(result.manual.length, 1);
      psqlFile(ws, db.url, result.manual[0]!.sql);
      await assertPgApplied(db.client, 'users_drizzle');
      const applied = await db.client.query<{ n: string }>('SELECT count(*) AS n FROM drizzle.__drizzle_migrations');
      assert.equal(Number(applied[0]!.n), result.files.length);
    }),
  );

  it(
    'TypeORM migration:run --transaction each with transaction = false on the index, then migration:revert --transaction none',
    dbTest(async (t) => {
      const db = pg.get(t);
      await pgSeed(db.client, 'users_typeorm');
      const ws = workspace('typeorm');
      linkNodeModules(ws);
      writeFileSync(
        join(ws.root, 'data-source.js'),
        [
          "const { DataSource } = require('typeorm');",
          `module.exports = { default: new DataSource({ type: 'postgres', url: ${JSON.stringify(db.url)}, migrations: [__dirname + '/migrations/*.js'], migrationsTransactionMode: 'each' }) };`,
          '',
        ].join('\n'),
      );
      const { created, result } = await writeInto(ws, pgPlan('users_typeorm'), 'typeorm', 'migrations', {
        nonTransactionalRunner: true,
        code: { ext: 'js', esm: false },
      });
      assert.deepEqual(result.manual, []);
      runTool('typeorm', ['migration:run', '-d', 'data-source.js', '--transaction', 'each'], { cwd: ws.root });
      await assertPgApplied(db.client, 'users_typeorm');
      assert.match(result.notes.join('\n'), /revert those with `--transaction none`/);
      for (let i = 0; i < created.length; i++)
        runTool('typeorm', ['migration:revert', '-d', 'data-source.js', '--transaction', 'none'], { cwd: ws.root });
      await assertPgGone(db.client, 'users_typeorm');
    }),
  );
});

describe('more real migration tools on MariaDB', () => {
  it(
    'Sequelize CLI (mysql2): db:migrate, then db:migrate:undo:all',
    dbTest(async (t) => {
      const db = my.get(t);
      await mySeed(db.client, 'users_sequelize');
      const ws = workspace('sequelize-my');
      linkNodeModules(ws);
      await writeInto(ws, myPlan(db.name, 'users_sequelize'), 'sequelize', 'migrations');
      const args = ['--url', db.url, '--migrations-path', 'migrations'];
      runTool('sequelize-cli', ['db:migrate', ...args], { cwd: ws.root });
      await assertMyApplied(db.client, 'users_sequelize');
      runTool('sequelize-cli', ['db:migrate:undo:all', ...args], { cwd: ws.root });
      await assertMyGone(db.client, 'users_sequelize');
    }),
  );

  it(
    'kysely-ctl (MysqlDialect): migrate:latest, then migrate:down each',
    dbTest(async (t) => {
      const db = my.get(t);
      await mySeed(db.client, 'users_kysely');
      const ws = workspace('kysely-my');
      linkNodeModules(ws);
      writeFileSync(
        join(ws.root, 'kysely.config.ts'),
        [
          "import { MysqlDialect } from 'kysely';",
          "import { defineConfig } from 'kysely-ctl';",
          "import { createPool } from 'mysql2';",
          `export default defineConfig({ dialect: new MysqlDialect({ pool: createPool(${JSON.stringify(db.url)}) }), migrations: { migrationFolder: 'migrations' } });`,
          '',
        ].join('\n'),
      );
      const { result, created } = await writeInto(ws, myPlan(db.name, 'users_kysely'), 'kysely', 'migrations');
      assert.deepEqual(result.manual, [], 'MySQL DDL needs no opt-out');
      const flags = ['--no-outdated-check', '--no-filesystem-caching'];
      runTool('kysely', ['migrate:latest', ...flags], { cwd: ws.root });
      await assertMyApplied(db.client, 'users_kysely');
      for (let i = 0; i < created.length; i++) runTool('kysely', ['migrate:down', ...flags], { cwd: ws.root });
      await assertMyGone(db.client, 'users_kysely');
    }),
  );

  it(
    'drizzle-kit migrate (mysql): every phase is a journal entry',
    dbTest(async (t) => {
      const db = my.get(t);
      await mySeed(db.client, 'users_drizzle');
      const ws = workspace('drizzle-my');
      linkNodeModules(ws);
      writeFileSync(
        join(ws.root, 'drizzle.config.js'),
        `module.exports = { dialect: 'mysql', out: './drizzle', dbCredentials: { url: ${JSON.stringify(db.url)} } };\n`,
      );
      const { result } = await writeInto(ws, myPlan(db.name, 'users_drizzle'), 'drizzle', 'drizzle');
      assert.deepEqual(result.manual, []);
      runTool('drizzle-kit', ['migrate', '--config', 'drizzle.config.js'], { cwd: ws.root });
      await assertMyApplied(db.client, 'users_drizzle');
    }),
  );

  it(
    'TypeORM (mariadb): migration:run, then migration:revert each',
    dbTest(async (t) => {
      const db = my.get(t);
      await mySeed(db.client, 'users_typeorm');
      const ws = workspace('typeorm-my');
      linkNodeModules(ws);
      writeFileSync(
        join(ws.root, 'data-source.js'),
        [
          "const { DataSource } = require('typeorm');",
          `module.exports = { default: new DataSource({ type: 'mariadb', url: ${JSON.stringify(db.url)}, migrations: [__dirname + '/migrations/*.js'] }) };`,
          '',
        ].join('\n'),
      );
      const { created, result } = await writeInto(ws, myPlan(db.name, 'users_typeorm'), 'typeorm', 'migrations', {
        code: { ext: 'js', esm: false },
      });
      assert.deepEqual(result.manual, []);
      runTool('typeorm', ['migration:run', '-d', 'data-source.js'], { cwd: ws.root });
      await assertMyApplied(db.client, 'users_typeorm');
      for (let i = 0; i < created.length; i++) runTool('typeorm', ['migration:revert', '-d', 'data-source.js'], { cwd: ws.root });
      await assertMyGone(db.client, 'users_typeorm');
    }),
  );
});
