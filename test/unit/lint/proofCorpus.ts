/**
 * The proof corpus (issue 20 item 6): small migrations taken from the PostgreSQL / MySQL / MariaDB manuals and from the
 * public docs of squawk, strong_migrations and eugene, each labelled dangerous or safe by its source (not by what our
 * linter says). `proofVerdict` lints one case as the CLI would (earlier migrations of the folder replayed and carried,
 * or the column definitions a connection would give) and says whether it was flagged: any finding of warning or error
 * level other than the lock-timeout reminder. test/unit/lint/proofCorpus.test.ts asserts every case; bench/lintCorpus.ts
 * prints recall and precision for Column Wizard and the pinned squawk.
 */
import type { ColumnFacts, Dialect, TableFacts } from '../../../src/core/types';
import { DEFAULT_VERSIONS, lintSql, newCarry, type LintResult } from '../../../src/core/lint/analyze';
import type { Parsers } from '../../../src/core/lint/parsers';
import { newReplay } from '../../../src/core/lint/replay';

export interface ProofCase {
  readonly id: string;
  readonly dialect: Dialect;
  readonly version: string;
  /** Where the case and its label come from: a manual section or a peer's rule page. */
  readonly source: string;
  /** The migration file being linted. */
  readonly sql: string;
  /** Earlier migrations of the same folder, oldest first (replayed for column facts and carried CHECKs). */
  readonly earlier?: readonly string[];
  /** Column definitions a connection would report for a table (MySQL/MariaDB cases whose verdict depends on them). */
  readonly columns?: Readonly<Record<string, readonly ColumnFacts[]>>;
  readonly verdict: 'dangerous' | 'safe';
  /** For a dangerous case: the rule of ours that must report it. */
  readonly rule?: string;
  /** The lock the statement takes, as our verdict must name it (PostgreSQL lock mode, or MySQL `ALGORITHM/LOCK`). */
  readonly lock?: string;
}

/** Findings that do not make a case "flagged": the lock-timeout reminder is about every DDL, not about this one. */
export const NOT_A_FLAG = new Set(['missing-lock-timeout']);

const SQ = (rule: string) => `https://squawkhq.com/docs/${rule}`;
const SM = (anchor: string) => `https://github.com/ankane/strong_migrations#${anchor}`;
const EU = (hint: string) => `https://kaveland.no/eugene/hints/${hint}/`;
const PGD = (page: string, anchor = '') => `https://www.postgresql.org/docs/15/${page}.html${anchor ? `#${anchor}` : ''}`;
const MY = (anchor: string) => `https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html#${anchor}`;
const MY_ALTER = 'https://dev.mysql.com/doc/refman/8.0/en/alter-table.html';
const MDB_INPLACE = 'https://mariadb.com/kb/en/innodb-online-ddl-operations-with-the-inplace-alter-algorithm/';
const MDB_INSTANT = 'https://mariadb.com/kb/en/innodb-online-ddl-operations-with-the-instant-alter-algorithm/';
const MDB_NOCOPY = 'https://mariadb.com/kb/en/innodb-online-ddl-operations-with-the-nocopy-alter-algorithm/';
const MDB_ALTER = 'https://mariadb.com/kb/en/alter-table/';
const LOCKS = PGD('explicit-locking', 'LOCKING-TABLES');
const ALTER = (anchor = '') => PGD('sql-altertable', anchor);

type Extra = Partial<Pick<ProofCase, 'earlier' | 'columns' | 'rule' | 'lock' | 'version'>>;
const bad = (dialect: Dialect, id: string, source: string, sql: string, rule: string, extra: Extra = {}): ProofCase => ({
  id,
  dialect,
  version: DEFAULT_VERSIONS[dialect],
  source,
  sql,
  verdict: 'dangerous',
  rule,
  ...extra,
});
const ok = (dialect: Dialect, id: string, source: string, sql: string, extra: Extra = {}): ProofCase => ({
  id,
  dialect,
  version: DEFAULT_VERSIONS[dialect],
  source,
  sql,
  verdict: 'safe',
  ...extra,
});

const USERS_PG = `CREATE TABLE users (id int PRIMARY KEY, email varchar(100), name varchar(100), price numeric(12,4), amount numeric(12,2),
  created_at timestamp(6), seen_at timestamp(3), qty int, body text, org_id int);`;

const pg = (id: string, source: string, sql: string, rule: string, extra: Extra = {}) => bad('postgres', id, source, sql, rule, extra);
const pgOk = (id: string, source: string, sql: string, extra: Extra = {}) => ok('postgres', id, source, sql, extra);

