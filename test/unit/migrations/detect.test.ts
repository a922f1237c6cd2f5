import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectMigrationTools, filesToSample, isAmbiguous, type WorkspaceListing } from '../../../src/core/migrations';

const top = (ws: WorkspaceListing, dir?: string) => detectMigrationTools(ws, dir === undefined ? {} : { dir })[0];
const deps = (...names: string[]) => ({ devDependencies: Object.fromEntries(names.map((n) => [n, '*'])) });

describe('detectMigrationTools', () => {
  it('dbmate from package.json and its default folder, with the folder timestamp scheme', () => {
    const c = top({ files: ['db/migrations/20250101000000_init.sql', 'src/index.ts'], packageJson: deps('dbmate') })!;
    assert.equal(c.tool, 'dbmate');
    assert.equal(c.dir, 'db/migrations');
    assert.deepEqual(c.versionScheme, { kind: 'timestamp', width: 14, format: 'datetime' });
  });
  it('Rails, Django and Alembic from their own layouts', () => {
    const rails = top({
      files: ['Gemfile', 'config/application.rb', 'db/migrate/20250101000000_create_orders.rb', 'app/models/order.rb'],
    })!;
    assert.deepEqual([rails.tool, rails.dir], ['rails', 'db/migrate']);
    assert.deepEqual(rails.versionScheme, { kind: 'timestamp', width: 14, format: 'datetime' });
    const fresh = top({ files: ['Gemfile', 'config/application.rb'] })!;
    assert.deepEqual([fresh.tool, fresh.dir], ['rails', 'db/migrate']);
    const django = top({ files: ['manage.py', 'shop/__init__.py', 'shop/migrations/__init__.py', 'shop/migrations/0001_initial.py'] })!;
    assert.deepEqual([django.tool, django.dir], ['django', 'shop/migrations']);
    assert.deepEqual(django.versionScheme, { kind: 'sequential', width: 4 });
    const alembic = top({ files: ['alembic.ini', 'alembic/env.py', 'alembic/script.py.mako', 'alembic/versions/1a2b3c4d5e6f_init.py'] })!;
    assert.deepEqual([alembic.tool, alembic.dir], ['alembic', 'alembic/versions']);
    assert.equal(top({ files: ['shop/migrations/0001_initial.py'] }), undefined, 'no manage.py: not Django');
  });
  it('goose and dbmate told apart by the markers in sampled files', () => {
    const files = ['sql/00001_init.sql', 'sql/00002_more.sql'];
    const samples = filesToSample(files);
    assert.deepEqual(samples, ['sql/00002_more.sql']);
    const goose = top({ files, samples: { 'sql/00002_more.sql': '-- +goose Up\nCREATE TABLE t();\n' } })!;
    assert.equal(goose.tool, 'goose');
    assert.deepEqual(goose.versionScheme, { kind: 'sequential', width: 5 });
    assert.equal(top({ files, samples: { 'sql/00002_more.sql': '-- migrate:up\nCREATE TABLE t();\n-- migrate:down\n' } })!.tool, 'dbmate');
    assert.equal(top({ files })!.tool, 'plain-sql');
  });
  it('Atlas from atlas.sum; with goose files beside it both are offered and the choice is ambiguous', () => {
    const files = ['migrations/20250101000000_a.sql', 'migrations/atlas.sum'];
    const only = detectMigrationTools({ files });
    assert.equal(only[0]!.tool, 'atlas');
    const both = detectMigrationTools({ files, samples: { 'migrations/20250101000000_a.sql': '-- +goose Up\n' } });
    assert.deepEqual(
      both
        .map((c) => c.tool)
        .slice(0, 2)
        .sort(),
      ['atlas', 'goose'],
    );
    assert.equal(isAmbiguous(both), true);
    assert.equal(isAmbiguous(only), false);
  });
  it('golang-migrate from up/down pairs, sequential width 6', () => {
    const c = top({ files: ['db/migrations/000001_init.up.sql', 'db/migrations/000001_init.down.sql'] })!;
    assert.equal(c.tool, 'golang-migrate');
    assert.deepEqual(c.versionScheme, { kind: 'sequential', width: 6 });
  });
  it('Flyway from V__ files and a config file', () => {
    const c = top({ files: ['flyway.toml', 'sql/V1__init.sql', 'sql/V2__more.sql'] })!;
    assert.equal(c.tool, 'flyway');
    assert.equal(c.dir, 'sql');
    assert.deepEqual(c.versionScheme, { kind: 'sequential', width: 1 });
  });
  it('Liquibase: master changelog, changes folder, format and includeAll', () => {
    const files = ['src/main/resources/db/changelog/db.changelog-master.yaml', 'src/main/resources/db/changelog/changes/001-init.yaml'];
    const c = top({ files })!;
    assert.equal(c.tool, 'liquibase');
    assert.equal(c.dir, 'src/main/resources/db/changelog/changes');
    assert.equal(c.options.liquibaseMaster, files[0]);
    assert.equal(c.options.liquibaseFormat, 'yaml');
    assert.equal(
      top({ files, samples: { [files[0]!]: 'databaseChangeLog:\n  - includeAll:\n      path: changes/\n' } })!.options.liquibaseIncludeAll,
      true,
    );
  });
  it('Sqitch, Prisma, Drizzle from their side files', () => {
    assert.deepEqual(
      [top({ files: ['db/sqitch.plan', 'db/sqitch.conf', 'db/deploy/a.sql'] })!.tool, top({ files: ['db/sqitch.plan'] })!.dir],
      ['sqitch', 'db'],
    );
    const p = top({
      files: ['prisma/schema.prisma', 'prisma/migrations/migration_lock.toml', 'prisma/migrations/20250101000000_init/migration.sql'],
      packageJson: deps('prisma'),
    })!;
    assert.deepEqual([p.tool, p.dir, p.versionScheme.kind], ['prisma', 'prisma/migrations', 'timestamp']);
    const d = top({
      files: ['drizzle.config.ts', 'drizzle/0000_init.sql', 'drizzle/meta/_journal.json'],
      packageJson: deps('drizzle-kit'),
    })!;
    assert.deepEqual([d.tool, d.dir], ['drizzle', 'drizzle']);
  });
  it('code tools: knex (TS from the knexfile), node-pg-migrate (13-digit), TypeORM, Sequelize, Kysely', () => {
    const k = top({ files: ['knexfile.ts'], packageJson: deps('knex', 'pg') })!;
    assert.deepEqual([k.tool, k.dir, k.options.code?.ext], ['knex', 'migrations', 'ts']);
    const n = top({ files: ['migrations/1767225600000_init.js'], packageJson: { ...deps('node-pg-migrate'), type: 'module' } })!;
    assert.deepEqual(
      [n.tool, n.versionScheme, n.options.code],
      ['node-pg-migrate', { kind: 'timestamp', width: 13, format: 'unix-ms' }, { ext: 'js', esm: true }],
    );
    const t = top({ files: ['src/db/migrations/1767225600000-Init.ts'], packageJson: deps('typeorm') })!;
    assert.deepEqual([t.tool, t.dir], ['typeorm', 'src/db/migrations']);
    assert.equal(
      top({ files: ['.sequelizerc', 'migrations/20250101000000-init.js'], packageJson: deps('sequelize-cli') })!.tool,
      'sequelize',
    );
    assert.equal(top({ files: ['kysely.config.ts'], packageJson: deps('kysely', 'kysely-ctl') })!.tool, 'kysely');
  });
  it('two ORMs in one project: both offered, ambiguous', () => {
    const c = detectMigrationTools({
      files: ['knexfile.js', 'migrations/20250101000000_init.js', 'src/migrations/1767225600000-Init.ts'],
      packageJson: deps('knex', 'typeorm'),
    });
    assert.deepEqual(
      c
        .map((x) => x.tool)
        .slice(0, 2)
        .sort(),
      ['knex', 'typeorm'],
    );
  });
  it('with a folder: only setups for it, tools known from package.json re-targeted, plain SQL as the last resort', () => {
    const c = detectMigrationTools({ files: ['other/20250101000000_x.sql'], packageJson: deps('dbmate') }, { dir: 'sql' });
    assert.deepEqual(
      c.map((x) => [x.tool, x.dir]),
      [['dbmate', 'sql']],
    );
    assert.deepEqual(
      detectMigrationTools({ files: [] }, { dir: 'sql' }).map((x) => x.tool),
      ['plain-sql'],
    );
  });
  it('Go projects: go.mod names goose or golang-migrate', () => {
    const files = ['go.mod', 'db/migrations/20250101000000_init.sql'];
    assert.deepEqual(filesToSample(files), ['go.mod', 'db/migrations/20250101000000_init.sql']);
    const goose = top({ files, samples: { 'go.mod': 'module x\nrequire github.com/pressly/goose/v3 v3.26.0\n' } })!;
    assert.deepEqual([goose.tool, goose.dir], ['goose', 'db/migrations']);
    const gm = top({ files: ['go.mod'], samples: { 'go.mod': 'module x\nrequire github.com/golang-migrate/migrate/v4 v4.18.1\n' } })!;
    assert.deepEqual([gm.tool, gm.dir], ['golang-migrate', 'db/migrations']);
  });
  it('a folder of formatted-SQL Liquibase changelogs without a master found', () => {
    const c = top({
      files: ['db/changes/001_init.sql'],
      samples: { 'db/changes/001_init.sql': '--liquibase formatted sql\n--changeset a:1\n' },
    })!;
    assert.deepEqual([c.tool, c.options.liquibaseFormat], ['liquibase', 'sql']);
  });
  it('ignores node_modules', () => {
    assert.deepEqual(detectMigrationTools({ files: ['node_modules/x/migrations/atlas.sum'] }), []);
  });
});
