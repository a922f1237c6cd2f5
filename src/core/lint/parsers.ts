/**
 * The two SQL parsers, loaded on first use. Both ship inside their npm packages and load offline:
 * PostgreSQL's own parser compiled to WebAssembly (`libpg-query`, its .wasm read from beside the module)
 * and node-sql-parser's MySQL grammar (plain JavaScript). Nothing is fetched at install or run time.
 */
import type { MysqlParse } from './mysql';
import type { PgParse } from './postgres';

export interface Parsers {
  readonly postgres: PgParse;
  readonly mysql: MysqlParse;
}

let loading: Promise<Parsers> | undefined;

/** Loads both parsers once; later calls share the same promise. */
export function loadParsers(): Promise<Parsers> {
  loading ??= (async () => {
    const pg = await import('libpg-query');
    await pg.loadModule();
    const mod = await import('node-sql-parser/build/mysql');
    // CommonJS through an ES import: the class is on the namespace or on its `default`, depending on the loader.
    const Parser = mod.Parser ?? (mod as unknown as { default: typeof mod }).default.Parser;
    const mysql = new Parser();
    return {
      postgres: (sql: string) => pg.parseSync(sql),
      mysql: (sql: string) => mysql.astify(sql, { database: 'MySQL' }),
    };
  })();
  loading.catch(() => { loading = undefined; });
  return loading;
}