const POSTGRES: ProofCase[] = [
  // Indexes.
  pg('pg-create-index', SQ('require-concurrent-index-creation'), 'CREATE INDEX users_email_idx ON users (email);', 'index-not-concurrent', {
    lock: 'SHARE',
  }),
  pg(
    'pg-create-unique-index',
    SM('adding-an-index-non-concurrently'),
    'CREATE UNIQUE INDEX users_email_key ON users (email);',
    'index-not-concurrent',
    { lock: 'SHARE' },
  ),
  pg('pg-create-index-expr', EU('E6'), 'CREATE INDEX users_lower_email_idx ON users (lower(email));', 'index-not-concurrent'),
  pg(
    'pg-create-index-gin',
    PGD('sql-createindex'),
    "CREATE INDEX docs_body_idx ON docs USING gin (to_tsvector('english', body));",
    'index-not-concurrent',
  ),
  pg(
    'pg-create-index-partial',
    PGD('sql-createindex'),
    'CREATE INDEX orders_open_idx ON orders (created_at) WHERE NOT shipped;',
    'index-not-concurrent',
  ),
  pg('pg-drop-index', SQ('require-concurrent-index-deletion'), 'DROP INDEX users_email_idx;', 'drop-index-not-concurrent', {
    lock: 'ACCESS EXCLUSIVE',
  }),
  pg('pg-drop-index-if-exists', PGD('sql-dropindex'), 'DROP INDEX IF EXISTS users_email_idx;', 'drop-index-not-concurrent', {
    lock: 'ACCESS EXCLUSIVE',
  }),
  pg('pg-reindex-index', SQ('require-concurrent-reindex'), 'REINDEX INDEX users_email_idx;', 'reindex-not-concurrent'),
  pg('pg-reindex-table', PGD('sql-reindex'), 'REINDEX TABLE users;', 'reindex-not-concurrent', { lock: 'SHARE' }),
  pg('pg-reindex-concurrent-pg11', PGD('sql-reindex'), 'REINDEX TABLE CONCURRENTLY users;', 'fails-on-server', { version: '11' }),
  pg(
    'pg-concurrent-index-in-transaction',
    SQ('ban-concurrent-index-creation-in-transaction'),
    'BEGIN;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\nCOMMIT;',
    'concurrent-index-in-transaction',
  ),
  // Constraints.
  pg(
    'pg-add-fk',
    SQ('adding-foreign-key-constraint'),
    'ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id);',
    'constraint-not-valid-missing',
    { lock: 'SHARE ROW EXCLUSIVE' },
  ),
  pg(
    'pg-add-fk-strong',
    SM('adding-a-foreign-key'),
    'ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id);',
    'constraint-not-valid-missing',
  ),
  pg(
    'pg-add-column-references',
    SM('adding-a-reference'),
    'ALTER TABLE orders ADD COLUMN user_id bigint REFERENCES users (id);',
    'constraint-not-valid-missing',
  ),
  pg(
    'pg-add-check',
    SQ('constraint-missing-not-valid'),
    'ALTER TABLE users ADD CONSTRAINT users_qty_check CHECK (qty > 0);',
    'constraint-not-valid-missing',
    { lock: 'ACCESS EXCLUSIVE' },
  ),
  pg(
    'pg-add-check-eugene',
    EU('E1'),
    'alter table authors\n    add constraint name_not_null\n        check (name is not null);',
    'constraint-not-valid-missing',
  ),
  pg(
    'pg-add-check-strong',
    SM('adding-a-check-constraint'),
    'ALTER TABLE users ADD CONSTRAINT price_check CHECK (price > 0);',
    'constraint-not-valid-missing',
  ),
  pg(
    'pg-validate-same-transaction',
    SQ('constraint-missing-not-valid'),
    'BEGIN;\nALTER TABLE distributors ADD CONSTRAINT distfk FOREIGN KEY (address) REFERENCES addresses (address) NOT VALID;\nALTER TABLE distributors VALIDATE CONSTRAINT distfk;\nCOMMIT;',
    'validate-in-same-transaction',
  ),
  pg(
    'pg-add-unique',
    SQ('disallowed-unique-constraint'),
    'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);',
    'unique-constraint-builds-index',
  ),
  pg(
    'pg-add-unique-eugene',
    EU('E7'),
    'alter table authors\n    add constraint unique_name unique(name);',
    'unique-constraint-builds-index',
  ),
  pg(
    'pg-add-primary-key',
    SQ('adding-serial-primary-key-field'),
    'ALTER TABLE items ADD PRIMARY KEY (id);',
    'unique-constraint-builds-index',
  ),
  pg(
    'pg-add-exclusion',
    EU('E8'),
    'alter table authors\n    add constraint authors_name_excl\n        exclude (name with =);',
    'exclusion-constraint',
    { lock: 'ACCESS EXCLUSIVE' },
  ),
  pg(
    'pg-add-exclusion-gist',
    SM('adding-an-exclusion-constraint'),
    'ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&);',
    'exclusion-constraint',
  ),
  pg(
    'pg-domain-constraint',
    SQ('ban-alter-domain-with-add-constraint'),
    "ALTER DOMAIN domain_name ADD CONSTRAINT constraint_name CHECK (value = 'value');",
    'domain-constraint-scan',
  ),
  pg(
    'pg-domain-constraint-manual',
    PGD('sql-alterdomain'),
    'ALTER DOMAIN zipcode ADD CONSTRAINT zipchk CHECK (char_length(VALUE) = 5);',
    'domain-constraint-scan',
  ),
  pg('pg-domain-not-null', PGD('sql-alterdomain'), 'ALTER DOMAIN zipcode SET NOT NULL;', 'domain-constraint-scan'),
  // NOT NULL.
  pg('pg-set-not-null', SQ('adding-not-nullable-field'), 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;', 'set-not-null-scan', {
    lock: 'ACCESS EXCLUSIVE',
  }),
  pg('pg-set-not-null-eugene', EU('E2'), 'alter table authors\n    alter column name set not null;', 'set-not-null-scan'),
  pg(
    'pg-set-not-null-strong',
    SM('setting-not-null-on-an-existing-column'),
    'ALTER TABLE users ALTER COLUMN some_column SET NOT NULL;',
    'set-not-null-scan',
  ),
  pg(
    'pg-set-not-null-check-not-validated',
    SM('setting-not-null-on-an-existing-column'),
    'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
    'set-not-null-scan',
    { earlier: [USERS_PG, 'ALTER TABLE users ADD CONSTRAINT users_email_null CHECK (email IS NOT NULL) NOT VALID;'] },
  ),
  pg('pg-add-required', SQ('adding-required-field'), 'ALTER TABLE core_recipe ADD COLUMN foo integer NOT NULL;', 'add-column-required'),
  // Adding columns.
  pg(
    'pg-add-default-pg10',
    SQ('adding-field-with-default'),
    'ALTER TABLE core_recipe ADD COLUMN foo integer DEFAULT 10;',
    'add-column-rewrite',
    { version: '10', lock: 'ACCESS EXCLUSIVE' },
  ),
  pg(
    'pg-add-volatile-default',
    SQ('adding-field-with-default'),
    'ALTER TABLE core_recipe ADD COLUMN foo uuid DEFAULT gen_random_uuid();',
    'add-column-rewrite',
  ),
  pg(
    'pg-add-volatile-default-strong',
    SM('adding-a-column-with-a-volatile-default-value'),
    'ALTER TABLE users ADD COLUMN some_column timestamptz DEFAULT clock_timestamp();',
    'add-column-rewrite',
  ),
  pg(
    'pg-add-random-default',
    PGD('ddl-alter', 'DDL-ALTER-ADDING-A-COLUMN'),
    'ALTER TABLE users ADD COLUMN score float8 DEFAULT random();',
    'add-column-rewrite',
  ),
  pg('pg-add-bigserial', SQ('adding-serial-primary-key-field'), 'ALTER TABLE users ADD COLUMN id2 bigserial;', 'add-column-rewrite'),
  pg('pg-add-serial-pk', SQ('adding-serial-primary-key-field'), 'ALTER TABLE a ADD COLUMN b serial PRIMARY KEY;', 'add-column-rewrite'),
  pg(
    'pg-add-identity',
    SM('adding-an-auto-incrementing-column'),
    'ALTER TABLE users ADD COLUMN legacy_id bigint GENERATED ALWAYS AS IDENTITY;',
    'add-column-rewrite',
  ),
  pg(
    'pg-add-stored-generated',
    SM('adding-a-stored-generated-column'),
    'ALTER TABLE users ADD COLUMN total numeric GENERATED ALWAYS AS (price * qty) STORED;',
    'add-column-rewrite',
  ),
  pg(
    'pg-add-stored-generated-eugene',
    EU('E11'),
    'alter table prices\n    add column total int generated always as (price * 2) stored;',
    'add-column-rewrite',
  ),
  pg(
    'pg-add-unique-column',
    PGD('sql-altertable'),
    'ALTER TABLE users ADD COLUMN email_lower text UNIQUE;',
    'unique-constraint-builds-index',
  ),
  // Type changes.
  // A json column on an existing table (app compatibility).
  pg('pg-add-json', SM('adding-a-json-column'), 'ALTER TABLE users ADD COLUMN properties json;', 'json-column'),
  pg('pg-add-json-eugene', EU('E3'), 'alter table authors\n    add column meta json;', 'json-column'),
  pg(
    'pg-type-change',
    SQ('changing-column-type'),
    'ALTER TABLE "core_recipe" ALTER COLUMN "edits" TYPE text USING "edits"::text;',
    'alter-column-type',
  ),
  pg('pg-int-to-bigint', SM('changing-the-type-of-a-column'), 'ALTER TABLE users ALTER COLUMN id TYPE bigint;', 'alter-column-type', {
    lock: 'ACCESS EXCLUSIVE',
    earlier: [USERS_PG],
  }),
  pg('pg-int-to-bigint-no-facts', EU('E5'), 'alter table prices\n    alter column price set data type bigint;', 'alter-column-type'),
  pg(
    'pg-varchar-shrink',
    SM('changing-the-type-of-a-column'),
    'ALTER TABLE users ALTER COLUMN name TYPE varchar(50);',
    'alter-column-type',
    { earlier: [USERS_PG] },
  ),
  pg(
    'pg-text-to-varchar',
    SM('changing-the-type-of-a-column'),
    'ALTER TABLE users ALTER COLUMN body TYPE varchar(200);',
    'alter-column-type',
    { earlier: [USERS_PG] },
  ),
  pg(
    'pg-numeric-scale',
    SM('changing-the-type-of-a-column'),
    'ALTER TABLE users ALTER COLUMN price TYPE numeric(12,2);',
    'alter-column-type',
    { earlier: [USERS_PG] },
  ),
  pg(
    'pg-numeric-precision-down',
    ALTER('SQL-ALTERTABLE-NOTES'),
    'ALTER TABLE users ALTER COLUMN amount TYPE numeric(10,2);',
    'alter-column-type',
    { earlier: [USERS_PG] },
  ),
  pg(
    'pg-timestamp-precision-down',
    SM('changing-the-type-of-a-column'),
    'ALTER TABLE users ALTER COLUMN created_at TYPE timestamp(0);',
    'alter-column-type',
    { earlier: [USERS_PG] },
  ),
  pg(
    'pg-type-using',
    ALTER('SQL-ALTERTABLE-NOTES'),
    'ALTER TABLE users ALTER COLUMN qty TYPE numeric USING qty::numeric;',
    'alter-column-type',
    { lock: 'ACCESS EXCLUSIVE' },
  ),
  pg(
    'pg-type-using-manual',
    ALTER('SQL-ALTERTABLE-EXAMPLES'),
    "ALTER TABLE foo\n    ALTER COLUMN foo_timestamp SET DATA TYPE timestamp with time zone\n    USING\n        timestamp with time zone 'epoch' + foo_timestamp * interval '1 second';",
    'alter-column-type',
  ),
  pg(
    'pg-timestamp-to-timestamptz',
    SM('changing-the-type-of-a-column'),
    'ALTER TABLE users ALTER COLUMN created_at TYPE timestamptz;',
    'alter-column-type',
    { earlier: [USERS_PG] },
  ),
  pg('pg-int-to-text', ALTER('SQL-ALTERTABLE-NOTES'), 'ALTER TABLE users ALTER COLUMN qty TYPE text;', 'alter-column-type', {
    earlier: [USERS_PG],
  }),
  // Whole-table rewrites and maintenance.
  pg('pg-vacuum-full', PGD('sql-vacuum'), 'VACUUM FULL users;', 'table-rewrite', { lock: 'ACCESS EXCLUSIVE' }),
  pg('pg-vacuum-full-options', PGD('sql-vacuum'), 'VACUUM (FULL, ANALYZE) users;', 'table-rewrite'),
  pg('pg-cluster', PGD('sql-cluster'), 'CLUSTER users USING users_pkey;', 'table-rewrite', { lock: 'ACCESS EXCLUSIVE' }),
  pg('pg-cluster-again', PGD('sql-cluster'), 'CLUSTER employees;', 'table-rewrite'),
  pg('pg-set-logged', ALTER('SQL-ALTERTABLE-DESC-SET-LOGGED-UNLOGGED'), 'ALTER TABLE users SET LOGGED;', 'table-rewrite', {
    lock: 'ACCESS EXCLUSIVE',
  }),
  pg('pg-set-unlogged', ALTER('SQL-ALTERTABLE-DESC-SET-LOGGED-UNLOGGED'), 'ALTER TABLE users SET UNLOGGED;', 'table-rewrite'),
  pg(
    'pg-set-tablespace',
    ALTER('SQL-ALTERTABLE-DESC-SET-TABLESPACE'),
    'ALTER TABLE distributors SET TABLESPACE fasttablespace;',
    'table-rewrite',
    { lock: 'ACCESS EXCLUSIVE' },
  ),
  pg('pg-refresh-matview', PGD('sql-refreshmaterializedview'), 'REFRESH MATERIALIZED VIEW order_summary;', 'refresh-not-concurrent', {
    lock: 'ACCESS EXCLUSIVE',
  }),
  pg(
    'pg-refresh-matview-with-data',
    PGD('sql-refreshmaterializedview'),
    'REFRESH MATERIALIZED VIEW annual_statistics_basis WITH DATA;',
    'refresh-not-concurrent',
  ),
  pg(
    'pg-detach-partition',
    SQ('require-concurrent-partition-detach'),
    'ALTER TABLE measurement DETACH PARTITION measurement_y2015m12;',
    'detach-partition-not-concurrent',
    { lock: 'ACCESS EXCLUSIVE' },
  ),
  pg(
    'pg-detach-concurrently-pg13',
    ALTER('SQL-ALTERTABLE-DETACH-PARTITION'),
    'ALTER TABLE measurement DETACH PARTITION measurement_y2015m12 CONCURRENTLY;',
    'fails-on-server',
    { version: '13' },
  ),
  pg('pg-lock-table', LOCKS, 'LOCK TABLE films IN ACCESS EXCLUSIVE MODE;', 'explicit-lock', { lock: 'ACCESS EXCLUSIVE' }),
  pg('pg-lock-table-share', PGD('sql-lock'), 'LOCK TABLE films IN SHARE MODE;', 'explicit-lock', { lock: 'SHARE' }),
  pg('pg-truncate', PGD('sql-truncate'), 'TRUNCATE users;', 'truncate-table', { lock: 'ACCESS EXCLUSIVE' }),
  pg('pg-truncate-cascade', SQ('ban-truncate-cascade'), 'truncate a, b, c cascade;', 'truncate-table'),
  // Renames and drops (clients still use the old name).
  pg('pg-rename-column', SQ('renaming-column'), 'ALTER TABLE "table_name" RENAME COLUMN "column_name" TO "new_column_name";', 'rename'),
  pg('pg-rename-column-strong', SM('renaming-a-column'), 'ALTER TABLE users RENAME COLUMN some_column TO new_name;', 'rename'),
  pg('pg-rename-table', SQ('renaming-table'), 'ALTER TABLE "table_name" RENAME TO "new_table_name";', 'rename'),
  pg('pg-rename-table-strong', SM('renaming-a-table'), 'ALTER TABLE users RENAME TO customers;', 'rename'),
  pg('pg-rename-schema', PGD('sql-alterschema'), 'ALTER SCHEMA app RENAME TO core;', 'rename'),
  pg('pg-rename-enum-value', PGD('sql-altertype'), "ALTER TYPE colors RENAME VALUE 'purple' TO 'mauve';", 'rename', { lock: 'EXCLUSIVE' }),
  // The manuals' rename examples for a routine and a type: code still using the old name fails.
  pg('pg-rename-function', PGD('sql-alterfunction'), 'ALTER FUNCTION sqrt(integer) RENAME TO square_root;', 'rename', {
    lock: 'ACCESS EXCLUSIVE',
  }),
  pg('pg-rename-type', PGD('sql-altertype'), 'ALTER TYPE electronic_mail RENAME TO email;', 'rename', { lock: 'NONE' }),
  pg('pg-drop-table', SQ('ban-drop-table'), 'DROP TABLE "table_name";', 'drop-table'),
  pg(
    'pg-drop-table-recreate',
    SQ('ban-drop-table'),
    'DROP TABLE users;\nCREATE TABLE users (id bigint PRIMARY KEY, email text);',
    'drop-table',
  ),
  // DROP of a schema, type or extension with CASCADE drops what depends on it (tables, columns), each table under ACCESS EXCLUSIVE.
  pg('pg-drop-schema-cascade', PGD('sql-dropschema'), 'DROP SCHEMA reporting CASCADE;', 'drop-object', { lock: 'ACCESS EXCLUSIVE' }),
  pg('pg-drop-type-cascade', PGD('sql-droptype'), 'DROP TYPE box CASCADE;', 'drop-object', { lock: 'ACCESS EXCLUSIVE' }),
  pg('pg-drop-extension-cascade', PGD('sql-dropextension'), 'DROP EXTENSION hstore CASCADE;', 'drop-object', {
    lock: 'ACCESS EXCLUSIVE',
  }),
  // The source shows what depends on a function; calling it "dangerous" without CASCADE (callers fail once it is gone) is this corpus's label.
  pg('pg-drop-function', PGD('ddl-depend'), 'DROP FUNCTION get_color_note (rainbow);', 'drop-object'),
  // ALTER TYPE … ADD VALUE: "cannot be executed inside a transaction block" (PostgreSQL 11 manual, Notes); from 12 "the new
  // value cannot be used until after the transaction has been committed" (PostgreSQL 15 manual, Notes).
  pg(
    'pg-enum-add-value-in-transaction-pg11',
    'https://www.postgresql.org/docs/11/sql-altertype.html',
    "BEGIN;\nALTER TYPE colors ADD VALUE 'orange' AFTER 'red';\nCOMMIT;",
    'enum-value-in-transaction',
    { version: '11', lock: 'EXCLUSIVE' },
  ),
  pg(
    'pg-enum-add-value-used-before-commit',
    PGD('sql-altertype'),
    "BEGIN;\nALTER TYPE colors ADD VALUE 'orange' AFTER 'red';\nINSERT INTO paints (name, color) VALUES ('sunset', 'orange');\nCOMMIT;",
    'enum-value-in-transaction',
    { lock: 'EXCLUSIVE' },
  ),
  // DROP SCHEMA … CASCADE "automatically drop[s] objects (tables, functions, etc.) that are contained in the schema": a
  // schema made in this migration is dangerous to drop once an existing table was moved into it.
  pg(
    'pg-drop-new-schema-holding-old-table',
    PGD('sql-dropschema'),
    'CREATE SCHEMA archive;\nALTER TABLE users SET SCHEMA archive;\nDROP SCHEMA archive CASCADE;',
    'drop-object',
    { lock: 'ACCESS EXCLUSIVE' },
  ),
  // SET ACCESS METHOD: "changes the access method of the table by rewriting it" (PostgreSQL 15 manual); before 15 it does not exist.
  pg(
    'pg-set-access-method',
    ALTER('SQL-ALTERTABLE-DESC-SET-ACCESS-METHOD'),
    'ALTER TABLE users SET ACCESS METHOD heap2;',
    'table-rewrite',
    {
      lock: 'ACCESS EXCLUSIVE',
    },
  ),
  pg(
    'pg-set-access-method-pg14',
    ALTER('SQL-ALTERTABLE-DESC-SET-ACCESS-METHOD'),
    'ALTER TABLE users SET ACCESS METHOD heap2;',
    'fails-on-server',
    {
      version: '14',
    },
  ),
  pg('pg-drop-column', SQ('ban-drop-column'), 'ALTER TABLE "bar_tbl" DROP COLUMN "foo_col" CASCADE;', 'drop-column'),
  pg('pg-drop-column-strong', SM('removing-a-column'), 'ALTER TABLE users DROP COLUMN some_column;', 'drop-column'),
  // A backfill in the transaction that holds the table's lock.
  pg(
    'pg-backfill-same-transaction',
    SM('backfilling-data'),
    "BEGIN;\nALTER TABLE users ADD COLUMN some_column text;\nUPDATE users SET some_column = 'default_value';\nCOMMIT;",
    'backfill-in-locking-transaction',
  ),
  pg(
    'pg-backfill-after-not-null',
    EU('E4'),
    "BEGIN;\nalter table authors add column email text;\nupdate authors set email = 'example@example.com';\nCOMMIT;",
    'backfill-in-locking-transaction',
  ),
  pg(
    'pg-backfill-dbmate',
    SM('backfilling-data'),
    '-- migrate:up\nALTER TABLE users ADD CONSTRAINT users_qty_check CHECK (qty > 0) NOT VALID;\nUPDATE users SET qty = 1 WHERE qty IS NULL;',
    'backfill-in-locking-transaction',
  ),
];

