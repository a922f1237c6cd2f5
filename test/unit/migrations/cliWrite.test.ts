/** `column-wizard write` end to end in a temporary workspace (the CLI run as a process, cwd = the workspace). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';

const CLI = resolve(__dirname, '../../../src/cli.ts');
const TSX = resolve(__dirname, '../../../node_modules/.bin/tsx');
const PLAN = ['--dialect', 'postgres', '--server-version', '15.4', '--table', 'users', '--column', 'nickname text', '--index'];
const roots: string[] = [];
after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'cw-write-'));
  roots.push(root);
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), c);
  }
  return root;
}
const cw = (cwd: string, args: string[]) => spawnSync(TSX, [CLI, 'write', ...args], { cwd, encoding: 'utf8' });

describe('column-wizard write', () => {
  it('keeps the dot of a dot-folder given by absolute path (.demo/db/migrations)', () => {
    const root = workspace({
      'package.json': '{"devDependencies":{"dbmate":"^2"}}',
      '.demo/db/migrations/20200101000000_init.sql': '-- migrate:up\n-- migrate:down\n',
    });
    const r = cw(root, ['--dir', join(root, '.demo/db/migrations'), '--tool', 'dbmate', ...PLAN]);
    assert.equal(r.status, 0, r.stderr);
    const written = readdirSync(join(root, '.demo/db/migrations')).filter((f) => !f.startsWith('20200101'));
    assert.ok(written.length >= 2, `files written into .demo/db/migrations: ${written.join(', ')}`);
    assert.throws(() => readdirSync(join(root, 'demo')), /ENOENT/);
  });

  it('detects dbmate and prints the paths it wrote', () => {
    const root = workspace({
      'package.json': '{"devDependencies":{"dbmate":"^2"}}',
      'db/migrations/20200101000000_init.sql': '-- migrate:up\n-- migrate:down\n',
    });
    const r = cw(root, ['--dir', 'db/migrations', ...PLAN]);
    assert.equal(r.status, 0, r.stderr);
    const written = readdirSync(join(root, 'db/migrations')).filter((f) => !f.startsWith('2020'));
    assert.equal(written.length, 2);
    for (const f of written) assert.match(r.stdout, new RegExp(`db/migrations/${f}`));
    const index = readFileSync(
      join(
        root,
        'db/migrations',
        written.find((f) => f.includes('_index'))!,
      ),
      'utf8',
    );
    assert.match(index, /^-- migrate:up transaction:false\n/);
  });
  it('asks for --tool when two tools fit, then writes with the one given', () => {
    const root = workspace({ 'migrations/20200101000000_a.sql': '-- +goose Up\nSELECT 1;\n', 'migrations/atlas.sum': 'h1:x=\n' });
    const r = cw(root, ['--dir', 'migrations', ...PLAN]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /several migration tools fit migrations:[\s\S]*atlas[\s\S]*goose[\s\S]*pass --tool/);
    assert.deepEqual(readdirSync(join(root, 'migrations')).sort(), ['20200101000000_a.sql', 'atlas.sum']);
    const ok = cw(root, ['--dir', 'migrations', '--tool', 'atlas', ...PLAN]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /Updated:\n {2}migrations\/atlas\.sum/);
  });
  it('rejects an unknown tool and a folder outside the workspace', () => {
    const root = workspace({});
    const a = cw(root, ['--dir', 'm', '--tool', 'mongoid', ...PLAN]);
    assert.equal(a.status, 2);
    assert.match(a.stderr, /--tool must be auto or one of flyway, liquibase/);
    const b = cw(root, ['--dir', '../elsewhere', ...PLAN]);
    assert.equal(b.status, 2);
    assert.match(b.stderr, /--dir must be inside the current directory/);
  });
  it('json output lists created files and manual steps (Drizzle cannot build an index concurrently)', () => {
    const root = workspace({ 'package.json': '{"devDependencies":{"drizzle-kit":"*"}}', 'drizzle.config.ts': '' });
    const r = cw(root, ['--dir', 'drizzle', '--format', 'json', ...PLAN]);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { tool: string; created: string[]; edited: string[]; manual: { sql: string }[] };
    assert.equal(out.tool, 'drizzle');
    assert.deepEqual(out.created, ['drizzle/0000_add_users_nickname_expand.sql']);
    assert.deepEqual(out.edited, ['drizzle/meta/_journal.json']);
    const journal = JSON.parse(readFileSync(join(root, 'drizzle/meta/_journal.json'), 'utf8')) as {
      entries: { idx: number; tag: string }[];
    };
    assert.deepEqual(
      journal.entries.map((e) => [e.idx, e.tag]),
      [[0, '0000_add_users_nickname_expand']],
    );
    assert.match(out.manual[0]!.sql, /CREATE INDEX CONCURRENTLY/);
  });
});
