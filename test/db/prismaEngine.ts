/**
 * Prisma's schema engine (the Rust code behind `prisma migrate`), run offline from its WebAssembly build
 * `@prisma/schema-engine-wasm` through the PostgreSQL driver adapter, as Prisma 7 does for a config datasource: the
 * prisma CLI downloads native engines at run time, which this machine cannot. Shared by the Prisma tests (issue 22's
 * round trip, issue 19's history recording).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import { ColumnTypeEnum } from '@prisma/driver-adapter-utils';
import { Pool, type QueryResult } from 'pg';

export interface SchemaEngineModule {
  SchemaEngine: {
    new: (options: { datamodels: [string, string][] }, log: (line: string) => void, adapter: object) => Promise<SchemaEngine>;
  };
}
/** The engine methods the tests call (the full list is in the package's schema_engine.d.ts). */
export interface SchemaEngine {
  diff(params: object): Promise<{ exitCode: number; stdout: string }>;
  /** `prisma migrate deploy`: applies the folder's migrations that `_prisma_migrations` does not list. */
  applyMigrations(input: { migrationsList: MigrationList; filters: object }): Promise<{ appliedMigrationNames: string[] }>;
  /** What `prisma migrate status` reports: edited (checksum differs), failed and unapplied migrations. */
  diagnoseMigrationHistory(input: { migrationsList: MigrationList; optInToShadowDatabase: boolean; filters: object }): Promise<{
    editedMigrationNames: string[];
    failedMigrationNames: string[];
    hasMigrationsTable: boolean;
    history: { diagnostic: string; unappliedMigrationNames?: string[] } | null;
  }>;
  /** `prisma migrate resolve --applied NAME`. */
  markMigrationApplied(input: { migrationName: string; migrationsList: MigrationList }): Promise<object>;
  free(): void;
}

/** A Prisma migrations folder as the CLI hands it to the engine, read from disk. */
export interface MigrationList {
  baseDir: string;
  lockfile: { path: string; content: string | null };
  shadowDbInitScript: string;
  migrationDirectories: { path: string; migrationFile: { path: string; content: { tag: 'ok'; value: string } } }[];
}

/** The migrations list of `dir`, as the prisma CLI reads it (folders holding a migration.sql, by name). */
export function migrationsList(dir: string): MigrationList {
  const lock = join(dir, 'migration_lock.toml');
  return {
    baseDir: dir,
    lockfile: { path: 'migration_lock.toml', content: existsSync(lock) ? readFileSync(lock, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'migration.sql')))
      .map((e) => e.name)
      .sort()
      .map((path) => ({
        path,
        migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: readFileSync(join(dir, path, 'migration.sql'), 'utf8') } },
      })),
  };
}

let engineModule: Promise<SchemaEngineModule> | undefined;

/** The schema engine's WebAssembly, instantiated as its wasm-bindgen glue expects (its ESM entry needs --experimental-wasm-modules). */
export function schemaEngine(): Promise<SchemaEngineModule> {
  engineModule ??= (async () => {
    const dir = dirname(require.resolve('@prisma/schema-engine-wasm'));
    const glue = (await import(pathToFileURL(join(dir, 'schema_engine_bg.js')).href)) as SchemaEngineModule & {
      __wbg_set_wasm(exports: Record<string, unknown>): void;
    };
    // The project's lib settings do not declare WebAssembly's types; Node has it.
    const wasm = (
      globalThis as unknown as {
        WebAssembly: { instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }> };
      }
    ).WebAssembly;
    const { instance } = await wasm.instantiate(readFileSync(join(dir, 'schema_engine_bg.wasm')), { './schema_engine_bg.js': glue });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue;
  })();
  return engineModule;
}

/**
 * The driver adapter, with one shim. @prisma/adapter-pg 7.10.1 maps no column type to PostgreSQL's internal "char"
 * (OID 18), which the schema engine's own catalog queries return (pg_constraint.contype, pg_class.relkind …): it fails
 * with "Column type 'char' could not be deserialized". The pool marks those columns and the adapter's result gives them
 * the driver-adapter type Character, which is what the engine reads them as.
 */
const CHAR = '\u0000char';
export class CharMarkingPool extends Pool {
  override async query(...args: unknown[]): Promise<QueryResult> {
    const r = (await (super.query as (...a: unknown[]) => Promise<QueryResult | undefined>)(...args)) as QueryResult | undefined;
    for (const f of r?.fields ?? [])
      if (f.dataTypeID === 18) {
        f.dataTypeID = 25;
        f.name += CHAR;
      }
    return r as QueryResult;
  }
}

export function adapterFor(pool: Pool): PrismaPg {
  const factory = new PrismaPg(pool);
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const queryRaw = adapter.queryRaw.bind(adapter);
    adapter.queryRaw = async (query) => {
      const rs = await queryRaw(query);
      const columnTypes = [...rs.columnTypes];
      const columnNames = rs.columnNames.map((n, i) =>
        n.endsWith(CHAR) ? ((columnTypes[i] = ColumnTypeEnum.Character), n.slice(0, -CHAR.length)) : n,
      );
      return { ...rs, columnNames, columnTypes };
    };
    return adapter;
  };
  return factory;
}

/** A panic inside the engine's WebAssembly goes to this registry (the CLI sets one up); without it the panic hook throws. */
export const panics: string[] = [];
(globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY = { set_message: (m: string) => panics.push(m) };
