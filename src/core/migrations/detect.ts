/**
 * Which migration tool a workspace uses, where its migrations live and how their versions are written.
 * Pure: a function of the workspace's file list, its root package.json, and a few file heads the caller read
 * (`filesToSample` says which).
 */
import { flavourOf } from './code';
import { dirname, joinPath, normalizeDir } from './common';
import type { CodeFlavour, DetectedTool, MigrationTool, WorkspaceListing, WriterOptions } from './types';
import { inferScheme } from './version';
import { WRITERS } from './writers';

const IGNORED = /(^|\/)(node_modules|\.git|dist|out|target|vendor)\//;
const NUMBERED_SQL = /^\d+[_-][^/]*\.sql$/;
const LIQUIBASE_MASTER = /(^|\/)([^/]*changelog[^/]*master[^/]*|[^/]*master[^/]*changelog[^/]*|changelog)\.(xml|ya?ml|json|sql)$/i;

function base(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Files under `dir`, relative to it. */
function filesUnder(files: readonly string[], dir: string): string[] {
  if (!dir) return [...files];
  const prefix = `${dir}/`;
  return files.filter((f) => f.startsWith(prefix)).map((f) => f.slice(prefix.length));
}

/** Folders holding at least one file whose name matches. */
function foldersWith(files: readonly string[], re: RegExp): string[] {
  return [...new Set(files.filter((f) => re.test(base(f))).map(dirname))];
}

/**
 * Paths whose first bytes detection can use: the root `go.mod` (goose, golang-migrate), the newest numbered `.sql` file of
 * each folder (tool markers such as `-- +goose Up`) and Liquibase master changelogs (`includeAll`). At most 40.
 */
export function filesToSample(files: readonly string[]): string[] {
  const kept = files.filter((f) => !IGNORED.test(f));
  const newest = new Map<string, string>();
  for (const f of kept) {
    if (!NUMBERED_SQL.test(base(f))) continue;
    const d = dirname(f);
    const cur = newest.get(d);
    if (!cur || base(f) > base(cur)) newest.set(d, f);
  }
  return [...kept.filter((f) => f === 'go.mod'), ...newest.values(), ...kept.filter((f) => LIQUIBASE_MASTER.test(f))].slice(0, 40);
}

interface Draft {
  tool: MigrationTool;
  dir: string;
  score: number;
  evidence: string[];
  options: WriterOptions;
}

/**
 * Every plausible migration setup, most certain first. With `opts.dir`, only setups for that folder: tools found
 * through a dependency or config file but no folder are offered for it too. Ask the user when the first two are close
 * (see `isAmbiguous`).
 */
export function detectMigrationTools(ws: WorkspaceListing, opts: { dir?: string } = {}): DetectedTool[] {
  const files = ws.files.filter((f) => !IGNORED.test(f));
  const deps = { ...ws.packageJson?.dependencies, ...ws.packageJson?.devDependencies };
  const hasDep = (name: string) => Object.prototype.hasOwnProperty.call(deps, name);
  const isModule = ws.packageJson?.type === 'module';
  const samples = ws.samples ?? {};
  const sampleIn = (dir: string, marker: RegExp) => Object.entries(samples).some(([p, text]) => dirname(p) === dir && marker.test(text));
  const has = (re: RegExp) => files.filter((f) => re.test(f));
  const drafts = new Map<string, Draft>();
  const add = (tool: MigrationTool, dir: string, score: number, evidence: string, options: WriterOptions = {}) => {
    const key = `${tool}\u0000${dir}`;
    const d = drafts.get(key);
    if (d) {
      d.score += score;
      d.evidence.push(evidence);
      d.options = { ...d.options, ...options };
    } else drafts.set(key, { tool, dir, score, evidence: [evidence], options });
  };
  /** A tool known from a dependency or config file: its folders if any have matching files, else its default folder. */
  const addGlobal = (tool: MigrationTool, score: number, evidence: string, fileRe: RegExp, fallbackDir: string, options: WriterOptions = {}) => {
    const dirs = foldersWith(files, fileRe);
    if (dirs.length) for (const d of dirs) add(tool, d, score + 2, `${evidence}; migrations in ${d || '.'}`, options);
    else add(tool, fallbackDir, score, evidence, options);
  };
  const codeFlavour = (dirFiles: readonly string[], re: RegExp, fallback: string): CodeFlavour => {
    const ext = dirFiles.map((f) => re.exec(base(f))?.[1]).filter((e): e is string => !!e).sort().at(-1) ?? fallback;
    return flavourOf(ext, isModule);
  };

  // Atlas: atlas.sum is definitive for its folder.
  for (const sum of has(/(^|\/)atlas\.sum$/)) add('atlas', dirname(sum), 10, `atlas.sum in ${dirname(sum) || '.'}`);
  if (has(/(^|\/)atlas\.hcl$/).length && !has(/(^|\/)atlas\.sum$/).length) add('atlas', 'migrations', 6, 'atlas.hcl');

  // Sqitch
  for (const p of has(/(^|\/)sqitch\.plan$/)) add('sqitch', dirname(p), 10, `sqitch.plan in ${dirname(p) || '.'}`);
  for (const p of has(/(^|\/)sqitch\.conf$/)) if (!files.includes(joinPath(dirname(p), 'sqitch.plan'))) add('sqitch', dirname(p), 6, 'sqitch.conf');

  // Liquibase: the master changelog names the format; new files go in its changes folder.
  for (const master of has(LIQUIBASE_MASTER)) {
    const mdir = dirname(master);
    const sub = ['changes', 'changelogs', 'changesets', 'migrations'].map((s) => joinPath(mdir, s)).find((d) => files.some((f) => f.startsWith(`${d}/`)));
    const text = samples[master];
    const includeAll = text !== undefined && /includeAll/.test(text);
    const format = /\.xml$/i.test(master) ? 'xml' : /\.ya?ml$/i.test(master) ? 'yaml' : /\.json$/i.test(master) ? 'json' : 'sql';
    add('liquibase', sub ?? mdir, 9, `master changelog ${master}`, { liquibaseMaster: master, liquibaseFormat: format, ...(includeAll ? { liquibaseIncludeAll: true } : {}) });
  }
  if (has(/(^|\/)liquibase\.properties$/).length) for (const d of drafts.values()) if (d.tool === 'liquibase') { d.score += 2; d.evidence.push('liquibase.properties'); }

  // Flyway
  const flywayConf = has(/(^|\/)(flyway\.toml|flyway\.user\.toml|flyway\.conf)$/).length > 0;
  const flywayDirs = foldersWith(files, /^V\d+(?:[._]\d+)*__[^/]*\.sql$/);
  for (const d of flywayDirs) add('flyway', d, flywayConf ? 9 : 6, `V<version>__<name>.sql files in ${d || '.'}${flywayConf ? ' and a Flyway config file' : ''}`);
  if (flywayConf && !flywayDirs.length) add('flyway', 'db/migration', 6, 'Flyway config file');

  // Prisma
  for (const lock of has(/(^|\/)migration_lock\.toml$/)) add('prisma', dirname(lock), 10, `migration_lock.toml in ${dirname(lock) || '.'}`);
  if (!has(/(^|\/)migration_lock\.toml$/).length) {
    for (const schema of has(/(^|\/)schema\.prisma$/)) add('prisma', joinPath(dirname(schema), 'migrations'), 6, `Prisma schema ${schema}`);
    if ((hasDep('prisma') || hasDep('@prisma/client')) && !has(/(^|\/)schema\.prisma$/).length) add('prisma', 'prisma/migrations', 4, 'prisma in package.json');
  } else if (hasDep('prisma') || hasDep('@prisma/client')) for (const d of drafts.values()) if (d.tool === 'prisma') { d.score += 1; d.evidence.push('prisma in package.json'); }

  // Drizzle
  const journals = has(/(^|\/)meta\/_journal\.json$/);
  for (const j of journals) add('drizzle', dirname(dirname(j)), 10, `meta/_journal.json in ${dirname(dirname(j)) || '.'}`);
  if (!journals.length && (has(/(^|\/)drizzle\.config\.(ts|js|mjs|cjs|json)$/).length || hasDep('drizzle-kit'))) {
    const v1 = [...new Set(files.filter((f) => /(^|\/)\d{14}_[^/]+\/migration\.sql$/.test(f)).map((f) => dirname(dirname(f))))];
    if (v1.length && !has(/(^|\/)migration_lock\.toml$/).length) for (const d of v1) add('drizzle', d, 8, `drizzle-kit 1.0 migration folders in ${d || '.'}`);
    else add('drizzle', 'drizzle', 6, has(/(^|\/)drizzle\.config\./).length ? 'drizzle.config' : 'drizzle-kit in package.json');
  }

  // Rails: db/migrate with YYYYMMDDHHMMSS_name.rb files, or a Gemfile with a config/application.rb.
  const railsDirs = foldersWith(files, /^\d{14}_[^/]*\.rb$/).filter((d) => /(^|\/)db\/migrate$/.test(d));
  for (const d of railsDirs) add('rails', d, has(/(^|\/)Gemfile$/).length ? 9 : 7, `ActiveRecord migrations in ${d}`);
  if (!railsDirs.length && has(/(^|\/)config\/application\.rb$/).length && has(/(^|\/)Gemfile$/).length) add('rails', 'db/migrate', 6, 'config/application.rb and a Gemfile');

  // Django: manage.py and <app>/migrations/ with __init__.py or NNNN_*.py
  if (has(/(^|\/)manage\.py$/).length) {
    const djangoDirs = [...new Set(files.filter((f) => /(^|\/)migrations\/(__init__|\d{4}_[^/]*)\.py$/.test(f)).map(dirname))];
    for (const d of djangoDirs) add('django', d, 8, `manage.py and ${d}`);
  }

  // Alembic: alembic.ini (or env.py + script.py.mako) beside a versions/ folder.
  for (const env of has(/(^|\/)env\.py$/).filter((e) => files.includes(joinPath(dirname(e), 'script.py.mako')))) {
    add('alembic', joinPath(dirname(env), 'versions'), has(/(^|\/)alembic\.ini$/).length ? 9 : 7, `Alembic environment ${dirname(env) || '.'}`);
  }

  // Knex
  const knexfile = has(/(^|\/)knexfile\.(js|ts|cjs|mjs|cts|mts)$/)[0];
  if (knexfile || hasDep('knex')) {
    const re = /^\d{14}_[^/]*\.(js|ts|cjs|mjs|cts|mts)$/;
    const fallback = knexfile && /\.ts$/.test(knexfile) ? 'ts' : 'js';
    for (const d of foldersWith(files, re).length ? foldersWith(files, re) : ['migrations']) {
      add('knex', d, knexfile ? 7 : 4, knexfile ? `${knexfile}` : 'knex in package.json', { code: codeFlavour(filesUnder(files, d), re, fallback) });
    }
  }

  // node-pg-migrate
  if (hasDep('node-pg-migrate')) {
    const re = /^\d{13}_[^/]*\.(js|ts|cjs|mjs|cts|mts|sql)$/;
    for (const d of foldersWith(files, re).length ? foldersWith(files, re) : ['migrations']) {
      const ext = codeFlavour(filesUnder(files, d), /^\d+_[^/]*\.(js|ts|cjs|mjs|cts|mts)$/, 'js');
      add('node-pg-migrate', d, 6, 'node-pg-migrate in package.json', { code: ext });
    }
  }

  // TypeORM
  if (hasDep('typeorm')) {
    const re = /^\d{13}-[^/]*\.(ts|js|cjs|mjs|cts|mts)$/;
    addGlobal('typeorm', 4, 'typeorm in package.json', re, 'src/migrations', { code: { ext: 'ts', esm: true } });
    for (const d of drafts.values()) if (d.tool === 'typeorm') d.options = { code: codeFlavour(filesUnder(files, d.dir), re, 'ts') };
  }

  // Sequelize CLI
  if (hasDep('sequelize-cli') || files.includes('.sequelizerc')) {
    const re = /^\d{14}-[^/]*\.(js|cjs|ts|cts)$/;
    addGlobal('sequelize', files.includes('.sequelizerc') ? 7 : 5, hasDep('sequelize-cli') ? 'sequelize-cli in package.json' : '.sequelizerc', re, 'migrations');
    for (const d of drafts.values()) if (d.tool === 'sequelize') d.options = { code: codeFlavour(filesUnder(files, d.dir), re, 'js') };
  }

  // Kysely (kysely-ctl layout)
  const kyselyConf = has(/^(\.config\/)?kysely\.config\.(ts|js|mts|mjs|cts|cjs)$/).length > 0;
  if (kyselyConf || hasDep('kysely-ctl') || hasDep('kysely')) {
    const re = /^\d{13}_[^/]*\.(ts|js|mts|mjs|cts|cjs)$/;
    const score = kyselyConf || hasDep('kysely-ctl') ? 6 : 2;
    addGlobal('kysely', score, kyselyConf ? 'kysely.config' : hasDep('kysely-ctl') ? 'kysely-ctl in package.json' : 'kysely in package.json', re, 'migrations');
    for (const d of drafts.values()) if (d.tool === 'kysely') d.options = { code: codeFlavour(filesUnder(files, d.dir), re, 'ts') };
  }

  // SQL-file tools told apart by content markers, dependency or layout.
  const sqlDirs = foldersWith(files, NUMBERED_SQL);
  for (const d of sqlDirs) {
    if (sampleIn(d, /^--\s*\+goose\s+Up/im)) add('goose', d, 9, `-- +goose Up in ${d || '.'}`);
    if (sampleIn(d, /^--\s*migrate:up/im)) add('dbmate', d, 9, `-- migrate:up in ${d || '.'}`);
    if (filesUnder(files, d).some((f) => /^\d+_[^/]*\.up\.sql$/.test(f))) add('golang-migrate', d, hasDep('node-pg-migrate') ? 3 : 6, `<version>_<name>.up.sql/.down.sql pairs in ${d || '.'}`);
  }
  // Go projects: the module requirement names the tool; its folder is the one with matching files, else the usual one.
  const goMod = samples['go.mod'] ?? '';
  if (/github\.com\/pressly\/goose/.test(goMod)) {
    const dirs = sqlDirs.filter((d) => !filesUnder(files, d).some((f) => /\.(up|down)\.sql$/.test(f)));
    for (const d of dirs.length ? dirs : ['migrations']) add('goose', d, 6, 'github.com/pressly/goose in go.mod');
  }
  if (/github\.com\/golang-migrate\/migrate/.test(goMod)) {
    const dirs = sqlDirs.filter((d) => filesUnder(files, d).some((f) => /^\d+_[^/]*\.up\.sql$/.test(f)));
    for (const d of dirs.length ? dirs : ['db/migrations']) add('golang-migrate', d, 4, 'github.com/golang-migrate/migrate in go.mod');
  }
  for (const d of sqlDirs) {
    if (sampleIn(d, /^--\s*liquibase\s+formatted/im)) add('liquibase', d, 7, `--liquibase formatted sql in ${d || '.'}`, { liquibaseFormat: 'sql' });
    if (sampleIn(d, /^--\s*atlas:/im)) add('atlas', d, 5, `-- atlas: directive in ${d || '.'}`);
  }
  if (hasDep('dbmate')) {
    const dirs = sqlDirs.filter((d) => /(^|\/)db\/migrations$/.test(d));
    for (const d of dirs.length ? dirs : ['db/migrations']) add('dbmate', d, 6, 'dbmate in package.json');
  }
  const claimed = new Set([...drafts.values()].map((d) => d.dir));
  for (const d of sqlDirs) if (!claimed.has(d) && !/^V/.test(base(d))) add('plain-sql', d, 2, `numbered .sql files in ${d || '.'}`);

  let list = [...drafts.values()];
  if (opts.dir !== undefined) {
    const want = normalizeDir(opts.dir);
    const here = list.filter((d) => d.dir === want);
    const hereTools = new Set(here.map((d) => d.tool));
    // Tools known from a dependency or config file, found elsewhere: offered for this folder with less certainty.
    const moved = list.filter((d) => d.dir !== want && !hereTools.has(d.tool) && d.tool !== 'plain-sql').map((d) => ({ ...d, dir: want, score: d.score - 3, evidence: [...d.evidence, `asked for ${want || '.'}`] }));
    list = [...here, ...moved];
    const seen = new Set<MigrationTool>();
    list = list.sort((a, b) => b.score - a.score).filter((d) => !seen.has(d.tool) && seen.add(d.tool));
    if (!list.length) list = [{ tool: 'plain-sql', dir: want, score: 1, evidence: [`no migration tool recognised for ${want || '.'}`], options: {} }];
  }
  return list
    .sort((a, b) => b.score - a.score || WRITER_ORDER.indexOf(a.tool) - WRITER_ORDER.indexOf(b.tool))
    .map((d) => ({ ...d, versionScheme: schemeFor(d.tool, filesUnder(files, d.dir)) }));
}

const WRITER_ORDER = Object.keys(WRITERS) as MigrationTool[];

/** The version scheme of a tool's files in a folder (relative names), or the tool's default for an empty folder. */
export function schemeFor(tool: MigrationTool, dirFiles: readonly string[]): DetectedTool['versionScheme'] {
  const w = WRITERS[tool];
  const versions = dirFiles.map((f) => w.versionOf(f)).filter((v): v is string => v !== undefined);
  return inferScheme(versions) ?? w.defaultScheme;
}

/** True when the first two candidates are close enough that the user should pick (QuickPick / `--tool`). */
export function isAmbiguous(candidates: readonly DetectedTool[]): boolean {
  return candidates.length > 1 && candidates[1]!.score >= candidates[0]!.score - 2;
}
