/**
 * No DDL statement passes silently (issue 20 item 1): every statement node kind libpg-query can produce (read from its
 * node type definitions, @pgsql/types, so a parser upgrade that adds a kind fails here until it is classified) has an
 * example below, and linting a migration-ish corpus of them (no lock timeout, tables not created in the file) gives
 * every statement that changes, drops or locks an existing object a finding, or at least a lock verdict (the CodeLens
 * shows it; a lock that blocks neither reads nor writes, such as CREATE STATISTICS, gives no finding once a lock timeout
 * is set, and none is needed).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { lintSql } from '../../../src/core/lint/analyze';
import { loadParsers } from '../../../src/core/lint/parsers';

/**
 * `ddl`: changes, drops or locks an existing object: must get a finding.
 * `new`: creates a new, unused object only (or replaces a routine's body), locking no existing table: no finding needed.
 * `not-ddl`: queries, data changes, session and transaction control, cluster-wide administration outside migrations.
 */
type Kind = 'ddl' | 'new' | 'not-ddl';
const EXAMPLES: Readonly<Record<string, readonly [Kind, string]>> = {
  InsertStmt: ['not-ddl', 'INSERT INTO users (id) VALUES (1)'],
  DeleteStmt: ['not-ddl', 'DELETE FROM users WHERE id = 1'],
  UpdateStmt: ['not-ddl', 'UPDATE users SET email = NULL WHERE id = 1'],
  MergeStmt: ['not-ddl', 'MERGE INTO users u USING orgs o ON u.org_id = o.id WHEN MATCHED THEN DO NOTHING'],
  SelectStmt: ['not-ddl', 'SELECT 1'],
  CreateSchemaStmt: ['new', 'CREATE SCHEMA reporting'],
  AlterTableStmt: ['ddl', 'ALTER TABLE users ADD COLUMN nickname text'],
  AlterCollationStmt: ['ddl', 'ALTER COLLATION "de_DE" REFRESH VERSION'],
  AlterDomainStmt: ['ddl', "ALTER DOMAIN email_address ADD CONSTRAINT email_check CHECK (VALUE LIKE '%@%')"],
  GrantStmt: ['not-ddl', 'GRANT SELECT ON users TO reporting'],
  GrantRoleStmt: ['not-ddl', 'GRANT reporting TO alice'],
  AlterDefaultPrivilegesStmt: ['not-ddl', 'ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO reporting'],
  CopyStmt: ['not-ddl', "COPY users FROM '/tmp/users.csv'"],
  VariableSetStmt: ['not-ddl', "SET statement_timeout = '5s'"],
  VariableShowStmt: ['not-ddl', 'SHOW search_path'],
  CreateStmt: ['new', 'CREATE TABLE invoices (id bigint PRIMARY KEY)'],
  CreateTableSpaceStmt: ['not-ddl', "CREATE TABLESPACE fast LOCATION '/ssd'"],
  DropTableSpaceStmt: ['not-ddl', 'DROP TABLESPACE fast'],
  AlterTableSpaceOptionsStmt: ['not-ddl', 'ALTER TABLESPACE fast SET (random_page_cost = 1)'],
  AlterTableMoveAllStmt: ['ddl', 'ALTER TABLE ALL IN TABLESPACE pg_default SET TABLESPACE fast'],
  CreateExtensionStmt: ['new', 'CREATE EXTENSION IF NOT EXISTS citext'],
  AlterExtensionStmt: ['ddl', 'ALTER EXTENSION citext UPDATE'],
  AlterExtensionContentsStmt: ['ddl', 'ALTER EXTENSION citext DROP FUNCTION citext_eq(citext, citext)'],
  CreateFdwStmt: ['new', 'CREATE FOREIGN DATA WRAPPER dummy'],
  AlterFdwStmt: ['ddl', 'ALTER FOREIGN DATA WRAPPER dummy NO VALIDATOR'],
  CreateForeignServerStmt: ['new', 'CREATE SERVER remote FOREIGN DATA WRAPPER postgres_fdw'],
  AlterForeignServerStmt: ['ddl', "ALTER SERVER remote OPTIONS (SET host 'db2')"],
  CreateForeignTableStmt: ['new', 'CREATE FOREIGN TABLE remote_users (id int) SERVER remote'],
  CreateUserMappingStmt: ['not-ddl', 'CREATE USER MAPPING FOR CURRENT_USER SERVER remote'],
  AlterUserMappingStmt: ['not-ddl', "ALTER USER MAPPING FOR CURRENT_USER SERVER remote OPTIONS (SET password 'x')"],
  DropUserMappingStmt: ['not-ddl', 'DROP USER MAPPING FOR CURRENT_USER SERVER remote'],
  ImportForeignSchemaStmt: ['new', 'IMPORT FOREIGN SCHEMA public FROM SERVER remote INTO imported'],
  CreatePolicyStmt: ['ddl', 'CREATE POLICY own_rows ON users USING (id = 1)'],
  AlterPolicyStmt: ['ddl', 'ALTER POLICY own_rows ON users USING (id = 2)'],
  CreateAmStmt: ['new', 'CREATE ACCESS METHOD heap2 TYPE TABLE HANDLER heap_tableam_handler'],
  CreateTrigStmt: ['ddl', 'CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch()'],
  CreateEventTrigStmt: ['new', 'CREATE EVENT TRIGGER audit_ddl ON ddl_command_end EXECUTE FUNCTION audit()'],
  AlterEventTrigStmt: ['ddl', 'ALTER EVENT TRIGGER audit_ddl DISABLE'],
  CreatePLangStmt: ['new', 'CREATE LANGUAGE plsample HANDLER plsample_call_handler'],
  CreateRoleStmt: ['not-ddl', 'CREATE ROLE reporting'],
  AlterRoleStmt: ['not-ddl', 'ALTER ROLE reporting NOLOGIN'],
  AlterRoleSetStmt: ['not-ddl', "ALTER ROLE reporting SET statement_timeout = '1min'"],
  DropRoleStmt: ['not-ddl', 'DROP ROLE reporting'],
  CreateSeqStmt: ['new', 'CREATE SEQUENCE invoice_no'],
  AlterSeqStmt: ['ddl', 'ALTER SEQUENCE invoice_no RESTART WITH 1000'],
  DefineStmt: ['new', 'CREATE AGGREGATE my_sum (int) (SFUNC = int4pl, STYPE = int)'],
  CreateDomainStmt: ['new', 'CREATE DOMAIN email_address AS text'],
  CreateOpClassStmt: ['new', 'CREATE OPERATOR CLASS my_ops FOR TYPE int USING btree AS OPERATOR 1 <'],
  CreateOpFamilyStmt: ['new', 'CREATE OPERATOR FAMILY my_family USING btree'],
  AlterOpFamilyStmt: ['ddl', 'ALTER OPERATOR FAMILY my_family USING btree ADD OPERATOR 1 < (int, int)'],
  DropStmt: ['ddl', 'DROP TABLE users'],
  TruncateStmt: ['ddl', 'TRUNCATE users'],
  CommentStmt: ['not-ddl', "COMMENT ON TABLE users IS 'people'"],
  SecLabelStmt: ['not-ddl', "SECURITY LABEL ON TABLE users IS 'secret'"],
  DeclareCursorStmt: ['not-ddl', 'DECLARE c CURSOR FOR SELECT 1'],
  ClosePortalStmt: ['not-ddl', 'CLOSE c'],
  FetchStmt: ['not-ddl', 'FETCH c'],
  IndexStmt: ['ddl', 'CREATE INDEX users_email_idx ON users (email)'],
  CreateStatsStmt: ['ddl', 'CREATE STATISTICS users_stats ON id, email FROM users'],
  AlterStatsStmt: ['ddl', 'ALTER STATISTICS users_stats SET STATISTICS 100'],
  CreateFunctionStmt: ['new', 'CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$'],
  AlterFunctionStmt: ['ddl', 'ALTER FUNCTION touch() SECURITY DEFINER'],
  DoStmt: ['not-ddl', "DO $$ BEGIN RAISE NOTICE 'x'; END $$"],
  CallStmt: ['not-ddl', 'CALL refresh_all()'],
  RenameStmt: ['ddl', 'ALTER TABLE users RENAME COLUMN email TO email_address'],
  AlterObjectDependsStmt: ['ddl', 'ALTER FUNCTION touch() DEPENDS ON EXTENSION citext'],
  AlterObjectSchemaStmt: ['ddl', 'ALTER TABLE users SET SCHEMA archive'],
  AlterOwnerStmt: ['ddl', 'ALTER FUNCTION touch() OWNER TO reporting'],
  AlterOperatorStmt: ['ddl', 'ALTER OPERATOR === (int, int) SET (RESTRICT = eqsel)'],
  AlterTypeStmt: ['ddl', 'ALTER TYPE compfoo SET (SEND = compfoo_send)'],
  RuleStmt: ['ddl', 'CREATE RULE users_ignore AS ON INSERT TO users DO INSTEAD NOTHING'],
  NotifyStmt: ['not-ddl', "NOTIFY channel, 'x'"],
  ListenStmt: ['not-ddl', 'LISTEN channel'],
  UnlistenStmt: ['not-ddl', 'UNLISTEN channel'],
  TransactionStmt: ['not-ddl', 'BEGIN'],
  CompositeTypeStmt: ['new', 'CREATE TYPE compfoo AS (a int, b text)'],
  CreateEnumStmt: ['new', "CREATE TYPE mood AS ENUM ('sad', 'ok')"],
  CreateRangeStmt: ['new', 'CREATE TYPE floatrange AS RANGE (subtype = float8)'],
  AlterEnumStmt: ['ddl', "ALTER TYPE mood ADD VALUE 'happy'"],
  ViewStmt: ['new', 'CREATE VIEW active_users AS SELECT id FROM users'],
  LoadStmt: ['not-ddl', "LOAD 'auto_explain'"],
  CreatedbStmt: ['not-ddl', 'CREATE DATABASE scratch'],
  AlterDatabaseStmt: ['not-ddl', 'ALTER DATABASE scratch CONNECTION LIMIT 10'],
  AlterDatabaseRefreshCollStmt: ['not-ddl', 'ALTER DATABASE scratch REFRESH COLLATION VERSION'],
  AlterDatabaseSetStmt: ['not-ddl', "ALTER DATABASE scratch SET statement_timeout = '1min'"],
  DropdbStmt: ['not-ddl', 'DROP DATABASE scratch'],
  AlterSystemStmt: ['not-ddl', "ALTER SYSTEM SET work_mem = '8MB'"],
  ClusterStmt: ['ddl', 'CLUSTER users USING users_pkey'],
  VacuumStmt: ['ddl', 'VACUUM FULL users'],
  ExplainStmt: ['not-ddl', 'EXPLAIN SELECT 1'],
  CreateTableAsStmt: ['new', 'CREATE TABLE users_copy AS SELECT * FROM users'],
  RefreshMatViewStmt: ['ddl', 'REFRESH MATERIALIZED VIEW user_totals'],
  CheckPointStmt: ['not-ddl', 'CHECKPOINT'],
  DiscardStmt: ['not-ddl', 'DISCARD ALL'],
  LockStmt: ['ddl', 'LOCK TABLE users'],
  ConstraintsSetStmt: ['not-ddl', 'SET CONSTRAINTS ALL DEFERRED'],
  ReindexStmt: ['ddl', 'REINDEX TABLE users'],
  CreateConversionStmt: ['new', "CREATE CONVERSION myconv FOR 'UTF8' TO 'LATIN1' FROM utf8_to_iso8859_1"],
  CreateCastStmt: ['new', 'CREATE CAST (bigint AS int4) WITH FUNCTION int4(bigint) AS ASSIGNMENT'],
  CreateTransformStmt: [
    'new',
    'CREATE TRANSFORM FOR hstore LANGUAGE plpython3u (FROM SQL WITH FUNCTION f(internal), TO SQL WITH FUNCTION g(internal))',
  ],
  PrepareStmt: ['not-ddl', 'PREPARE q AS SELECT 1'],
  ExecuteStmt: ['not-ddl', 'EXECUTE q'],
  DeallocateStmt: ['not-ddl', 'DEALLOCATE q'],
  DropOwnedStmt: ['ddl', 'DROP OWNED BY reporting'],
  ReassignOwnedStmt: ['ddl', 'REASSIGN OWNED BY reporting TO postgres'],
  AlterTSDictionaryStmt: ['ddl', 'ALTER TEXT SEARCH DICTIONARY my_dict (StopWords = english)'],
  AlterTSConfigurationStmt: ['ddl', 'ALTER TEXT SEARCH CONFIGURATION my_cfg ALTER MAPPING FOR word WITH simple'],
  CreatePublicationStmt: ['ddl', 'CREATE PUBLICATION pub FOR TABLE users'],
  AlterPublicationStmt: ['ddl', 'ALTER PUBLICATION pub ADD TABLE orgs'],
  CreateSubscriptionStmt: ['not-ddl', "CREATE SUBSCRIPTION sub CONNECTION 'host=db2' PUBLICATION pub"],
  AlterSubscriptionStmt: ['not-ddl', 'ALTER SUBSCRIPTION sub DISABLE'],
  DropSubscriptionStmt: ['not-ddl', 'DROP SUBSCRIPTION sub'],
};