const POSTGRES_SAFE: ProofCase[] = [
  pgOk(
    'pg-ok-create-index-concurrently',
    SQ('require-concurrent-index-creation'),
    'CREATE INDEX CONCURRENTLY "email_idx" ON "app_user" ("email");',
  ),
  pgOk(
    'pg-ok-create-unique-index-concurrently',
    SM('adding-an-index-non-concurrently'),
    'CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);',
  ),
  pgOk('pg-ok-drop-index-concurrently', SQ('require-concurrent-index-deletion'), 'DROP INDEX CONCURRENTLY IF EXISTS "field_name_idx";'),
  pgOk('pg-ok-reindex-concurrently', SQ('require-concurrent-reindex'), 'REINDEX INDEX CONCURRENTLY users_email_idx;'),
  pgOk(
    'pg-ok-detach-concurrently',
    SQ('require-concurrent-partition-detach'),
    'ALTER TABLE measurement DETACH PARTITION measurement_y2015m12 CONCURRENTLY;',
  ),
  pgOk('pg-ok-refresh-concurrently', PGD('sql-refreshmaterializedview'), 'REFRESH MATERIALIZED VIEW CONCURRENTLY order_summary;'),
  pgOk(
    'pg-ok-domain-not-valid',
    PGD('sql-alterdomain'),
    'ALTER DOMAIN zipcode ADD CONSTRAINT zipchk CHECK (char_length(VALUE) = 5) NOT VALID;',
  ),
  pgOk('pg-ok-domain-validate', PGD('sql-alterdomain'), 'ALTER DOMAIN zipcode VALIDATE CONSTRAINT zipchk;'),
  pgOk(
    'pg-ok-fk-not-valid',
    SQ('adding-foreign-key-constraint'),
    'ALTER TABLE "email" ADD CONSTRAINT "fk_user" FOREIGN KEY ("user_id") REFERENCES "user" ("id") NOT VALID;',
  ),
  pgOk('pg-ok-validate-fk', SQ('adding-foreign-key-constraint'), 'ALTER TABLE "email" VALIDATE CONSTRAINT "fk_user";'),
  pgOk(
    'pg-ok-check-not-valid',
    EU('E1'),
    'alter table authors\n    add constraint name_not_null\n        check (name is not null) not valid;',
  ),
  pgOk('pg-ok-validate-check', EU('E1'), 'alter table authors\n    validate constraint name_not_null;'),
  pgOk(
    'pg-ok-unique-using-index',
    SQ('disallowed-unique-constraint'),
    'ALTER TABLE distributors ADD CONSTRAINT dist_id_zipcode_key UNIQUE USING INDEX dist_id_zipcode_idx;',
  ),
  pgOk('pg-ok-add-nullable-column', SQ('adding-required-field'), 'ALTER TABLE "core_recipe" ADD COLUMN "foo" integer;'),
  pgOk('pg-ok-add-constant-default', SQ('adding-field-with-default'), 'ALTER TABLE "core_recipe" ADD COLUMN "foo" integer DEFAULT 10;'),
  pgOk(
    'pg-ok-add-not-null-default',
    SM('adding-a-column-with-a-default-value'),
    'ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;',
  ),
  pgOk(
    'pg-ok-add-now-default',
    PGD('ddl-alter', 'DDL-ALTER-ADDING-A-COLUMN'),
    'ALTER TABLE users ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();',
  ),
  pgOk(
    'pg-ok-constant-array-default',
    PGD('ddl-alter', 'DDL-ALTER-ADDING-A-COLUMN'),
    "ALTER TABLE users ADD COLUMN tags text[] NOT NULL DEFAULT '{}';",
  ),
  pgOk(
    'pg-ok-constant-array-constructor',
    PGD('ddl-alter', 'DDL-ALTER-ADDING-A-COLUMN'),
    "ALTER TABLE users ADD COLUMN roles text[] DEFAULT ARRAY['reader', 'writer'];",
  ),
  pgOk(
    'pg-ok-constant-int-array',
    PGD('ddl-alter', 'DDL-ALTER-ADDING-A-COLUMN'),
    'ALTER TABLE users ADD COLUMN scores int[] DEFAULT ARRAY[0, 0, 0]::int[];',
  ),
  pgOk('pg-ok-set-not-null-after-validated-check', EU('E2'), 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;', {
    earlier: [
      USERS_PG,
      'ALTER TABLE users ADD CONSTRAINT users_email_null CHECK (email IS NOT NULL) NOT VALID;',
      'ALTER TABLE users VALIDATE CONSTRAINT users_email_null;',
    ],
  }),
  pgOk(
    'pg-ok-set-not-null-strong',
    SM('setting-not-null-on-an-existing-column'),
    'ALTER TABLE users ALTER COLUMN some_column SET NOT NULL;',
    {
      earlier: [
        'CREATE TABLE users (id bigint PRIMARY KEY, some_column text);',
        'ALTER TABLE users ADD CONSTRAINT users_some_column_null CHECK (some_column IS NOT NULL) NOT VALID;',
        'ALTER TABLE users VALIDATE CONSTRAINT users_some_column_null;',
      ],
    },
  ),
  pgOk('pg-ok-varchar-widen', ALTER('SQL-ALTERTABLE-NOTES'), 'ALTER TABLE users ALTER COLUMN name TYPE varchar(200);', {
    earlier: [USERS_PG],
  }),
  pgOk('pg-ok-varchar-to-text', ALTER('SQL-ALTERTABLE-NOTES'), 'ALTER TABLE users ALTER COLUMN email TYPE text;', { earlier: [USERS_PG] }),
  pgOk('pg-ok-numeric-precision-up', ALTER('SQL-ALTERTABLE-NOTES'), 'ALTER TABLE users ALTER COLUMN amount TYPE numeric(16,2);', {
    earlier: [USERS_PG],
  }),
  pgOk('pg-ok-timestamp-precision-up', ALTER('SQL-ALTERTABLE-NOTES'), 'ALTER TABLE users ALTER COLUMN seen_at TYPE timestamp(6);', {
    earlier: [USERS_PG],
  }),
  pgOk(
    'pg-ok-index-new-table',
    SQ('require-concurrent-index-creation'),
    'CREATE TABLE notes (id bigint PRIMARY KEY, body text);\nCREATE INDEX notes_body_idx ON notes (body);',
  ),
  pgOk(
    'pg-ok-create-table',
    SQ('prefer-robust-stmts'),
    'CREATE TABLE IF NOT EXISTS posts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, title text NOT NULL);',
  ),
  pgOk('pg-ok-set-default', ALTER('SQL-ALTERTABLE-DESC-SET-DROP-DEFAULT'), "ALTER TABLE users ALTER COLUMN email SET DEFAULT 'none';"),
  pgOk('pg-ok-drop-default', ALTER('SQL-ALTERTABLE-DESC-SET-DROP-DEFAULT'), 'ALTER TABLE users ALTER COLUMN email DROP DEFAULT;'),
  pgOk('pg-ok-set-statistics', ALTER('SQL-ALTERTABLE-DESC-SET-STATISTICS'), 'ALTER TABLE users ALTER COLUMN email SET STATISTICS 500;'),
  pgOk(
    'pg-ok-storage-params',
    ALTER('SQL-ALTERTABLE-DESC-SET-STORAGE-PARAMETER'),
    'ALTER TABLE users SET (autovacuum_vacuum_scale_factor = 0.01);',
  ),
  pgOk('pg-ok-comment', PGD('sql-comment'), "COMMENT ON COLUMN users.email IS 'primary contact';"),
  pgOk('pg-ok-enum-add-value', SQ('require-enum-value-ordering'), "ALTER TYPE mood ADD VALUE 'ok' AFTER 'sad';"),
  pgOk('pg-ok-vacuum', PGD('sql-vacuum'), 'VACUUM (ANALYZE) users;'),
  pgOk('pg-ok-analyze', PGD('sql-analyze'), 'ANALYZE users;'),
  pgOk('pg-ok-lock-timeout', SQ('require-timeout-settings'), "SET lock_timeout = '1s';\nSET statement_timeout = '5s';"),
  pgOk(
    'pg-ok-batched-backfill',
    SM('backfilling-data'),
    "UPDATE users SET some_column = 'default_value' WHERE id BETWEEN 1 AND 10000 AND some_column IS NULL;",
  ),
  pgOk('pg-ok-add-jsonb', SM('adding-a-json-column'), 'ALTER TABLE users ADD COLUMN properties jsonb;'),
  pgOk('pg-ok-expand-bigint', SM('changing-the-type-of-a-column'), 'ALTER TABLE users ADD COLUMN id_new bigint;'),
  pgOk('pg-ok-drop-new-table', SQ('ban-drop-table'), 'CREATE TABLE tmp_import (id int);\nDROP TABLE tmp_import;'),
  // Objects created earlier in the same migration: no running code uses them yet (this corpus's label, as for a new table above).
  pgOk(
    'pg-ok-drop-new-schema',
    PGD('sql-dropschema'),
    'CREATE SCHEMA staging;\nCREATE TABLE staging.import (id int);\nDROP SCHEMA staging CASCADE;',
  ),
  pgOk(
    'pg-ok-drop-new-function',
    PGD('sql-dropfunction'),
    'CREATE FUNCTION sqrt_floor(integer) RETURNS integer LANGUAGE sql AS $$ SELECT floor(sqrt($1))::int $$;\nDROP FUNCTION sqrt_floor(integer);',
  ),
  pgOk('pg-ok-drop-new-type', PGD('sql-droptype'), "CREATE TYPE box_kind AS ENUM ('small', 'large');\nDROP TYPE box_kind;"),
  // ALTER TYPE … ADD VALUE outside a transaction block (the manual's example), or committed before the value is used.
  pgOk('pg-ok-enum-add-value-manual', PGD('sql-altertype'), "ALTER TYPE colors ADD VALUE 'orange' AFTER 'red';", {
    lock: 'EXCLUSIVE',
  }),
  pgOk(
    'pg-ok-enum-add-value-committed',
    PGD('sql-altertype'),
    "BEGIN;\nALTER TYPE colors ADD VALUE 'orange' AFTER 'red';\nCOMMIT;\nINSERT INTO paints (name, color) VALUES ('sunset', 'orange');",
  ),
  // The manuals' examples of routine options and new owners: catalog changes that block no query.
  pgOk(
    'pg-ok-alter-function-search-path',
    PGD('sql-alterfunction'),
    'ALTER FUNCTION check_password(text) SET search_path = admin, pg_temp;',
    { lock: 'NONE' },
  ),
  pgOk('pg-ok-alter-function-owner', PGD('sql-alterfunction'), 'ALTER FUNCTION sqrt(integer) OWNER TO joe;', {
    lock: 'ACCESS EXCLUSIVE',
  }),
  pgOk('pg-ok-alter-procedure-owner', PGD('sql-alterprocedure'), 'ALTER PROCEDURE insert_data(integer, integer) OWNER TO joe;'),
  pgOk('pg-ok-alter-type-owner', PGD('sql-altertype'), 'ALTER TYPE email OWNER TO joe;', { lock: 'NONE' }),
  pgOk('pg-ok-alter-schema-owner', PGD('sql-alterschema'), 'ALTER SCHEMA app OWNER TO joe;', { lock: 'NONE' }),
  pgOk(
    'pg-ok-volatile-default-new-table',
    SM('adding-a-column-with-a-volatile-default-value'),
    'CREATE TABLE tokens (id int);\nALTER TABLE tokens ADD COLUMN token uuid DEFAULT gen_random_uuid();',
  ),
  pgOk('pg-ok-create-view', PGD('sql-createview'), 'CREATE OR REPLACE VIEW active_users AS SELECT id, email FROM users WHERE active;'),
  pgOk(
    'pg-ok-create-function',
    PGD('sql-createfunction'),
    "CREATE FUNCTION add(integer, integer) RETURNS integer AS 'select $1 + $2;' LANGUAGE SQL IMMUTABLE;",
  ),
  pgOk('pg-ok-reset-statistics', ALTER('SQL-ALTERTABLE-DESC-SET-STATISTICS'), 'ALTER TABLE users ALTER COLUMN email SET STATISTICS -1;'),
  pgOk(
    'pg-ok-check-not-valid-with-volatile-column',
    SQ('constraint-missing-not-valid'),
    'ALTER TABLE users ADD CONSTRAINT positive_qty CHECK (qty > 0) NOT VALID;',
  ),
];

