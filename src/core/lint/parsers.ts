/**
 * The two SQL parsers, each loaded on first use. Both ship inside their npm packages and load offline:
 * PostgreSQL's own parser compiled to WebAssembly (`libpg-query`, its .wasm read from beside the module)
 * and node-sql-parser's MySQL grammar (plain JavaScript). Nothing is fetched at install or run time.
 * A caller that lints one engine loads only that engine's parser (the CLI's cold start: the WASM alone is most of it).
 */
import type { MysqlParse } from './mysql';
import type { PgParse } from './postgres';
import type { Engine } from './text';

export interface Parsers {
  readonly postgres: PgParse;
  readonly mysql: MysqlParse;
}

const loading: { postgres?: Promise<PgParse>; mysql?: Promise<MysqlParse> } = {};

function loadPostgres(): Promise<PgParse> {
  const p = loading.postgres ??= (async () => {
    const pg = await import('libpg-query');
    await pg.loadModule();
    return (sql: string) => pg.parseSync(sql);
  })();
  p.catch(() => { loading.postgres = undefined; });
  return p;
}

function loadMysql(): Promise<MysqlParse> {
  const p = loading.mysql ??= (async () => {
    const mod = await import('node-sql-parser/build/mysql');
    // CommonJS through an ES import: the class is on the namespace or on its `default`, depending on the loader.
    const Parser = mod.Parser ?? (mod as unknown as { default: typeof mod }).default.Parser;
    const mysql = new Parser();
    return (sql: string) => mysql.astify(sql, { database: 'MySQL' });
  })();
  p.catch(() => { loading.mysql = undefined; });
  return p;
}

function notLoaded(engine: Engine): never {
  throw new Error(`the ${engine === 'postgres' ? 'PostgreSQL' : 'MySQL'} parser was not loaded (loadParsers was given only the other engine)`);
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
  return { postgres: postgres ?? (() => notLoaded('postgres')), mysql: mysql ?? (() => notLoaded('mysql')) };
}
