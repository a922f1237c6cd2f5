/**
 * Contracts of the migration writers: detection result, writer input/output, and the file sink the
 * all-or-nothing writing goes through. Plain data; the only behaviour is in the modules that use them.
 */
import type { Dialect, Plan } from '../types';

/**
 * Every migration tool's id, in the order of the `columnWizard.migrationsTool` setting (less `auto`). Each has one module
 * under `./tools/` (its detection, transaction facts and writer), listed in `./tools/index.ts`.
 */
export const MIGRATION_TOOLS = [
  'flyway',
  'liquibase',
  'golang-migrate',
  'goose',
  'dbmate',
  'atlas',
  'sqitch',
  'prisma',
  'drizzle',
  'knex',
  'node-pg-migrate',
  'typeorm',
  'sequelize',
  'kysely',
  'rails',
  'django',
  'alembic',
  'plain-sql',
] as const;

export type MigrationTool = (typeof MIGRATION_TOOLS)[number];

export function isMigrationTool(name: string): name is MigrationTool {
  return (MIGRATION_TOOLS as readonly string[]).includes(name);
}

/**
 * How the versions in a migrations folder are written.
 * `timestamp` formats: `datetime` = YYYYMMDDHHMMSS (14), `datetime-ms` = YYYYMMDDHHMMSSmmm (17),
 * `unix-ms` = Date.now() (13), `unix-s` = seconds (10). `sequential` versions are zero-padded to `width`.
 */
export type VersionScheme =
  | { readonly kind: 'sequential'; readonly width: number }
  | { readonly kind: 'timestamp'; readonly width: number; readonly format: 'datetime' | 'datetime-ms' | 'unix-ms' | 'unix-s' };

/** Module flavour and extension for the tools whose migrations are code. */
export interface CodeFlavour {
  /** File extension without the dot: `js`, `ts`, `cjs`, `mjs`, `cts`, `mts`. */
  readonly ext: string;
  /** ES module syntax (`export`) rather than CommonJS (`exports.up`). */
  readonly esm: boolean;
}

/** Tool-specific facts detection found, passed on to the writer. All optional: writers have defaults. */
export interface WriterOptions {
  readonly code?: CodeFlavour;
  /** Liquibase: workspace-relative path of the master changelog the new file is included from. */
  readonly liquibaseMaster?: string;
  /** Liquibase: the master loads the folder with `includeAll`, so no include is added. */
  readonly liquibaseIncludeAll?: boolean;
  /** Liquibase: format of the written changelog; defaults to the master's. */
  readonly liquibaseFormat?: 'sql' | 'xml' | 'yaml' | 'json';
  /** Drizzle: the `migrations.prefix` in use; detected from the journal's tags. */
  readonly drizzlePrefix?: 'index' | 'timestamp' | 'unix' | 'none';
  /** Author for Liquibase changesets and Sqitch plan lines. */
  readonly author?: { readonly name: string; readonly email: string };
  /**
   * The project runs this tool so that a migration may run outside a transaction:
   * TypeORM `migrationsTransactionMode: 'each' | 'none'` (CLI `--transaction each`), Kysely `disableTransactions`
   * (kysely-ctl `--no-transaction`). Without it those writers refuse non-transactional phases and offer plain SQL.
   */
  readonly nonTransactionalRunner?: boolean;
}

/** One detected migration setup. */
export interface DetectedTool {
  readonly tool: MigrationTool;
  /** Workspace-relative folder, `/`-separated, `''` for the root. */
  readonly dir: string;
  readonly versionScheme: VersionScheme;
  /** Higher is more certain: a config file or side file beats a dependency, which beats a file-name pattern. */
  readonly score: number;
  /** Human-readable reasons, e.g. `atlas.sum in migrations`. */
  readonly evidence: readonly string[];
  readonly options: WriterOptions;
}

/** What detection looks at. Everything comes from the caller; detection reads nothing itself. */
export interface WorkspaceListing {
  /** Every file of the workspace (node_modules and .git left out), `/`-separated, relative to its root. */
  readonly files: readonly string[];
  /** The root `package.json`, parsed. */
  readonly packageJson?: {
    readonly type?: string;
    readonly dependencies?: Readonly<Record<string, string>>;
    readonly devDependencies?: Readonly<Record<string, string>>;
  };
  /**
   * The first bytes of some files, keyed by path (see `filesToSample`): content markers such as
   * `-- +goose Up` or `-- migrate:up` that names alone cannot tell.
   */
  readonly samples?: Readonly<Record<string, string>>;
}

export interface NewFile {
  /** Workspace-relative, `/`-separated. */
  readonly path: string;
  readonly content: string;
}