const USERS_MY: readonly ColumnFacts[] = [
  { name: 'id', type: 'int(11)', nullable: false, default: null },
  { name: 'qty', type: 'int(11)', nullable: true, default: null },
  { name: 'price', type: 'decimal(8,2)', nullable: true, default: null },
  { name: 'code', type: 'varchar(60)', nullable: true, default: null, charset: 'utf8mb4' },
  { name: 'label', type: 'varchar(250)', nullable: true, default: null, charset: 'latin1' },
  { name: 'email', type: 'varchar(100)', nullable: true, default: null, charset: 'utf8mb4' },
  { name: 'status', type: "enum('new','paid')", nullable: true, default: null, charset: 'utf8mb4' },
  { name: 'tags', type: "set('a','b','c','d','e','f','g','h')", nullable: true, default: null, charset: 'utf8mb4' },
];
const withUsers = { columns: { users: USERS_MY } };

const my = (id: string, source: string, sql: string, rule: string, extra: Extra = {}) => bad('mysql', id, source, sql, rule, extra);
const myOk = (id: string, source: string, sql: string, extra: Extra = {}) => ok('mysql', id, source, sql, extra);
const mdb = (id: string, source: string, sql: string, rule: string, extra: Extra = {}) => bad('mariadb', id, source, sql, rule, extra);
const mdbOk = (id: string, source: string, sql: string, extra: Extra = {}) => ok('mariadb', id, source, sql, extra);