/** Node kinds that are parts of statements, never statements of their own in a parse tree's `stmts`. */
const NOT_STATEMENTS = new Set(['RawStmt', 'SetOperationStmt', 'ReturnStmt', 'PLAssignStmt', 'ReplicaIdentityStmt']);

/** Every `…Stmt` node kind in the parser's node type definitions. */
function parserStatementKinds(): string[] {
  const d = readFileSync(require.resolve('@pgsql/types/types.d.ts'), 'utf8');
  return [...d.matchAll(/^export interface (\w+Stmt)\b/gm)].map((m) => m[1]!).filter((k) => !NOT_STATEMENTS.has(k));
}

/** Statements that DROP each kind of object the parser knows (its ObjectType enum), beyond DROP TABLE above. */
const DROPS = [
  'DROP SCHEMA reporting',
  'DROP SCHEMA reporting CASCADE',
  'DROP FUNCTION touch()',
  'DROP PROCEDURE refresh_all()',
  'DROP TYPE mood',
  'DROP DOMAIN email_address',
  'DROP EXTENSION citext',
  'DROP VIEW active_users',
  'DROP MATERIALIZED VIEW user_totals',
  'DROP SEQUENCE invoice_no',
  'DROP INDEX users_email_idx',
  'DROP TRIGGER users_touch ON users',
  'DROP POLICY own_rows ON users',
  'DROP RULE users_ignore ON users',
  'DROP AGGREGATE my_sum (int)',
  'DROP CAST (bigint AS int4)',
  'DROP COLLATION "de_DE"',
  'DROP CONVERSION myconv',
  'DROP EVENT TRIGGER audit_ddl',
  'DROP FOREIGN TABLE remote_users',
  'DROP FOREIGN DATA WRAPPER dummy',
  'DROP SERVER remote',
  'DROP OPERATOR === (int, int)',
  'DROP OPERATOR CLASS my_ops USING btree',
  'DROP OPERATOR FAMILY my_family USING btree',
  'DROP PUBLICATION pub',
  'DROP STATISTICS users_stats',
  'DROP TEXT SEARCH CONFIGURATION my_cfg',
  'DROP ACCESS METHOD heap2',
  'DROP LANGUAGE plsample',
  'DROP TRANSFORM FOR hstore LANGUAGE plpython3u',
];

