/** Fixture workspaces per tool, shared by the golden and property tests. */
import { WRITERS, type MigrationTool, type WriteResult, type WriterOptions } from '../../../src/core/migrations';
import { inferScheme } from '../../../src/core/migrations/version';
import type { Plan } from '../../../src/core/types';
import { NOW } from './plans';

/** Existing files per tool, so versions have something to sort after. */
export const SETUP: Record<MigrationTool, { dir: string; existing: string[]; contents?: Record<string, string>; options?: WriterOptions }> =
  {
    flyway: { dir: 'db/migration', existing: ['V1__init.sql', 'V2__users.sql'] },
    liquibase: {
      dir: 'db/changelog/changes',
      existing: ['20260101000000-init.yaml'],
      contents: {
        'db/changelog/db.changelog-master.yaml':
          'databaseChangeLog:\n  - include:\n      file: changes/20260101000000-init.yaml\n      relativeToChangelogFile: true\n',
      },
      options: { liquibaseMaster: 'db/changelog/db.changelog-master.yaml' },
    },
    'golang-migrate': { dir: 'db/migrations', existing: ['000001_init.up.sql', '000001_init.down.sql'] },
    goose: { dir: 'migrations', existing: ['00001_init.sql', '00002_users.sql'] },
    dbmate: { dir: 'db/migrations', existing: ['20260101000000_init.sql'] },
    atlas: {
      dir: 'migrations',
      existing: ['20260101000000_init.sql', 'atlas.sum'],
      contents: {
        'migrations/20260101000000_init.sql': 'CREATE TABLE users (id bigint PRIMARY KEY);\n',
        'migrations/atlas.sum': 'h1:stale=\n20260101000000_init.sql h1:stale=\n',
      },
    },
    sqitch: {
      dir: '',
      existing: ['sqitch.plan', 'deploy/init.sql'],
      contents: { 'sqitch.plan': '%syntax-version=1.0.0\n%project=app\n\ninit 2026-01-01T00:00:00Z Dev <dev@example.com> # init\n' },
    },
    prisma: {
      dir: 'prisma/migrations',
      existing: ['migration_lock.toml', '20260101000000_init/migration.sql'],
      contents: { 'prisma/migrations/migration_lock.toml': 'provider = "postgresql"\n' },
    },
    drizzle: {
      dir: 'drizzle',
      existing: ['0000_init.sql', 'meta/_journal.json', 'meta/0000_snapshot.json'],
      contents: {
        'drizzle/meta/_journal.json':
          '{\n  "version": "7",\n  "dialect": "postgresql",\n  "entries": [\n    {\n      "idx": 0,\n      "version": "7",\n      "when": 1767225600000,\n      "tag": "0000_init",\n      "breakpoints": true\n    }\n  ]\n}',
      },
    },
    knex: { dir: 'migrations', existing: ['20260101000000_init.js'] },
    'node-pg-migrate': { dir: 'migrations', existing: ['1767225600000_init.js'] },
    typeorm: { dir: 'src/migrations', existing: ['1767225600000-Init.ts'] },
    sequelize: { dir: 'migrations', existing: ['20260101000000-init.js'] },
    kysely: { dir: 'migrations', existing: ['1767225600000_init.ts'] },
    rails: {
      dir: 'db/migrate',
      existing: ['20260101000000_create_users.rb'],
      contents: { Gemfile: "source 'https://rubygems.org'\ngem 'rails', '~> 6.1'\n" },
    },
    django: { dir: 'accounts/migrations', existing: ['__init__.py', '0001_initial.py'] },
    alembic: {
      dir: 'alembic/versions',
      existing: ['1a2b3c4d5e6f_create_users.py'],
      contents: {
        'alembic/versions/1a2b3c4d5e6f_create_users.py': '"""create users"""\nrevision = "1a2b3c4d5e6f"\ndown_revision = None\n',
      },
    },
    'plain-sql': { dir: 'migrations', existing: ['001_init.sql'] },
  };

export function writeFor(tool: MigrationTool, plan: Plan, extra: WriterOptions = {}): WriteResult {
  const s = SETUP[tool];
  const w = WRITERS[tool];
  const contents = { ...s.contents };
  if (tool === 'prisma' && plan.dialect !== 'postgres') contents['prisma/migrations/migration_lock.toml'] = 'provider = "mysql"\n';
  if (tool === 'drizzle' && plan.dialect !== 'postgres')
    contents['drizzle/meta/_journal.json'] = contents['drizzle/meta/_journal.json']!.replace('postgresql', 'mysql');
  const versions = s.existing.map((f) => w.versionOf(f)).filter((v): v is string => !!v);
  return w.write(plan, {
    dir: s.dir,
    existing: s.existing,
    contents,
    now: NOW,
    name: 'add_users_nickname',
    versionScheme: inferScheme(versions) ?? w.defaultScheme,
    options: { ...s.options, ...extra },
  });
}

export function renderResult(r: WriteResult): string {
  const parts = [
    ...r.files.map((f) => `=== file ${f.path}\n${f.content}`),
    ...r.edits.map((e) => `=== edit ${e.path}\n${e.after}`),
    ...r.manual.map((m) => `=== manual (${m.when}): ${m.title}\n${m.sql}\n`),
    ...r.warnings.map((w) => `=== warning\n${w}\n`),
    ...r.notes.map((n) => `=== note\n${n}\n`),
  ];
  return parts.join('');
}