const MYSQL: ProofCase[] = [
  my(
    'my-varchar-cross-255',
    MY('online-ddl-column-operations'),
    'ALTER TABLE users MODIFY code varchar(64) CHARACTER SET utf8mb4;',
    'alter-column-type',
    { ...withUsers, lock: 'COPY' },
  ),
  my(
    'my-varchar-cross-255-latin1',
    MY('online-ddl-column-operations'),
    'ALTER TABLE users MODIFY label varchar(256) CHARACTER SET latin1;',
    'alter-column-type',
    withUsers,
  ),
  my(
    'my-varchar-cross-no-facts',
    MY('online-ddl-column-operations'),
    'ALTER TABLE t1 ALGORITHM=INPLACE, CHANGE COLUMN c1 c1 VARCHAR(256);',
    'alter-column-type',
  ),
  my(
    'my-varchar-shrink',
    MY('online-ddl-column-operations'),
    'ALTER TABLE users MODIFY email varchar(50) CHARACTER SET utf8mb4;',
    'alter-column-type',
    withUsers,
  ),
  my('my-int-unsigned', MY('online-ddl-column-operations'), 'ALTER TABLE users MODIFY qty int unsigned;', 'alter-column-type', withUsers),
  my('my-int-bigint', MY('online-ddl-column-operations'), 'ALTER TABLE users MODIFY qty bigint;', 'alter-column-type', withUsers),
  my('my-change-type', MY('online-ddl-column-operations'), 'ALTER TABLE users CHANGE qty quantity bigint;', 'alter-column-type', withUsers),
  my('my-decimal', MY('online-ddl-column-operations'), 'ALTER TABLE users MODIFY price decimal(10,2);', 'alter-column-type', withUsers),
  my(
    'my-type-no-facts',
    MY('online-ddl-column-operations'),
    'ALTER TABLE tbl_name MODIFY COLUMN col_name BIGINT NOT NULL;',
    'alter-column-type',
  ),
  my('my-enum-reorder', MY('online-ddl-column-operations'), "ALTER TABLE users MODIFY status enum('paid','new');", 'alter-column-type', {
    ...withUsers,
    lock: 'COPY',
  }),
  my(
    'my-set-ninth-member',
    MY('online-ddl-column-operations'),
    "ALTER TABLE users MODIFY tags set('a','b','c','d','e','f','g','h','i');",
    'alter-column-type',
    withUsers,
  ),
  my(
    'my-fulltext',
    MY('online-ddl-index-operations'),
    'CREATE FULLTEXT INDEX articles_title_ft ON articles (title);',
    'index-not-concurrent',
    { lock: 'SHARED' },
  ),
  my(
    'my-fulltext-alter',
    MY('online-ddl-index-operations'),
    'ALTER TABLE articles ADD FULLTEXT INDEX articles_body_ft (body);',
    'index-not-concurrent',
    { lock: 'SHARED' },
  ),
  my(
    'my-spatial',
    MY('online-ddl-index-operations'),
    'ALTER TABLE geom ADD SPATIAL INDEX(g), ALGORITHM=INPLACE, LOCK=SHARED;',
    'lock-blocks-writes',
    { lock: 'SHARED' },
  ),
  my('my-spatial-create', MY('online-ddl-index-operations'), 'CREATE SPATIAL INDEX g_idx ON geom (g);', 'index-not-concurrent'),
  my(
    'my-drop-primary-key',
    MY('online-ddl-primary-key-operations'),
    'ALTER TABLE tbl_name DROP PRIMARY KEY, ALGORITHM=COPY;',
    'algorithm-copy',
  ),
  my('my-drop-primary-key-plain', MY('online-ddl-primary-key-operations'), 'ALTER TABLE users DROP PRIMARY KEY;', 'blocking-ddl', {
    lock: 'COPY',
  }),
  my(
    'my-convert-charset',
    MY('online-ddl-table-operations'),
    'ALTER TABLE tbl_name CONVERT TO CHARACTER SET latin1, ALGORITHM=COPY;',
    'algorithm-copy',
  ),
  my(
    'my-convert-charset-plain',
    MY('online-ddl-table-operations'),
    'ALTER TABLE users CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci;',
    'blocking-ddl',
    { lock: 'COPY' },
  ),
  my('my-algorithm-copy', MY('online-ddl-column-operations'), 'ALTER TABLE users ADD COLUMN note text, ALGORITHM=COPY;', 'algorithm-copy'),
  my(
    'my-add-fk-checks-on',
    MY('online-ddl-foreign-key-operations'),
    'ALTER TABLE tbl1 ADD CONSTRAINT fk_name FOREIGN KEY index (col1) REFERENCES tbl2(col2);',
    'blocking-ddl',
  ),
  my(
    'my-add-auto-increment',
    MY('online-ddl-column-operations'),
    'ALTER TABLE users ADD COLUMN seq int NOT NULL AUTO_INCREMENT, ADD KEY (seq);',
    'add-column-rewrite',
  ),
  my(
    'my-add-stored-generated',
    MY('online-ddl-generated-column-operations'),
    'ALTER TABLE t1 ADD COLUMN (c2 INT GENERATED ALWAYS AS (c1 + 1) STORED), ALGORITHM=COPY;',
    'algorithm-copy',
  ),
  my(
    'my-add-stored-generated-plain',
    MY('online-ddl-generated-column-operations'),
    'ALTER TABLE t1 ADD COLUMN c3 INT GENERATED ALWAYS AS (c1 + 2) STORED;',
    'add-column-rewrite',
  ),
  my(
    'my-modify-stored-generated-order',
    MY('online-ddl-generated-column-operations'),
    'ALTER TABLE t1 MODIFY COLUMN c2 INT GENERATED ALWAYS AS (c1 + 1) STORED FIRST;',
    'alter-column-type',
  ),
  my('my-instant-fails-57', MY_ALTER, 'ALTER TABLE users ADD COLUMN note varchar(20), ALGORITHM=INSTANT;', 'fails-on-server', {
    version: '5.7.44',
  }),
  my('my-drop-table', MY_ALTER, 'DROP TABLE users;', 'drop-table'),
  my('my-rename-table', 'https://dev.mysql.com/doc/refman/8.0/en/rename-table.html', 'RENAME TABLE old_table TO new_table;', 'rename'),
  my('my-rename-column', MY('online-ddl-column-operations'), 'ALTER TABLE tbl RENAME COLUMN old_col_name TO new_col_name;', 'rename'),
  my('my-drop-column', MY('online-ddl-column-operations'), 'ALTER TABLE tbl_name DROP COLUMN column_name;', 'drop-column'),
  my(
    'my-lock-shared-clause',
    MY('online-ddl-index-operations'),
    'ALTER TABLE users ADD INDEX users_qty_idx (qty), ALGORITHM=INPLACE, LOCK=SHARED;',
    'lock-blocks-writes',
  ),
  my('my-lock-exclusive-clause', MY_ALTER, 'ALTER TABLE users ADD INDEX users_qty_idx (qty), LOCK=EXCLUSIVE;', 'lock-blocks-writes'),
  my('my-lock-tables', 'https://dev.mysql.com/doc/refman/8.0/en/lock-tables.html', 'LOCK TABLES users WRITE;', 'explicit-lock'),
  // Code that still calls a dropped routine fails (this corpus's label; nothing on the server stops the DROP).
  my(
    'my-drop-function',
    'https://dev.mysql.com/doc/refman/8.0/en/drop-procedure.html',
    'DROP FUNCTION IF EXISTS order_total;',
    'drop-object',
    {
      lock: 'EXCLUSIVE',
    },
  ),
];