/** ALTER … OWNER TO of each kind of object with a verdict, and the other ALTER forms of routines and enums. */
const ALTERS = [
  'ALTER PROCEDURE refresh_all() SET search_path = public',
  'ALTER ROUTINE touch() STABLE',
  'ALTER SCHEMA reporting OWNER TO reporting',
  'ALTER TYPE mood OWNER TO reporting',
  'ALTER DOMAIN email_address OWNER TO reporting',
  'ALTER PROCEDURE refresh_all() OWNER TO reporting',
  'ALTER AGGREGATE my_sum (int) OWNER TO reporting',
  'ALTER COLLATION "de_DE" OWNER TO reporting',
  'ALTER VIEW active_users OWNER TO reporting',
  'ALTER MATERIALIZED VIEW user_totals OWNER TO reporting',
  'ALTER SEQUENCE invoice_no OWNER TO reporting',
  "ALTER TYPE mood RENAME VALUE 'sad' TO 'unhappy'",
  "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'happy' BEFORE 'ok'",
];

describe('every DDL statement kind the PostgreSQL parser produces gets a finding', () => {
  it('the examples cover exactly the parser’s statement kinds', () => {
    const kinds = parserStatementKinds();
    assert.ok(kinds.length > 100, `only ${kinds.length} statement kinds read from @pgsql/types`);
    assert.deepEqual(
      kinds.filter((k) => !(k in EXAMPLES)),
      [],
      'statement kinds with no example: classify them here',
    );
    assert.deepEqual(
      Object.keys(EXAMPLES).filter((k) => !kinds.includes(k)),
      [],
      'examples for kinds the parser does not have',
    );
  });

  it('each example parses to its kind', async () => {
    const { postgres } = await loadParsers(['postgres']);
    for (const [kind, [, sql]] of Object.entries(EXAMPLES)) {
      const tree = postgres(sql) as { stmts: { stmt: Record<string, unknown> }[] };
      assert.deepEqual(Object.keys(tree.stmts[0]!.stmt), [kind], sql);
    }
  });

  it('every DDL statement on an existing object gets a finding or a lock verdict (no lock timeout set)', async () => {
    const parsers = await loadParsers(['postgres']);
    const ddl = [
      ...Object.values(EXAMPLES)
        .filter(([k]) => k === 'ddl')
        .map(([, sql]) => sql),
      ...DROPS,
      ...ALTERS,
    ];
    const silent = ddl.filter((sql) => {
      const result = lintSql(`${sql};\n`, { target: { dialect: 'postgres', version: '15' } }, parsers);
      return result.findings.length === 0 && result.statements[0]?.strongest === undefined;
    });
    assert.deepEqual(silent, [], 'DDL statements linted without any finding or verdict');
  });
});