/** A side file to update (or create when `before` is undefined). Applied only if it still reads `before`. */
export interface FileEdit {
  readonly path: string;
  readonly before: string | undefined;
  readonly after: string;
}

/** SQL a tool cannot run itself (a statement that must run outside a transaction): run it by hand, in order. */
export interface ManualStep {
  readonly title: string;
  /** Where in the order it belongs, e.g. `after 0003_add_users_nickname_constrain`. */
  readonly when: string;
  readonly sql: string;
}

export interface WriteResult {
  readonly tool: MigrationTool;
  readonly files: readonly NewFile[];
  readonly edits: readonly FileEdit[];
  /** Statements left out of the tool's files because its runner cannot run them; the plain-SQL alternative. */
  readonly manual: readonly ManualStep[];
  /** What the user must know or do: how to run it, what else to update. */
  readonly notes: readonly string[];
  /** Things that will go wrong unless acted on. */
  readonly warnings: readonly string[];
}

export interface WriterContext {
  /** Workspace-relative migrations folder, `/`-separated, `''` for the root. */
  readonly dir: string;
  /** Every file under `dir`, recursively, relative to `dir`. */
  readonly existing: readonly string[];
  /** Contents of the files the writer asked for with `reads`, keyed by workspace-relative path; absent when missing. */
  readonly contents: Readonly<Record<string, string>>;
  readonly now: Date;
  /** Base name of the migrations, a slug such as `add_users_nickname`. */
  readonly name: string;
  readonly versionScheme: VersionScheme;
  readonly options: WriterOptions;
}

export interface MigrationWriter {
  readonly tool: MigrationTool;
  readonly label: string;
  /** Default folder when none was detected. */
  readonly defaultDir: string;
  /** Scheme used when the folder holds no migration yet. */
  readonly defaultScheme: VersionScheme;
  /** The version of an existing file (relative to the folder), or undefined when it is not one of this tool's migrations. */
  versionOf(file: string): string | undefined;
  /** Workspace-relative paths whose contents `write` needs (side files, earlier migrations for checksums). */
  reads(ctx: Pick<WriterContext, 'dir' | 'existing' | 'options'>): readonly string[];
  /** Pure: the files and edits for the plan. Throws `WriterError` when the plan cannot be written for this tool. */
  write(plan: Plan, ctx: WriterContext): WriteResult;
}

/**
 * How a tool's runner treats transactions on PostgreSQL (MySQL/MariaDB DDL commits implicitly either way), and how one
 * migration opts out. The writer emits the opt-out; the linter reads the same facts (`core/lint/analyze.ts`).
 */
export interface ToolTransactions {
  /**
   * Whether the runner runs a hand-written .sql migration of `statements` statements inside one transaction when the
   * file's own annotations say nothing (golang-migrate and Prisma send the file as one query: PostgreSQL wraps a
   * multi-statement query in an implicit transaction, a single statement in none).
   */
  wrapsSqlFile(statements: number): boolean;
  /**
   * How one migration asks to run outside a transaction: `marker` is the text the writer puts in (or beside) the file,
   * the only place in src/ that names it. Absent when the tool has no per-migration switch (`how` says what happens instead).
   */
  readonly optOut: { readonly marker: string; readonly where: string } | { readonly marker?: undefined; readonly how: string };
  /**
   * For .sql migrations: what a comment of the file (its text after `--`) says about the transaction: false = outside,
   * true = inside, undefined = nothing. The linter combines every tool's answer over the file's comments.
   */
  sqlComment?(text: string): boolean | undefined;
  /**
   * For .sql migrations: whether a comment starts a section the tool runs on its own (dbmate's and goose's up/down, a
   * Liquibase changeset), where the linter starts the file state over; `mode` when the comment sets that section's
   * transaction (else the file's applies). Undefined for any other comment.
   */
  sqlSection?(text: string): { readonly mode?: boolean } | undefined;
  /**
   * For .sql migrations: a side file beside the migration that sets its transaction (Flyway's `<script>.sql.conf`):
   * its path from the migration's, and what its text says (false = outside, true = inside, undefined = nothing).
   */
  readonly sqlSidecar?: { path(sqlFile: string): string; says(text: string): boolean | undefined };
}