const MYSQL_SAFE: ProofCase[] = [
  myOk('my-ok-add-column-instant', MY('online-ddl-column-operations'), 'ALTER TABLE users ADD COLUMN note varchar(200) NULL;'),
  myOk(
    'my-ok-add-column-default',
    MY('online-ddl-column-operations'),
    "ALTER TABLE users ADD COLUMN status varchar(20) NOT NULL DEFAULT 'new', ALGORITHM=INSTANT;",
  ),
  myOk('my-ok-add-index', MY('online-ddl-index-operations'), 'CREATE INDEX orders_customer_idx ON orders (customer_id);'),
  myOk('my-ok-add-index-alter', MY('online-ddl-index-operations'), 'ALTER TABLE orders ADD INDEX orders_placed_idx (placed_at);'),
  myOk('my-ok-drop-index', MY('online-ddl-index-operations'), 'DROP INDEX orders_placed_idx ON orders;'),
  myOk(
    'my-ok-rename-index',
    MY('online-ddl-index-operations'),
    'ALTER TABLE tbl RENAME INDEX old_index_name TO new_index_name, ALGORITHM=INPLACE, LOCK=NONE;',
  ),
  myOk(
    'my-ok-set-default',
    MY('online-ddl-column-operations'),
    "ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'new', ALGORITHM=INSTANT;",
  ),
  myOk(
    'my-ok-varchar-same-prefix',
    MY('online-ddl-column-operations'),
    'ALTER TABLE users MODIFY code varchar(63) CHARACTER SET utf8mb4;',
    withUsers,
  ),
  myOk(
    'my-ok-varchar-latin1',
    MY('online-ddl-column-operations'),
    'ALTER TABLE users MODIFY label varchar(255) CHARACTER SET latin1;',
    withUsers,
  ),
  myOk(
    'my-ok-enum-append',
    MY('online-ddl-column-operations'),
    "ALTER TABLE users MODIFY status enum('new','paid','shipped'), ALGORITHM=INSTANT;",
    withUsers,
  ),
  myOk(
    'my-ok-fk-checks-off',
    MY('online-ddl-foreign-key-operations'),
    'SET foreign_key_checks = 0;\nALTER TABLE tbl1 ADD CONSTRAINT fk_name FOREIGN KEY index (col1) REFERENCES tbl2(col2), ALGORITHM=INPLACE, LOCK=NONE;\nSET foreign_key_checks = 1;',
  ),
  myOk('my-ok-drop-fk', MY('online-ddl-foreign-key-operations'), 'ALTER TABLE tbl DROP FOREIGN KEY fk_name;'),
  myOk(
    'my-ok-virtual-generated',
    MY('online-ddl-generated-column-operations'),
    'ALTER TABLE t1 ADD COLUMN (c2 INT GENERATED ALWAYS AS (c1 + 1) VIRTUAL), ALGORITHM=INSTANT;',
  ),
  myOk('my-ok-auto-increment-value', MY('online-ddl-table-operations'), 'ALTER TABLE orders AUTO_INCREMENT = 100000;'),
  myOk('my-ok-create-table', MY_ALTER, 'CREATE TABLE audit (id bigint PRIMARY KEY AUTO_INCREMENT, body json) ENGINE=InnoDB;'),
  myOk(
    'my-ok-index-new-table',
    MY('online-ddl-index-operations'),
    'CREATE TABLE t9 (id int PRIMARY KEY, body text) ENGINE=InnoDB;\nCREATE FULLTEXT INDEX t9_body ON t9 (body);',
  ),
  myOk('my-ok-drop-default', MY('online-ddl-column-operations'), 'ALTER TABLE tbl ALTER COLUMN col DROP DEFAULT;'),
  myOk('my-ok-optimize', 'https://dev.mysql.com/doc/refman/8.0/en/optimize-table.html', 'OPTIMIZE TABLE orders;'),
  myOk('my-ok-lock-tables-read-temp', 'https://dev.mysql.com/doc/refman/8.0/en/lock-tables.html', 'UNLOCK TABLES;'),
  myOk(
    'my-ok-lock-wait-timeout',
    'https://dev.mysql.com/doc/refman/8.0/en/server-system-variables.html#sysvar_lock_wait_timeout',
    'SET SESSION lock_wait_timeout = 5;',
  ),
  // "to make such changes, you must drop and re-create the procedure using DROP PROCEDURE and CREATE PROCEDURE" (ALTER PROCEDURE).
  myOk(
    'my-ok-drop-recreate-procedure',
    'https://dev.mysql.com/doc/refman/8.0/en/alter-procedure.html',
    'DROP PROCEDURE IF EXISTS refresh_totals;\nCREATE PROCEDURE refresh_totals() SELECT 1;',
    { lock: 'EXCLUSIVE' },
  ),
  myOk(
    'my-ok-alter-procedure',
    'https://dev.mysql.com/doc/refman/8.0/en/alter-procedure.html',
    'ALTER PROCEDURE refresh_totals SQL SECURITY INVOKER;',
    {
      lock: 'EXCLUSIVE',
    },
  ),
  myOk(
    'my-ok-alter-view',
    'https://dev.mysql.com/doc/refman/8.0/en/alter-view.html',
    'ALTER VIEW v_users AS SELECT id, email FROM users;',
    {
      lock: 'EXCLUSIVE',
    },
  ),
];

