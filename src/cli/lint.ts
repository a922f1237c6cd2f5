/**
 * `column-wizard lint <files…>`: the editor's SQL diagnostics for CI. Exit 1 when an error-level finding exists.
 * With `--url`, the server's dialect and version come from the connection and table sizes make findings stats-aware.
 * Without one, `--schema FILE` (or the configuration's `snapshot`) gives the same from a `column-wizard snapshot` file.
 */
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Io } from '../cli';
import { DEFAULT_VERSIONS, lintSql, newCarry, type LintOptions } from '../core/lint/analyze';
import type { NameRef } from '../core/lint/model';
import { loadParsers, needsPostgresParser, type Parsers } from '../core/lint/parsers';
import { factsLookup } from '../core/lint/preview';
import { hasErrors, renderJson, renderSarif, renderText, type FileResult } from '../core/lint/report';
import { DIALECTS, type TableFacts, type Target } from '../core/types';
import { isMigrationTool, MIGRATION_TOOLS } from '../core/migrations/types';
import { isDialect } from '../core/dialects';
import { WRITERS } from '../core/migrations/tools/index';
import { decodeSqlText } from '../core/lint/text';
import { newReplay, type SchemaReplay } from '../core/lint/replay';
import { CONFIG_FILE, configFromText, PACKAGE_JSON_KEY, type LintConfig } from '../core/lint/config';
import { snapshotFacts, snapshotFromText, type SchemaSnapshot } from '../core/lint/snapshot';
import { parse, UsageError } from './args';
import { version as toolVersion } from '../../package.json';

let liftoffOnly = false;

const FORMATS = ['text', 'json', 'sarif'] as const;

export async function run(argv: string[], io: Io): Promise<number> {
  try {
    return await lintFiles(argv, io);
  } finally {
    restoreV8Flags();
  }
}

