/**
 * The SQL parsers, each loaded on first use. All ship inside their npm packages and load offline:
 * PostgreSQL's own parser compiled to WebAssembly (`libpg-query`, its .wasm read from beside the module)
 * and node-sql-parser's MySQL and MariaDB grammars (plain JavaScript). Nothing is fetched at install or run time.
 * A caller that lints one dialect loads only that dialect's parser (the CLI's cold start: the WASM alone is most of it).
 * A caller whose PostgreSQL files hold only statements of the simplest forms need not load the WASM at all: they are
 * read by ./pgFast.ts, which gives the same parse tree; ./mysqlFast.ts does the same for MySQL's.
 */
import type { MysqlParse } from './mysql';
import { readSimpleMysql } from './mysqlFast';
import { readSimplePostgres } from './pgFast';
import type { PgParse } from './postgres';
import { splitStatements } from './text';
import { DIALECTS, type Dialect } from '../types';

export interface Parsers {
  readonly postgres: PgParse;
  readonly mysql: MysqlParse;
  /**
   * MariaDB files: node-sql-parser's MariaDB grammar (native `ADD COLUMN IF NOT EXISTS`, the `UUID` type), and its
   * MySQL grammar for what the MariaDB one lacks (`ADD CONSTRAINT`, `ADD PRIMARY|FOREIGN|UNIQUE KEY`).
   */
  readonly mariadb: MysqlParse;
}

const loading: { postgres?: Promise<PgParse>; mysql?: Promise<MysqlParse>; mariadb?: Promise<MysqlParse> } = {};

/** Loads once; a failed load is tried again on the next call. */
function once<K extends keyof typeof loading>(key: K, load: () => NonNullable<(typeof loading)[K]>): NonNullable<(typeof loading)[K]> {
  const p = (loading[key] ??= load()) as NonNullable<(typeof loading)[K]>;
  p.catch(() => {
    loading[key] = undefined;
  });
  return p;
}

const loadPostgres = () =>
  once('postgres', async () => {
    const pg = await import('libpg-query');
    await pg.loadModule();
    // ./pgFast.ts first: it gives the same tree for the simplest statements in about 2 µs where libpg-query takes about
    // 7 µs (parse and JSON.parse of its output), and turns any other statement away in about 0.6 µs. On bench/lint.ts's
    // file (43% simplest statements) that is about 2 µs less per statement.
    return (sql: string) => readSimplePostgres(sql) ?? pg.parseSync(sql);
  });

/** PostgreSQL's parse without libpg-query, for texts that `needsPostgresParser` found need none. */
const simplePostgres: PgParse = (sql) => readSimplePostgres(sql) ?? notLoaded('PostgreSQL');

/**
 * Whether linting these PostgreSQL texts (files) needs libpg-query: some statement is not of the simplest forms
 * (./pgFast.ts). Stops at the first such statement.
 */
export function needsPostgresParser(texts: Iterable<string>): boolean {
  for (const text of texts)
    for (const st of splitStatements(text, 'postgres').statements) if (readSimplePostgres(st.text) === undefined) return true;
  return false;
}

/** node-sql-parser is CommonJS: through an ES import the class is on the namespace or on its `default`, depending on the loader. */
function parserClass<T extends { Parser: unknown }>(mod: T): T['Parser'] {
  return mod.Parser ?? (mod as unknown as { default: T }).default.Parser;
}

/** node-sql-parser's MySQL grammar: plain CommonJS, so it can be loaded synchronously, by the parse that first needs it. */
let mysqlGrammar: MysqlParse | undefined;
function mysqlGrammarParse(): MysqlParse {
  if (!mysqlGrammar) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded in the middle of a lint (mysqlOnFirstUse)
    const mysql = new (parserClass(require('node-sql-parser/build/mysql') as typeof import('node-sql-parser/build/mysql')))();
    mysqlGrammar = (sql) => mysql.astify(sql, { database: 'MySQL' });
  }
  return mysqlGrammar;
}

const loadMysql = () => once('mysql', async () => mysqlGrammarParse());

/** MySQL's parse that reads the simplest statements itself (./mysqlFast.ts, the grammar's exact tree) and loads the grammar for the first other one. */
const mysqlOnFirstUse: MysqlParse = (sql) => readSimpleMysql(sql) ?? mysqlGrammarParse()(sql);

/** MariaDB files: MariaDB's grammar, MySQL's where it fails; each required when first needed (plain CommonJS). */
let mariadbGrammar: MysqlParse | undefined;
function mariadbGrammarParse(): MysqlParse {
  if (!mariadbGrammar) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded in the middle of a lint (mariadbOnFirstUse)
    const mariadb = new (parserClass(require('node-sql-parser/build/mariadb') as typeof import('node-sql-parser/build/mariadb')))();
    mariadbGrammar = (sql) => {
      try {
        return mariadb.astify(sql, { database: 'MariaDB' });
      } catch {
        return mysqlGrammarParse()(sql);
      }
    };
  }
  return mariadbGrammar;
}

const loadMariadb = () =>
  once('mariadb', async () => {
    mysqlGrammarParse();
    return mariadbGrammarParse();
  });

/** The same for MariaDB files (./mysqlFast.ts gives MariaDB's tree). */
const mariadbOnFirstUse: MysqlParse = (sql) => readSimpleMysql(sql, 'mariadb') ?? mariadbGrammarParse()(sql);

function notLoaded(name: string): never {
  throw new Error(`the ${name} parser was not loaded (loadParsers was not given its dialect)`);
}

/**
 * Loads the parsers of `dialects` (default all) once; later calls share the same promises. The parser of a dialect not
 * asked for throws when called: lintSql calls only the parser of its target's dialect. MariaDB's comes with MySQL's (its
 * fallback). `postgresTexts`: every text the caller will parse as PostgreSQL; when none needs libpg-query
 * (`needsPostgresParser`), it is not loaded. `mysqlGrammarOnFirstUse`: MySQL's and MariaDB's grammars are loaded by
 * the first statement ./mysqlFast.ts does not read, if any (the CLI's cold start).
 */
export async function loadParsers(
  dialects: readonly Dialect[] = DIALECTS,
  postgresTexts?: Iterable<string>,
  { mysqlGrammarOnFirstUse = false }: { mysqlGrammarOnFirstUse?: boolean } = {},
): Promise<Parsers> {
  const pgWasm = dialects.includes('postgres') && (postgresTexts === undefined || needsPostgresParser(postgresTexts));
  const lazy = mysqlGrammarOnFirstUse;
  const [postgres, mysql, mariadb] = await Promise.all([
    pgWasm ? loadPostgres() : undefined,
    lazy && (dialects.includes('mysql') || dialects.includes('mariadb'))
      ? mysqlOnFirstUse
      : dialects.includes('mysql') || dialects.includes('mariadb')
        ? loadMysql()
        : undefined,
    dialects.includes('mariadb') ? (lazy ? mariadbOnFirstUse : loadMariadb()) : undefined,
  ]);
  return {
    postgres: postgres ?? (dialects.includes('postgres') ? simplePostgres : () => notLoaded('PostgreSQL')),
    mysql: mysql ?? (() => notLoaded('MySQL')),
    mariadb: mariadb ?? (() => notLoaded('MariaDB')),
  };
}