const MARIADB: ProofCase[] = [
  mdb('mdb-varchar-cross-255', MDB_INPLACE, 'ALTER TABLE users MODIFY code varchar(64) CHARACTER SET utf8mb4;', 'alter-column-type', {
    ...withUsers,
    lock: 'COPY',
  }),
  mdb(
    'mdb-varchar-cross-latin1',
    MDB_INSTANT,
    'ALTER TABLE users MODIFY label varchar(256) CHARACTER SET latin1;',
    'alter-column-type',
    withUsers,
  ),
  mdb(
    'mdb-varchar-shrink',
    MDB_INPLACE,
    'ALTER TABLE users MODIFY email varchar(40) CHARACTER SET utf8mb4;',
    'alter-column-type',
    withUsers,
  ),
  mdb('mdb-int-unsigned', MDB_INPLACE, 'ALTER TABLE users MODIFY qty int unsigned;', 'alter-column-type', { ...withUsers, lock: 'COPY' }),
  mdb('mdb-int-bigint', MDB_INPLACE, 'ALTER TABLE users MODIFY qty bigint;', 'alter-column-type', withUsers),
  mdb('mdb-type-no-facts', MDB_INPLACE, 'ALTER TABLE tab MODIFY COLUMN c VARCHAR(100);', 'alter-column-type'),
  mdb('mdb-enum-insert-middle', MDB_INSTANT, "ALTER TABLE users MODIFY status enum('new','refunded','paid');", 'alter-column-type', {
    ...withUsers,
    lock: 'COPY',
  }),
  mdb('mdb-fulltext', MDB_INPLACE, 'ALTER TABLE tab ADD FULLTEXT INDEX b_index (b);', 'index-not-concurrent', { lock: 'SHARED' }),
  mdb('mdb-fulltext-create', MDB_INPLACE, 'CREATE FULLTEXT INDEX b_index ON tab (b);', 'index-not-concurrent', { lock: 'SHARED' }),
  mdb('mdb-spatial', MDB_INPLACE, 'ALTER TABLE tab ADD SPATIAL INDEX c_index (c);', 'index-not-concurrent', { lock: 'SHARED' }),
  mdb('mdb-drop-primary-key', MDB_INPLACE, 'ALTER TABLE tab DROP PRIMARY KEY;', 'blocking-ddl', { lock: 'COPY' }),
  mdb('mdb-convert-charset', MDB_INPLACE, 'ALTER TABLE tab CONVERT TO CHARACTER SET utf8;', 'blocking-ddl', { lock: 'COPY' }),
  mdb('mdb-algorithm-copy', MDB_ALTER, 'ALTER TABLE tab ADD COLUMN c varchar(50), ALGORITHM=COPY;', 'algorithm-copy'),
  mdb('mdb-add-fk-checks-on', MDB_INPLACE, 'ALTER TABLE tab1 ADD FOREIGN KEY tab2_fk (tab2_id) REFERENCES tab2 (id);', 'blocking-ddl'),
  mdb(
    'mdb-add-auto-increment',
    MDB_INPLACE,
    'ALTER TABLE tab ADD COLUMN c int NOT NULL AUTO_INCREMENT, ADD KEY (c);',
    'add-column-rewrite',
  ),
  mdb('mdb-add-stored-generated', MDB_INPLACE, 'ALTER TABLE tab ADD COLUMN d int AS (a + 1) PERSISTENT;', 'add-column-rewrite'),
  mdb('mdb-instant-fails-102', MDB_INSTANT, 'ALTER TABLE tab ADD COLUMN c varchar(50), ALGORITHM=INSTANT;', 'fails-on-server', {
    version: '10.2.44',
  }),
  mdb('mdb-nocopy-fails', MDB_NOCOPY, 'ALTER TABLE tab CONVERT TO CHARACTER SET utf8mb4, ALGORITHM=NOCOPY;', 'fails-on-server'),
  mdb('mdb-drop-table', MDB_ALTER, 'DROP TABLE tab;', 'drop-table'),
  mdb('mdb-rename-column', MDB_INSTANT, 'ALTER TABLE tab RENAME COLUMN c TO d;', 'rename'),
  mdb('mdb-change-rename', MDB_INSTANT, 'ALTER TABLE tab CHANGE COLUMN c d varchar(50);', 'rename'),
  mdb('mdb-rename-table', 'https://mariadb.com/kb/en/rename-table/', 'RENAME TABLE tab TO tab_old;', 'rename'),
  mdb('mdb-drop-column', MDB_INSTANT, 'ALTER TABLE tab DROP COLUMN c;', 'drop-column'),
  mdb('mdb-lock-shared', MDB_ALTER, 'ALTER TABLE tab ADD INDEX b_index (b), LOCK=SHARED;', 'lock-blocks-writes'),
  mdb('mdb-truncate', 'https://mariadb.com/kb/en/truncate-table/', 'TRUNCATE TABLE tab;', 'truncate-table'),
];