async function lintFiles(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      url: { type: 'string' },
      dialect: { type: 'string' },
      'server-version': { type: 'string' },
      format: { type: 'string', default: 'text' },
      transaction: { type: 'string', default: 'auto' },
      tool: { type: 'string' },
      'lock-timeout-configured': { type: 'boolean', default: false },
      config: { type: 'string' },
      schema: { type: 'string' },
    },
    true,
  );
  if (positionals.length === 0) throw new UsageError('give at least one .sql file');
  const format = values.format as string;
  if (!(FORMATS as readonly string[]).includes(format))
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${format}"`);
  const tx = values.transaction as string;
  if (!['auto', 'wrapped', 'none'].includes(tx)) throw new UsageError(`--transaction must be auto, wrapped or none, got "${tx}"`);
  const tool = values.tool as string | undefined;
  if (tool !== undefined && !isMigrationTool(tool))
    throw new UsageError(`--tool must be one of ${MIGRATION_TOOLS.join(', ')}, got "${tool}"`);
  if (tool !== undefined && tx !== 'auto') throw new UsageError('give --tool or --transaction, not both');
  if (values.url && (values.dialect || values['server-version']))
    throw new UsageError('--url gives the dialect and version; do not combine it with --dialect / --server-version');
  if (values.url && values.schema) throw new UsageError('--url reads the live schema; do not combine it with --schema');

  const seen = new Set<string>();
  const texts = positionals
    .flatMap((p) => expand(p, seen))
    .map((path) => {
      let bytes: Buffer;
      try {
        bytes = readFileSync(path);
      } catch (err) {
        throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      const text = decodeSqlText(bytes);
      if (text === undefined)
        throw new UsageError(`${path} is not SQL text: it is binary (not UTF-8, or mostly control characters); nothing was linted`);
      return { path, text };
    });
  if (texts.length === 0) throw new UsageError(`no .sql files in ${positionals.join(', ')}`);
  // Each file's configuration: --config, else the nearest .column-wizard.json / package.json "columnWizard" above it.
  const configs = new Map<string, Found | undefined>();
  const given = values.config !== undefined ? readConfig(resolve(values.config as string), false) : undefined;
  const configOf = (path: string): Found | undefined => given ?? findConfig(dirname(resolve(path)), configs);
  const first = configOf(texts[0]!.path);
  // Without a connection: the snapshot named by --schema, else by each file's configuration ("snapshot").
  const snapshots = new Map<string, SchemaSnapshot>();
  const givenSnapshot = values.schema !== undefined ? readSnapshot(resolve(values.schema as string), snapshots) : undefined;
  const snapshotOf = (path: string): SchemaSnapshot | undefined => {
    if (values.url) return undefined;
    if (givenSnapshot) return givenSnapshot;
    const found = configOf(path);
    return found?.config.snapshot ? readSnapshot(resolve(dirname(found.path), found.config.snapshot), snapshots) : undefined;
  };
  const firstSnapshot = snapshotOf(texts[0]!.path);
  liftoffOnly = texts.reduce((n, t) => n + t.text.length, 0) < 256 * 1024;

  let target: Target;
  let facts: ((t: NameRef) => TableFacts | undefined) | undefined;
  let close: (() => Promise<void>) | undefined;
  if (values.url) {
    const { connect } = await import('../db/client');
    const client = await connect(values.url as string);
    close = () => client.close();
    try {
      const info = await client.serverInfo();
      target = { dialect: info.dialect, version: info.version };
      const parsers = await parsersFor(target, texts);
      const tables = await client.listTables();
      const defaultSchema = info.dialect === 'postgres' ? 'public' : client.options.database;
      const rowsOnly = factsLookup(tables, defaultSchema);
      // Full facts (indexes, constraints, row format, instant row versions) for the tables the files alter: a first pass
      // finds them; the rules need them for INSTANT eligibility and for SET NOT NULL proven by a validated CHECK.
      const named = new Map<string, TableFacts>();
      for (const { text } of texts) {
        for (const st of lintSql(text, { target, facts: rowsOnly }, parsers).statements) {
          const ref = st.parsed.table;
          const known = ref ? rowsOnly(ref) : undefined;
          if (!ref || !known || named.has(`${known.table.schema}.${known.table.name}`) || named.size >= 100) continue;
          named.set(`${known.table.schema}.${known.table.name}`, await client.tableFacts(known.table));
        }
      }
      facts = (ref) => {
        const known = rowsOnly(ref);
        return known ? (named.get(`${known.table.schema}.${known.table.name}`) ?? known) : undefined;
      };
    } catch (err) {
      await client.close();
      throw err;
    }
  } else {
    // The snapshot describes the server, as a connection would: it wins over the configuration's dialect and version.
    const fallback = firstSnapshot?.server ?? { dialect: first?.config.dialect, version: first?.config.serverVersion };
    const dialect = (values.dialect as string | undefined) ?? fallback.dialect ?? 'postgres';
    if (!isDialect(dialect)) throw new UsageError(`--dialect must be one of ${DIALECTS.join(', ')}, got "${dialect}"`);
    const version =
      (values['server-version'] as string | undefined) ??
      (values.dialect === undefined ? fallback.version : undefined) ??
      DEFAULT_VERSIONS[dialect];
    if (!/^\d+(\.\d+){0,2}/.test(version)) throw new UsageError(`--server-version must look like 15, 8.0.36 or 10.11, got "${version}"`);
    target = { dialect, version };
    for (const s of snapshots.values())
      if ((s.server.dialect === 'postgres') !== (target.dialect === 'postgres'))
        throw new UsageError(`the snapshot is of ${s.server.dialect} ${s.server.version}, the target is ${target.dialect}`);
  }

  try {
    // The folder replay (replayedFacts) parses each file's earlier siblings too.
    const parsers = await parsersFor(target, texts, facts ? [] : siblingTexts(texts.map((t) => t.path)));
    const options: LintOptions = {
      target,
      ...(tx !== 'auto' ? { wrapsInTransaction: tx === 'wrapped' } : {}),
      ...(tool !== undefined && isMigrationTool(tool) ? { tool } : {}),
      ...(facts ? { facts } : {}),
      lockTimeoutConfigured: values['lock-timeout-configured'] === true,
    };
    // Files are migrations in order: a CHECK validated in one proves NOT NULL for a later one.
    const carry = newCarry();
    const replays = new Map<string, { replay: SchemaReplay; upTo: string }>();
    // The tool's side file beside a migration (Flyway's `<script>.sql.conf`) can take it out of the transaction.
    const sidecarPath = tool !== undefined && isMigrationTool(tool) ? WRITERS[tool].transactions.sqlSidecar?.path : undefined;
    const sidecarOf = (path: string): { sidecar?: string } => {
      if (!sidecarPath) return {};
      try {
        return { sidecar: readFileSync(sidecarPath(path), 'utf8') };
      } catch {
        return {};
      }
    };
    const files: FileResult[] = texts.map(({ path, text }) => ({
      path: displayPath(path),
      result: lintSql(
        text,
        {
          ...options,
          ...sidecarOf(path),
          carry,
          ...ruleSeverities(configOf(path)),
          ...(facts ? {} : offlineFacts(snapshotOf(path), replayedFacts(path, target, parsers, replays))),
        },
        parsers,
      ),
    }));
    if (format === 'sarif') io.out(JSON.stringify(renderSarif(files, toolVersion), null, 2));
    else if (format === 'json') io.out(renderJson(files));
    else io.out(renderText(files));
    return hasErrors(files) ? 1 : 0;
  } finally {
    await close?.();
  }
}