/** Helpers detection gives each tool's `detect`, bound to that tool. Paths are workspace-relative, `/`-separated. */
export interface DetectionContext {
  /** Every workspace file outside node_modules, .git, dist, out, target and vendor. */
  readonly files: readonly string[];
  /** The first bytes of the files `filesToSample` chose, by path. */
  readonly samples: Readonly<Record<string, string>>;
  /** Folders holding numbered `.sql` files (`0001_x.sql`, `20260101000000-x.sql`). */
  readonly sqlDirs: readonly string[];
  /** The root package.json has `"type": "module"`. */
  readonly isModule: boolean;
  /** Files whose workspace path matches. */
  has(re: RegExp): string[];
  hasDep(name: string): boolean;
  /** A sampled file directly in `dir` matches `marker`. */
  sampleIn(dir: string, marker: RegExp): boolean;
  /** Folders holding at least one file whose base name matches. */
  foldersWith(re: RegExp): string[];
  /** Files under `dir`, relative to it. */
  filesUnder(dir: string): string[];
  /** The module flavour of a folder's newest code migration (`re` captures the extension), else `fallback`'s. */
  codeFlavour(dirFiles: readonly string[], re: RegExp, fallback: string): CodeFlavour;
  /** Record a candidate folder for this tool; the same folder found twice adds up score and evidence. */
  add(dir: string, score: number, evidence: string, options?: WriterOptions): void;
  /** A tool known from a dependency or config file: its folders if any have files matching `fileRe` (score + 2), else `fallbackDir`. */
  addGlobal(score: number, evidence: string, fileRe: RegExp, fallbackDir: string, options?: WriterOptions): void;
  /** This tool's candidates so far, to adjust (score, evidence, options). */
  found(): { dir: string; score: number; evidence: string[]; options: WriterOptions }[];
  /** Folders some tool has claimed so far (tools run in registry order). */
  claimed(): Set<string>;
}

/** A migration file `write` made, as history recording reads it: its name in the folder, its version, its text. */
export interface WrittenMigration {
  readonly file: string;
  readonly version: string;
  readonly content: string;
}

/**
 * Recording written migrations as applied in a tool's own history table, after `column-wizard run` applied the plan
 * itself, so the tool does not apply them again (`run --record-applied <tool>:<dir>`; `./history.ts` picks the files).
 */
export interface ToolHistory {
  /** The history table's default name. */
  readonly table: string;
  /** The environment variable the tool itself reads for another table name. */
  readonly tableEnv?: string;
  /** Each migration is a folder holding this file (Prisma: `<version>_<name>/migration.sql`). */
  readonly fileInFolder?: string;
  /** The migration's name as the tool records it (file name, name without extension, class name, version). */
  nameOf(m: WrittenMigration): string;
  /**
   * The statements that record `written` (in order) as applied in `table` at `at`: the table created as the tool
   * creates it when absent, rows the tool would have written, nothing changed for a migration already recorded.
   */
  recordSql(dialect: Dialect, table: string, written: readonly WrittenMigration[], at: Date): string[];
}

/**
 * One migration tool, whole: its id and name, where its files go and how they are named (`defaultDir`, `defaultScheme`,
 * `versionOf`), how a workspace shows it is used (`detect`), its transaction facts, and its writer (`reads`, `write`).
 * One module per tool under `./tools/`, listed in `./tools/index.ts`.
 */
export interface MigrationToolModule extends MigrationWriter {
  /** Record candidates through `ctx` (config files, dependencies, file layout, content markers). */
  detect(ctx: DetectionContext): void;
  readonly transactions: ToolTransactions;
  /** Only for the tools whose history `column-wizard run` can record. */
  readonly history?: ToolHistory;
}

/** The plan cannot be written in this tool's format, with the reason and what to do instead. */
export class WriterError extends Error {
  override readonly name = 'WriterError';
}

/**
 * The file operations writing needs, relative to one root (the workspace folder). Implemented over node:fs for the
 * CLI (`src/cli/nodeFileSink.ts`) and over `vscode.workspace.fs` for the extension. Paths are `/`-separated and relative.
 */
export interface FileSink {
  /** Every file under `dir`, recursively, relative to `dir`; `[]` when it does not exist. */
  list(dir: string): Promise<string[]>;
  /** The file's text, or undefined when it does not exist. */
  read(path: string): Promise<string | undefined>;
  exists(path: string): Promise<boolean>;
  /**
   * Create a file that must not exist yet (node `wx`), creating missing parent folders.
   * Rejects with `FileExistsError` when it exists; never overwrites.
   */
  createExclusive(path: string, content: string): Promise<void>;
  /** Replace the text of an existing side file. */
  overwrite(path: string, content: string): Promise<void>;
  /** Remove a file this sink created (rollback of a partial set). Missing files are not an error. */
  remove(path: string): Promise<void>;
}

/** Thrown by `FileSink.createExclusive` when the path is taken. */
export class FileExistsError extends Error {
  override readonly name = 'FileExistsError';
  constructor(readonly path: string) {
    super(`${path} already exists; migration files are never overwritten`);
  }
}
