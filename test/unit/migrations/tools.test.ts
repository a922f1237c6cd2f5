/**
 * The migration-tool registry (src/core/migrations/tools): every tool is one module with its detection, its transaction
 * facts and its writer; the opt-out marker is named in that module only; and what the writer emits is what the linter reads.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { before, describe, it } from 'node:test';
import { detectMigrationTools, MIGRATION_TOOLS, type MigrationTool, type WorkspaceListing } from '../../../src/core/migrations';
import { TOOLS, WRITERS } from '../../../src/core/migrations/tools/index';
import { main } from '../../../src/cli';
import { lintSql } from '../../../src/core/lint/analyze';
import { loadParsers, type Parsers } from '../../../src/core/lint/parsers';
import { pgIndexed } from './plans';
import { writeFor } from './setup';

const deps = (...names: string[]) => ({ dependencies: Object.fromEntries(names.map((n) => [n, '*'])) });

/** A small workspace each tool's own detection recognises (and ranks first). */
const WORKSPACES: Record<MigrationTool, WorkspaceListing> = {
  flyway: { files: ['flyway.toml', 'db/migration/V1__init.sql'] },
  liquibase: { files: ['db/changelog/db.changelog-master.xml', 'db/changelog/changes/001-init.xml'] },
  'golang-migrate': { files: ['db/migrations/000001_init.up.sql', 'db/migrations/000001_init.down.sql'] },
  goose: { files: ['sql/00001_init.sql'], samples: { 'sql/00001_init.sql': '-- +goose Up\nCREATE TABLE t();\n' } },
  dbmate: { files: ['db/migrations/20260101000000_init.sql'], packageJson: deps('dbmate') },
  atlas: { files: ['migrations/atlas.sum', 'migrations/20260101000000_init.sql'] },
  sqitch: { files: ['sqitch.plan', 'sqitch.conf', 'deploy/init.sql'] },
  prisma: { files: ['prisma/schema.prisma', 'prisma/migrations/migration_lock.toml'] },
  drizzle: { files: ['drizzle/meta/_journal.json', 'drizzle/0000_init.sql'] },
  knex: { files: ['knexfile.js', 'migrations/20260101000000_init.js'] },
  'node-pg-migrate': { files: ['migrations/1767225600000_init.js'], packageJson: deps('node-pg-migrate') },
  typeorm: { files: ['src/migrations/1767225600000-Init.ts'], packageJson: deps('typeorm') },
  sequelize: { files: ['.sequelizerc', 'migrations/20260101000000-init.js'], packageJson: deps('sequelize-cli') },
  kysely: { files: ['kysely.config.ts', 'migrations/1767225600000_init.ts'], packageJson: deps('kysely', 'kysely-ctl') },
  rails: { files: ['Gemfile', 'db/migrate/20260101000000_create_users.rb'] },
  django: { files: ['manage.py', 'shop/migrations/__init__.py', 'shop/migrations/0001_initial.py'] },
  alembic: { files: ['alembic.ini', 'alembic/env.py', 'alembic/script.py.mako'] },
  'plain-sql': { files: ['migrations/001_init.sql'] },
};

/** Every .ts file under src/, relative to the repository root. */
function sourceFiles(dir = 'src'): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.ts$/.test(name) ? [relative('.', path)] : [];
  });
}

/** The module file of a tool: the one under src/core/migrations/tools/ that defines `tool: '<id>'`. */
function moduleFileOf(tool: MigrationTool, files: readonly string[]): string {
  const found = files.filter((f) => f.startsWith('src/core/migrations/tools/') && readFileSync(f, 'utf8').includes(`tool: '${tool}',`));
  assert.equal(found.length, 1, `${tool}: expected one module defining it, found ${JSON.stringify(found)}`);
  return found[0]!;
}

let parsers: Parsers;
before(async () => {
  parsers = await loadParsers();
});