interface Found {
  readonly path: string;
  readonly config: LintConfig;
}

/** The nearest configuration at or above `dir` (memoized per directory in `seen`). */
function findConfig(dir: string, seen: Map<string, Found | undefined>): Found | undefined {
  if (seen.has(dir)) return seen.get(dir);
  const found =
    readConfig(join(dir, CONFIG_FILE), true) ??
    readConfig(join(dir, 'package.json'), true, PACKAGE_JSON_KEY) ??
    (dirname(dir) !== dir ? findConfig(dirname(dir), seen) : undefined);
  seen.set(dir, found);
  return found;
}

/** A configuration file's checked contents; undefined when `optional` and the file (or its package.json key) is absent. A broken one is a usage error. */
function readConfig(path: string, optional: boolean, key?: string): Found | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (optional) return undefined;
    throw new UsageError(`cannot read the configuration ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const read = configFromText(text, key !== undefined);
  if (!read) return undefined;
  const { config, problems } = read;
  if (problems.length) throw new UsageError(`${path}${key ? ` ("${key}")` : ''}: ${problems.join('; ')}`);
  return { path, config };
}

function ruleSeverities(found: Found | undefined): Pick<LintOptions, 'ruleSeverities'> {
  return found && Object.keys(found.config.rules).length ? { ruleSeverities: found.config.rules } : {};
}

/**
 * Without a connection: the tables, columns (with MySQL/MariaDB character sets) and CHECKs the earlier .sql files of the
 * file's folder (name order, the versioned tools' migration order) create, so a type change or SET NOT NULL is judged on the column it changes.
 * One incremental replay per folder (`replays`): files linted in name order replay each earlier file once.
 */
function replayedFacts(
  path: string,
  target: Target,
  parsers: Parsers,
  replays: Map<string, { replay: SchemaReplay; upTo: string }>,
): Pick<LintOptions, 'facts'> {
  const dir = dirname(resolve(path));
  const name = resolve(path).slice(dir.length + 1);
  let siblings: string[];
  try {
    siblings = readdirSync(dir)
      .filter((f) => f.toLowerCase().endsWith('.sql'))
      .sort();
  } catch {
    return {};
  }
  let state = replays.get(dir);
  if (!state || state.upTo > name) replays.set(dir, (state = { replay: newReplay(target, parsers), upTo: '' }));
  for (const f of siblings) {
    if (f <= state.upTo || f >= name) continue;
    try {
      state.replay.add(decodeSqlText(readFileSync(join(dir, f))) ?? '');
    } catch {
      /* unreadable: its own lint reports it */
    }
    state.upTo = f;
  }
  const tables = state.replay.tables();
  return tables.size ? { facts: (ref: NameRef) => tables.get(ref.name.toLowerCase()) } : {};
}

/** A snapshot file's checked contents (memoized per path). A missing or broken one is a usage error. */
function readSnapshot(path: string, seen: Map<string, SchemaSnapshot>): SchemaSnapshot {
  const known = seen.get(path);
  if (known) return known;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read the snapshot ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const { snapshot, problems } = snapshotFromText(text);
  if (!snapshot) throw new UsageError(`${path}: ${problems.join('; ')}`);
  seen.set(path, snapshot);
  return snapshot;
}

/** Facts without a connection: the snapshot's tables (production's sizes and types), else what the folder replay built. */
function offlineFacts(snapshot: SchemaSnapshot | undefined, replayed: Pick<LintOptions, 'facts'>): Pick<LintOptions, 'facts'> {
  if (!snapshot) return replayed;
  const fromSnapshot = snapshotFacts(snapshot);
  const fromReplay = replayed.facts;
  return { facts: fromReplay ? (ref) => fromSnapshot(ref) ?? fromReplay(ref) : fromSnapshot };
}

/**
 * The .sql files beside `paths` that are not among them, read lazily: the texts the folder replay may parse. Unreadable
 * or binary ones are left out, as the replay leaves them out.
 */
function* siblingTexts(paths: readonly string[]): Generator<string> {
  const given = new Set(paths.map((p) => resolve(p)));
  for (const dir of new Set([...given].map((p) => dirname(p)))) {
    let names: string[];
    try {
      names = readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.sql'));
    } catch {
      continue;
    }
    for (const f of names) {
      if (given.has(join(dir, f))) continue;
      try {
        yield decodeSqlText(readFileSync(join(dir, f))) ?? '';
      } catch {
        /* unreadable: the replay skips it too */
      }
    }
  }
}

/**
 * Only the target dialect's parser: another one's loading is most of a cold start (bench/coldStart.ts). PostgreSQL's
 * WebAssembly is not loaded when the files to lint and the siblings the replay reads hold only the simplest statements.
 */
async function parsersFor(target: Target, texts: readonly { text: string }[], siblings: Iterable<string> = []): Promise<Parsers> {
  const wasm =
    target.dialect === 'postgres' &&
    needsPostgresParser(
      chain(
        texts.map((t) => t.text),
        siblings,
      ),
    );
  if (wasm && liftoffOnly) await baselineWasmOnly();
  return loadParsers([target.dialect], wasm ? undefined : [], { mysqlGrammarOnFirstUse: true });
}

/**
 * A few files: PostgreSQL's parser (WebAssembly) is compiled by V8's baseline compiler only (--liftoff-only). The
 * optimizing tier compiles in the background and competes with the main thread for a process that lives a few hundred
 * milliseconds (bench/coldStart.ts, one file that needs the parser: 225 ms with the flag, 360 ms without).
 * The flag is set here, after the parser's JavaScript is loaded and before its WebAssembly compiles, and `restoreV8Flags`
 * puts the defaults back once linting is done: V8 stamps a code cache with its flags and rejects one stamped with
 * others, so every cache (./codeCache.ts) is made and read under the defaults, and a start that needs no WebAssembly
 * does not load node:v8 (with the stream modules it pulls in, about 3 ms).
 * With --wasm-lazy-validation, V8 checks each function of the module when it first compiles it instead of all of them
 * before instantiating (the parser runs a fraction of its 1.7 MB; about 2 ms less to compile).
 */
async function baselineWasmOnly(): Promise<void> {
  if (v8) return;
  await import('libpg-query');
  v8 = await import('node:v8');
  v8.setFlagsFromString('--liftoff-only --wasm-lazy-validation');
}
let v8: typeof import('node:v8') | undefined;

/** The defaults of what baselineWasmOnly sets: its flags and the two --liftoff-only implies (cli.test: the next start accepts the caches). */
function restoreV8Flags(): void {
  v8?.setFlagsFromString('--no-liftoff-only --wasm-tier-up --wasm-dynamic-tiering --no-wasm-lazy-validation');
  v8 = undefined;
}

function* chain<T>(...parts: Iterable<T>[]): Generator<T> {
  for (const p of parts) yield* p;
}

/**
 * A directory stands for the .sql files under it, in name order (migration order for versioned names).
 * Symbolic links are followed, but each real directory and each real file is read once (`seen` holds real paths),
 * so a link to a parent directory neither repeats files nor loops.
 */
function expand(path: string, seen: Set<string>): string[] {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    return [path]; // reported as unreadable below
  }
  if (!isDir) return once(path, seen) ? [path] : [];
  const found: string[] = [];
  const walk = (rel: string): void => {
    const dir = join(path, rel);
    if (!once(dir, seen)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const relPath = rel ? join(rel, entry.name) : entry.name;
      let kind: 'dir' | 'file' | undefined = entry.isDirectory() ? 'dir' : entry.isFile() ? 'file' : undefined;
      if (entry.isSymbolicLink()) {
        try {
          const st = statSync(join(path, relPath));
          kind = st.isDirectory() ? 'dir' : st.isFile() ? 'file' : undefined;
        } catch {
          kind = 'file'; // a dangling link to a .sql file is reported as unreadable
        }
      }
      if (kind === 'dir') walk(relPath);
      else if (kind === 'file' && entry.name.toLowerCase().endsWith('.sql')) found.push(relPath);
    }
  };
  walk('');
  return found
    .sort()
    .map((f) => join(path, f))
    .filter((f) => once(f, seen));
}

/** True the first time a real path is met. */
function once(path: string, seen: Set<string>): boolean {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return true;
  }
  if (seen.has(real)) return false;
  seen.add(real);
  return true;
}

function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}
