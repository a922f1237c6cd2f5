/**
 * The SQL parsers, each loaded on first use. All ship inside their npm packages and load offline:
 * PostgreSQL's own parser compiled to WebAssembly (`libpg-query`, its .wasm read from beside the module)
 * and node-sql-parser's MySQL and MariaDB grammars (plain JavaScript). Nothing is fetched at install or run time.
 * A caller that lints one engine loads only that engine's parser (the CLI's cold start: the WASM alone is most of it).
 */
import type { MysqlParse } from './mysql';
import type { PgParse } from './postgres';
import type { Engine } from './text';

export interface Parsers {
  readonly postgres: PgParse;
  readonly mysql: MysqlParse;
  /**
   * MariaDB files: node-sql-parser's MariaDB grammar (native `ADD COLUMN IF NOT EXISTS`, the `UUID` type), and its
   * MySQL grammar for what the MariaDB one lacks (`ADD CONSTRAINT`, `ADD PRIMARY|FOREIGN|UNIQUE KEY`).
   */
  readonly mariadb: MysqlParse;
}

type MysqlFamily = Pick<Parsers, 'mysql' | 'mariadb'>;
const loading: { postgres?: Promise<PgParse>; mysql?: Promise<MysqlFamily> } = {};

function loadPostgres(): Promise<PgParse> {
  const p = (loading.postgres ??= (async () => {
    const pg = await import('libpg-query');
    await pg.loadModule();
    return (sql: string) => pg.parseSync(sql);
  })());
  p.catch(() => {
    loading.postgres = undefined;
  });
  return p;
}

/** node-sql-parser is CommonJS: through an ES import the class is on the namespace or on its `default`, depending on the loader. */
function parserClass<T extends { Parser: unknown }>(mod: T): T['Parser'] {
  return mod.Parser ?? (mod as unknown as { default: T }).default.Parser;
}

function loadMysql(): Promise<MysqlFamily> {
  const p = (loading.mysql ??= (async () => {
    const mysql = new (parserClass(await import('node-sql-parser/build/mysql')))();
    const mariadb = new (parserClass(await import('node-sql-parser/build/mariadb')))();
    const parseMysql = (sql: string): unknown => mysql.astify(sql, { database: 'MySQL' });
    return {
      mysql: parseMysql,
      mariadb: (sql: string) => {
        try {
          return mariadb.astify(sql, { database: 'MariaDB' });
        } catch {
          return parseMysql(sql);
        }
      },
    };
  })());
  p.catch(() => {
    loading.mysql = undefined;
  });
  return p;
}

function notLoaded(engine: Engine): never {
  throw new Error(
    `the ${engine === 'postgres' ? 'PostgreSQL' : 'MySQL'} parser was not loaded (loadParsers was given only the other engine)`,
  );
}

/**
 * Loads the parsers of `engines` (default both) once; later calls share the same promises. The parser of an engine
 * not asked for throws when called: lintSql calls only the parser of its target's engine.
 */
export async function loadParsers(engines: readonly Engine[] = ['postgres', 'mysql']): Promise<Parsers> {
  const [postgres, mysql] = await Promise.all([
    engines.includes('postgres') ? loadPostgres() : undefined,
    engines.includes('mysql') ? loadMysql() : undefined,
  ]);
  return {
    postgres: postgres ?? (() => notLoaded('postgres')),
    mysql: mysql?.mysql ?? (() => notLoaded('mysql')),
    mariadb: mysql?.mariadb ?? (() => notLoaded('mysql')),
  };
}