describe('migration tool registry', () => {
  it('has one module per tool id, in the order of the setting', () => {
    assert.deepEqual(
      TOOLS.map((t) => t.tool),
      [...MIGRATION_TOOLS],
    );
    for (const id of MIGRATION_TOOLS) assert.equal(WRITERS[id].tool, id);
  });

  it('every tool has a name, its file naming, detection, transaction facts and a writer', () => {
    for (const t of TOOLS) {
      assert.ok(t.label.trim(), `${t.tool}: label`);
      assert.equal(typeof t.defaultDir, 'string', `${t.tool}: defaultDir`);
      assert.ok(t.defaultScheme.kind, `${t.tool}: defaultScheme`);
      for (const f of ['versionOf', 'detect', 'reads', 'write'] as const) assert.equal(typeof t[f], 'function', `${t.tool}: ${f}`);
      assert.equal(typeof t.transactions.wrapsSqlFile(1), 'boolean', `${t.tool}: wrapsSqlFile`);
      const o = t.transactions.optOut;
      assert.ok(
        o.marker !== undefined ? o.marker.trim() && o.where.trim() : o.how.trim(),
        `${t.tool}: optOut says the marker and where it goes, or how the tool does without one`,
      );
    }
  });

  it("each tool's own detection recognises its layout", () => {
    for (const t of TOOLS) {
      const ranked = detectMigrationTools(WORKSPACES[t.tool]);
      assert.equal(ranked[0]?.tool, t.tool, `${t.tool}: ranked ${JSON.stringify(ranked.map((c) => c.tool))}`);
    }
  });

  it('a statement that must run outside a transaction is written with the marker the tool module declares', () => {
    for (const t of TOOLS) {
      const marker = t.transactions.optOut.marker;
      if (marker === undefined) continue;
      const r = writeFor(t.tool, pgIndexed(), {
        nonTransactionalRunner: true,
        ...(t.tool === 'liquibase' ? { liquibaseFormat: 'sql' as const } : {}),
      });
      const text = r.files.map((f) => f.content).join('\n');
      assert.ok(text.includes(marker), `${t.tool}: the written files do not contain ${marker}`);
    }
  });

  it("no other file in src/ names a tool's opt-out marker", () => {
    const files = sourceFiles();
    for (const t of TOOLS) {
      const marker = t.transactions.optOut.marker;
      if (marker === undefined) continue;
      const home = moduleFileOf(t.tool, files);
      const elsewhere = files.filter((f) => f !== home && readFileSync(f, 'utf8').includes(marker));
      assert.deepEqual(elsewhere, [], `${t.tool}: ${marker} is named outside ${home}`);
    }
  });

  it('the linter reads the .sql files a writer wrote as the tool runs them: the concurrent index outside a transaction, the expand step inside', () => {
    for (const t of TOOLS) {
      const r = writeFor(t.tool, pgIndexed(), t.tool === 'liquibase' ? { liquibaseFormat: 'sql' } : {});
      const sql = r.files.filter((f) => f.path.endsWith('.sql'));
      if (!sql.length) continue;
      let concurrent = 0;
      let inside = 0;
      for (const f of sql) {
        // A side file the writer put beside it (Flyway's `.sql.conf`), as the CLI and the editor read it.
        const side = r.files.find((x) => x.path === t.transactions.sqlSidecar?.path(f.path));
        const lint = lintSql(
          f.content,
          { target: { dialect: 'postgres', version: '15.4' }, tool: t.tool, ...(side ? { sidecar: side.content } : {}) },
          parsers,
        );
        for (const s of lint.statements) {
          if (s.parsed.kind === 'create-index' && s.parsed.index?.concurrent) {
            concurrent++;
            assert.equal(s.inTransaction, false, `${t.tool}: ${f.path}: the concurrent index is linted as inside a transaction`);
          } else if (s.inTransaction) inside++;
        }
      }
      // A tool that cannot run it outside a transaction (Drizzle) leaves it to a manual step.
      assert.equal(concurrent, r.manual.length ? 0 : 1, `${t.tool}: the concurrent index build written once, or given as a manual step`);
      if (t.transactions.wrapsSqlFile(2) || r.files.some((f) => f.content.includes('BEGIN;')))
        assert.ok(inside > 0, `${t.tool}: no statement linted inside a transaction`);
    }
  });

  it('column-wizard lint --tool flyway reads the .sql.conf the writer put beside the script', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cw-tools-'));
    for (const f of writeFor('flyway', pgIndexed()).files) {
      mkdirSync(dirname(join(root, f.path)), { recursive: true });
      writeFileSync(join(root, f.path), f.content);
    }
    const index = readdirSync(join(root, 'db/migration')).find((f) => /index\.sql$/.test(f))!;
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t) };
    assert.equal(await main(['lint', '--tool', 'flyway', join(root, 'db/migration', index)], io), 0, out.join('\n'));
    assert.doesNotMatch(out.join('\n'), /concurrent-index-in-transaction/);
  });
});
