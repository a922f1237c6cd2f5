/** Properties every writer keeps, checked on real plans (independent of the exact text the golden files pin). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MIGRATION_TOOLS, WRITERS, WriterError, type MigrationTool, type WriteResult } from '../../../src/core/migrations';
import { SETUP, writeFor } from './setup';
import { mariaFull, NOW, pgFull, pgIndexed } from './plans';

/** How each tool marks a file that must run outside a transaction; `manual` = the tool cannot, plain SQL is given. */
const NON_TX: Record<MigrationTool, (r: WriteResult, path: string, content: string) => boolean> = {
  flyway: (r, p) => r.files.some((f) => f.path === `${p}.conf` && f.content === 'executeInTransaction=false\n'),
  liquibase: (_r, _p, c) => /runInTransaction: false|runInTransaction:false|runInTransaction="false"/.test(c),
  'golang-migrate': (_r, _p, c) => !/BEGIN;/.test(c),
  goose: (_r, _p, c) => c.startsWith('-- +goose NO TRANSACTION\n'),
  dbmate: (_r, _p, c) => c.startsWith('-- migrate:up transaction:false\n') && /\n-- migrate:down transaction:false\n/.test(c),
  atlas: (_r, _p, c) => c.startsWith('-- atlas:txmode none\n\n'),
  sqitch: (_r, _p, c) => !/BEGIN;/.test(c),
  prisma: (_r, _p, c) => !/BEGIN;/.test(c),
  drizzle: () => false,
  knex: (_r, _p, c) => /config = \{ transaction: false \}/.test(c),
  'node-pg-migrate': (_r, _p, c) => (c.match(/pgm\.noTransaction\(\);/g) ?? []).length === 2,
  typeorm: () => false,
  sequelize: () => true,
  kysely: () => false,
  rails: (_r, _p, c) => /\n {2}disable_ddl_transaction!\n/.test(c),
  django: (_r, _p, c) => /\n {4}atomic = False\n/.test(c),
  alembic: (_r, _p, c) => /with op\.get_context\(\)\.autocommit_block\(\):\n( {8}.*\n)* {8}_sql\("CREATE INDEX CONCURRENTLY/.test(c),
  'plain-sql': (_r, _p, c) => !/BEGIN;/.test(c),
};
/** Tools that send a whole file (or block) as one batch: a concurrent build must be its only statement. */
const ONE_BATCH = new Set<MigrationTool>(['dbmate', 'golang-migrate', 'prisma']);

const statements = (sql: string) => sql.split('\n').filter((l) => l.trim() && !l.trim().startsWith('--') && /;\s*$/.test(l));

describe('writer properties on real PostgreSQL plans', () => {
  for (const tool of MIGRATION_TOOLS) {
    it(`${tool}: every concurrent index build is marked to run outside a transaction, or given as plain SQL`, () => {
      const r = writeFor(tool, pgIndexed());
      const withCic = r.files.filter((f) => /CREATE INDEX CONCURRENTLY/.test(f.content));
      const manual = r.manual.filter((m) => /CREATE INDEX CONCURRENTLY/.test(m.sql));
      assert.equal(withCic.length + manual.length >= 1, true);
      if (manual.length)
        assert.ok(
          r.warnings.some((w) => /transaction/.test(w)),
          'a manual step comes with the reason',
        );
      for (const f of withCic) {
        if (tool === 'liquibase') continue; // one changelog: checked per changeset below
        assert.ok(NON_TX[tool](r, f.path, f.content), `${f.path}:\n${f.content}`);
        if (ONE_BATCH.has(tool)) {
          const body = tool === 'dbmate' ? f.content.split('-- migrate:down')[0]! : f.content;
          assert.deepEqual(statements(body).length, 1, `${f.path} holds one statement:\n${body}`);
        }
      }
      if (tool === 'liquibase') assert.match(withCic[0]!.content, /runInTransaction: false\n[\s\S]*CREATE INDEX CONCURRENTLY/);
    });

    it(`${tool}: keeps the plan's lock-timeout lines`, () => {
      const plan = pgFull();
      const r = writeFor(tool, plan);
      const text = [...r.files.map((f) => f.content), ...r.manual.map((m) => m.sql)].join('\n');
      const steps = plan.phases.flatMap((p) => p.steps).filter((s) => s.lockTimeoutSql).length;
      assert.ok(steps > 0);
      // DDL steps of one unit share a retry block, set up by one lock-timeout line right before it.
      const retries = [...text.matchAll(/DO \$cw\$(?:(?!\$cw\$)[\s\S])*?lock_not_available/g)];
      assert.ok(retries.length > 0, text);
      for (const m of retries) assert.match(text.slice(Math.max(0, m.index - 500), m.index), /lock_timeout = '2s'/, text);
    });
  }

  it('versions always sort after the existing migrations, in order', () => {
    for (const tool of [
      'dbmate',
      'goose',
      'golang-migrate',
      'atlas',
      'flyway',
      'knex',
      'node-pg-migrate',
      'typeorm',
      'sequelize',
      'kysely',
      'plain-sql',
      'prisma',
    ] as const) {
      const w = WRITERS[tool];
      const { dir, existing } = SETUP[tool];
      const old = existing
        .map((f) => w.versionOf(f))
        .filter((v): v is string => !!v)
        .map(BigInt);
      const added = writeFor(tool, pgFull())
        .files.map((f) => w.versionOf(f.path.slice(dir.length + 1)))
        .filter((v): v is string => !!v)
        .map(BigInt);
      assert.ok(old.length > 0 && added.length > 1, tool);
      assert.deepEqual(
        added,
        [...added].sort((a, b) => (a < b ? -1 : 1)),
        `${tool} writes in order`,
      );
      assert.ok(added[0]! > old.reduce((m, v) => (v > m ? v : m)), `${tool}: ${added[0]} after ${old.join(',')}`);
    }
  });
});

describe('writers refuse what cannot work, with the reason', () => {
  const ctx = {
    dir: 'm',
    existing: [] as string[],
    contents: {},
    now: NOW,
    name: 'add_users_nickname',
    versionScheme: { kind: 'timestamp', width: 14, format: 'datetime' } as const,
    options: {},
  };
  it('node-pg-migrate is PostgreSQL only', () => {
    assert.throws(
      () => WRITERS['node-pg-migrate'].write(mariaFull(), ctx),
      (e: Error) => e instanceof WriterError && /PostgreSQL only/.test(e.message),
    );
  });
  it('Prisma 8 migration folders are generated by running them', () => {
    assert.throws(
      () => WRITERS.prisma.write(pgIndexed(), { ...ctx, existing: ['20260101T0000_init/migration.ts', '20260101T0000_init/ops.json'] }),
      /Prisma 8/,
    );
  });
  it('Prisma: migration_lock.toml for another provider', () => {
    assert.throws(
      () => WRITERS.prisma.write(pgIndexed(), { ...ctx, contents: { 'm/migration_lock.toml': 'provider = "mysql"\n' } }),
      /provider = "mysql" but the plan is for postgres/,
    );
  });
  it('Sqitch needs sqitch.plan', () => {
    assert.throws(() => WRITERS.sqitch.write(pgIndexed(), ctx), /sqitch\.plan not found: run `sqitch init/);
  });
  it('Drizzle: a journal for another dialect', () => {
    assert.throws(
      () =>
        WRITERS.drizzle.write(pgIndexed(), {
          ...ctx,
          contents: { 'm/meta/_journal.json': '{"version":"7","dialect":"mysql","entries":[]}' },
        }),
      /is for mysql but the plan is for postgres/,
    );
  });
  it('a name that would sort before an existing file as text (unpadded sequence)', () => {
    assert.throws(
      () => WRITERS.knex.write(pgIndexed(), { ...ctx, existing: ['9_a.js'], versionScheme: { kind: 'sequential', width: 1 } }),
      /would sort before the existing 9_a\.js/,
    );
  });
  it('Drizzle 1.0 folders: a <timestamp>_<name>/migration.sql folder per phase and no journal', () => {
    const r = WRITERS.drizzle.write(pgFull(), {
      ...ctx,
      dir: 'drizzle',
      existing: ['20260101000000_init/migration.sql', '20260101000000_init/snapshot.json'],
    });
    assert.deepEqual(r.edits, []);
    assert.ok(r.files.length > 1);
    for (const f of r.files) assert.match(f.path, /^drizzle\/2026090112\d{4}_add_users_nickname_[a-z_0-9]+\/migration\.sql$/);
    assert.equal(r.manual.length, 1);
  });
  it('Liquibase with includeAll adds no include; without a master it warns', () => {
    const all = WRITERS.liquibase.write(pgIndexed(), { ...ctx, options: { liquibaseIncludeAll: true, liquibaseFormat: 'yaml' } });
    assert.deepEqual(all.edits, []);
    const none = WRITERS.liquibase.write(pgIndexed(), ctx);
    assert.match(none.warnings.join('\n'), /No master changelog was found/);
  });
});

describe('undo SQL given in a comment', () => {
  for (const tool of ['plain-sql', 'flyway'] as const) {
    for (const [name, plan] of [
      ['PostgreSQL', pgFull],
      ['MariaDB', mariaFull],
    ] as const) {
      it(`${tool}, ${name}: every line of the undo part is a comment (a multi-line down statement included)`, () => {
        const r = writeFor(tool, plan());
        let checked = 0;
        for (const f of r.files.filter((x) => x.path.endsWith('.sql'))) {
          const lines = f.content.split('\n');
          const at = lines.findIndex((l) => /^-- (To undo|Undo)\b/.test(l));
          if (at < 0) continue;
          for (const l of lines.slice(at + 1)) if (l.trim()) assert.match(l, /^--/, `${f.path}: ${l}`);
          checked++;
        }
        assert.ok(checked >= 2, `${checked} files with an undo part`);
      });
    }
  }
});

describe('MariaDB compound statements in files a client splits on ;', () => {
  for (const tool of ['sqitch', 'plain-sql', 'flyway'] as const) {
    it(`${tool}: every BEGIN NOT ATOMIC, up and down (or undo comment), is inside DELIMITER $$`, () => {
      const r = writeFor(tool, mariaFull());
      let seen = 0;
      for (const f of r.files.filter((x) => x.path.endsWith('.sql'))) {
        const lines = f.content.split('\n').map((l) => l.replace(/^--\s+/, ''));
        lines.forEach((l, i) => {
          if (!/^BEGIN NOT ATOMIC$/.test(l)) return;
          seen++;
          assert.equal(lines[i - 1], 'DELIMITER $$', `${f.path} line ${i + 1}`);
        });
      }
      assert.ok(seen >= 4, `${seen} compound statements`);
    });
  }
});
