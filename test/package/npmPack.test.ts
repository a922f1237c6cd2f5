/**
 * The CLI as users get it: `npm pack` (its prepack builds dist/), the tarball installed offline with no dev
 * dependencies into an empty folder, `npx column-wizard lint`; then the CI examples run their own commands against
 * that tarball — the pre-commit hook in a git repository with staged migrations, and the GitHub Actions workflow's
 * `run` steps (in order, with the workflow's env, under bash -eo pipefail as GitHub runs them) on a two-commit history.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';

const ROOT = resolve(__dirname, '../..');
const UNSAFE = 'ALTER TABLE accounts ADD COLUMN plan text NOT NULL;\n';
const SAFE = "SET lock_timeout = '2s';\nALTER TABLE accounts ADD COLUMN note text;\n";
let tarball = '';
// npm and npx must never reach the registry here: the package has to be complete on its own.
const offline = {
  ...process.env,
  npm_config_offline: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=cw@example.com', '-c', 'user.name=cw', ...args], { cwd, encoding: 'utf8' }).trim();
}

function repoWithMigration(file: string, sql: string): { dir: string; base: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cw-ci-'));
  git(dir, 'init', '-q');
  mkdirSync(join(dir, 'db/migrations'), { recursive: true });
  writeFileSync(join(dir, 'db/migrations/001_init.sql'), 'CREATE TABLE accounts (id bigint PRIMARY KEY);\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'base');
  const base = git(dir, 'rev-parse', 'HEAD');
  writeFileSync(join(dir, file), sql);
  return { dir, base };
}

before(() => {
  const out = mkdtempSync(join(tmpdir(), 'cw-pack-'));
  execFileSync('npm', ['pack', '--pack-destination', out], { cwd: ROOT, stdio: 'pipe', env: offline });
  tarball = join(
    out,
    readdirSync(out).find((f) => f.endsWith('.tgz'))!,
  );
});

describe('npm package', () => {
  it('installs from the tarball offline with no dependencies and `npx column-wizard lint` works', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-npx-'));
    writeFileSync(join(dir, 'package.json'), '{"name":"empty","private":true}\n');
    execFileSync('npm', ['install', '--omit=dev', tarball], { cwd: dir, stdio: 'pipe', env: offline });
    assert.deepEqual(
      readdirSync(join(dir, 'node_modules')).filter((f) => !f.startsWith('.')),
      ['column-wizard'],
      'nothing but the package itself',
    );
    const pkg = JSON.parse(readFileSync(join(dir, 'node_modules/column-wizard/package.json'), 'utf8')) as {
      dependencies?: object;
      version: string;
    };
    assert.equal(pkg.dependencies, undefined);
    writeFileSync(join(dir, 'add.sql'), UNSAFE);
    const r = spawnSync('npx', ['column-wizard', 'lint', 'add.sql'], { cwd: dir, encoding: 'utf8', env: offline });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /add\.sql:1:1: error add-column-required/);
    assert.equal(spawnSync('npx', ['column-wizard', '--version'], { cwd: dir, encoding: 'utf8', env: offline }).stdout.trim(), pkg.version);
    // A command of the other bundle (dist/cli-commands.js), and every CLI bundle esbuild.mjs makes is in the package.
    const plan = spawnSync(
      'npx',
      ['column-wizard', 'plan', '--dialect', 'postgres', '--server-version', '15', '--table', 'accounts', '--column', 'note text'],
      { cwd: dir, encoding: 'utf8', env: offline },
    );
    assert.equal(plan.status, 0, plan.stderr);
    assert.match(plan.stdout, /^Plan: add column note to public\.accounts on postgres 15/);
    const config = pathToFileURL(join(ROOT, 'esbuild.mjs')).href; // a script, not a typed module
    const { builds } = (await import(config)) as { builds: { outfile: string }[] };
    const cli = builds.map((b) => b.outfile).filter((f) => /^dist\/cli[.-]/.test(f));
    assert.ok(cli.length >= 5, cli.join(', '));
    for (const f of cli) assert.ok(existsSync(join(dir, 'node_modules/column-wizard', f)), `${f} is not in the package`);
  });
});

describe('CI examples', () => {
  it('the pre-commit hook lints staged migrations: an error stops the commit, a safe one passes', () => {
    const hook = join(ROOT, 'examples/pre-commit/column-wizard-lint.sh');
    const env = { ...offline, COLUMN_WIZARD_PACKAGE: tarball };
    const bad = repoWithMigration('db/migrations/002 add plan.sql', UNSAFE);
    git(bad.dir, 'add', '.');
    const r = spawnSync(hook, { cwd: bad.dir, encoding: 'utf8', env });
    assert.notEqual(r.status, 0, 'the commit is stopped');
    assert.match(r.stdout, /db\/migrations\/002 add plan\.sql:1:1: error add-column-required/);
    const good = repoWithMigration('db/migrations/002_add_note.sql', SAFE);
    git(good.dir, 'add', '.');
    const ok = spawnSync(hook, { cwd: good.dir, encoding: 'utf8', env });
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /1 file\(s\) checked/);
    const none = repoWithMigration('README.md', 'no migration\n');
    git(none.dir, 'add', '.');
    assert.equal(spawnSync(hook, { cwd: none.dir, encoding: 'utf8', env }).status, 0);
  });

  it("the GitHub Actions workflow's run steps lint the pull request's migrations into SARIF and fail on an error", () => {
    const workflow = parse(readFileSync(join(ROOT, 'examples/github-actions/column-wizard-lint.yml'), 'utf8')) as {
      env: Record<string, string>;
      jobs: Record<string, { steps: { run?: string; uses?: string; env?: Record<string, string>; with?: Record<string, string> }[] }>;
    };
    const steps = workflow.jobs.lint!.steps;
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'));
    assert.ok(upload, 'the workflow uploads SARIF');
    const { dir, base } = repoWithMigration('db/migrations/002_add_plan.sql', UNSAFE);
    writeFileSync(
      join(dir, 'db/migrations/001_init.sql'),
      'CREATE TABLE accounts (id bigint PRIMARY KEY);\n-- unchanged content, changed file\n',
    );
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'pull request');
    let status = 0;
    for (const step of steps.filter((s) => s.run)) {
      const env = {
        ...offline,
        ...workflow.env,
        COLUMN_WIZARD_PACKAGE: tarball,
        ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, /\$\{\{/.test(v) ? base : v])),
      };
      const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], { cwd: dir, encoding: 'utf8', env });
      status = r.status ?? -1;
      if (status !== 0) break;
    }
    assert.notEqual(status, 0, 'an error finding fails the job');
    const sarifFile = join(dir, upload.with!.sarif_file!);
    assert.ok(existsSync(sarifFile), 'the SARIF file the upload step names exists');
    const sarif = JSON.parse(readFileSync(sarifFile, 'utf8')) as {
      version: string;
      runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    assert.equal(sarif.version, '2.1.0');
    const hits = sarif.runs[0]!.results.map((r) => `${r.locations[0]!.physicalLocation.artifactLocation.uri} ${r.ruleId}`);
    assert.ok(hits.includes('db/migrations/002_add_plan.sql add-column-required'), hits.join('\n'));
  });
});