const MARIADB_SAFE: ProofCase[] = [
  mdbOk('mdb-ok-add-column', MDB_INSTANT, 'ALTER TABLE tab ADD COLUMN c varchar(50);'),
  mdbOk('mdb-ok-add-column-after', MDB_INSTANT, "ALTER TABLE tab ADD COLUMN c varchar(50) NOT NULL DEFAULT '' AFTER a;"),
  mdbOk('mdb-ok-add-index', MDB_INPLACE, 'ALTER TABLE tab ADD INDEX b_index (b);'),
  mdbOk('mdb-ok-create-index', MDB_INPLACE, 'CREATE INDEX b_index ON tab (b);'),
  mdbOk('mdb-ok-drop-index', MDB_NOCOPY, 'ALTER TABLE tab DROP INDEX b_index;'),
  mdbOk('mdb-ok-rename-index', MDB_INSTANT, 'ALTER TABLE tab RENAME INDEX b_index TO b_idx;'),
  mdbOk('mdb-ok-set-default', MDB_INSTANT, 'ALTER TABLE tab ALTER COLUMN c SET DEFAULT 1;'),
  mdbOk('mdb-ok-varchar-extend', MDB_INSTANT, 'ALTER TABLE users MODIFY code varchar(63) CHARACTER SET utf8mb4;', withUsers),
  mdbOk('mdb-ok-varchar-latin1', MDB_INSTANT, 'ALTER TABLE users MODIFY label varchar(255) CHARACTER SET latin1;', withUsers),
  mdbOk('mdb-ok-enum-append', MDB_INSTANT, "ALTER TABLE users MODIFY status enum('new','paid','shipped');", withUsers),
  mdbOk(
    'mdb-ok-fk-checks-off',
    MDB_INPLACE,
    'SET SESSION foreign_key_checks = 0;\nALTER TABLE tab1 ADD FOREIGN KEY tab2_fk (tab2_id) REFERENCES tab2 (id);\nSET SESSION foreign_key_checks = 1;',
  ),
  mdbOk('mdb-ok-virtual-column', MDB_INSTANT, 'ALTER TABLE tab ADD COLUMN d int AS (a + 1) VIRTUAL;'),
  mdbOk('mdb-ok-drop-pk-add-pk', MDB_INPLACE, 'ALTER TABLE tab DROP PRIMARY KEY, ADD PRIMARY KEY (a, b);'),
  mdbOk('mdb-ok-default-charset', MDB_INSTANT, 'ALTER TABLE tab DEFAULT CHARACTER SET utf8mb4;'),
  mdbOk('mdb-ok-force', MDB_INPLACE, 'ALTER TABLE tab FORCE;'),
  mdbOk(
    'mdb-ok-create-table',
    MDB_ALTER,
    'CREATE TABLE tab2 (id int PRIMARY KEY, b text) ENGINE=InnoDB;\nCREATE FULLTEXT INDEX tab2_b ON tab2 (b);',
  ),
  mdbOk('mdb-ok-drop-fk', MDB_NOCOPY, 'ALTER TABLE tab1 DROP FOREIGN KEY tab2_fk;'),
  mdbOk('mdb-ok-lock-wait', 'https://mariadb.com/kb/en/server-system-variables/#lock_wait_timeout', 'SET SESSION lock_wait_timeout = 5;'),
  mdbOk(
    'mdb-ok-alter-event',
    'https://mariadb.com/kb/en/alter-event/',
    'ALTER EVENT myevent ON SCHEDULE AT CURRENT_TIMESTAMP + INTERVAL 2 HOUR;',
    {
      lock: 'EXCLUSIVE',
    },
  ),
];

export const PROOF_CASES: readonly ProofCase[] = [...POSTGRES, ...POSTGRES_SAFE, ...MYSQL, ...MYSQL_SAFE, ...MARIADB, ...MARIADB_SAFE];

export interface ProofOutcome {
  readonly flagged: boolean;
  /** Rule ids of the warning/error findings (not the lock-timeout reminder). */
  readonly rules: readonly string[];
  /** Every finding, for messages. */
  readonly result: LintResult;
}

/** Lint one case the way the CLI lints a folder: earlier migrations are replayed and carried; `columns` stand for a connection. */
export function proofVerdict(c: ProofCase, parsers: Parsers): ProofOutcome {
  const target = { dialect: c.dialect, version: c.version };
  const carry = newCarry();
  const replay = newReplay(target, parsers);
  for (const text of c.earlier ?? []) {
    lintSql(text, { target, carry }, parsers);
    replay.add(text);
  }
  const tables = replay.tables();
  const facts = (ref: { name: string }): TableFacts | undefined => {
    const cols = c.columns?.[ref.name];
    if (cols) return { table: { schema: '', name: ref.name }, rows: -1, bytes: -1, columns: cols };
    return tables.get(ref.name.toLowerCase());
  };
  const result = lintSql(c.sql, { target, carry, facts }, parsers);
  const rules = [...new Set(result.findings.filter((f) => f.severity !== 'info' && !NOT_A_FLAG.has(f.rule)).map((f) => f.rule))];
  return { flagged: rules.length > 0, rules, result };
}

/** The lock (PostgreSQL mode, MySQL/MariaDB LOCK= level) and the MySQL/MariaDB algorithm of each statement's verdict. */
export function verdictLocks(o: ProofOutcome): string[] {
  return o.result.statements.flatMap((s) =>
    s.strongest ? [s.strongest.lock, ...(s.strongest.algorithm ? [s.strongest.algorithm] : [])] : [],
  );
}
