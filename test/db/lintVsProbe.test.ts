/**
 * The linter's lock claims against the real servers: each hand-written statement is linted with the server's version
 * and facts, and the lock / rewrite / algorithm the linter shows (its CodeLens) must equal what a probe on an empty
 * copy of the table saw. This checks the statement → operation mapping as well as the rules behind it.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { lintSql } from '../../src/core/lint/analyze';
import { loadParsers } from '../../src/core/lint/parsers';
import { PG_LOCK_RANK } from '../../src/core/rules';
import type { LockLevel } from '../../src/core/types';
import { compare } from '../../src/db/verify';
import { dbTest, throwawayDatabase } from './helpers';

const PG_SETUP = [
  'CREATE TABLE orgs (id int PRIMARY KEY)',
  'CREATE TABLE users (id int PRIMARY KEY, email text, total numeric, price numeric, qty int, org_id int, visited_at timestamp(3), balance numeric(12,2), doubled numeric GENERATED ALWAYS AS (price * 2) STORED)',
  'INSERT INTO orgs SELECT generate_series(1, 10)',
  "INSERT INTO users SELECT g, 'u' || g, g, g, 1, 1 + g % 10 FROM generate_series(1, 500) g",
  'ANALYZE orgs',
  'ANALYZE users',
  // A second table access method (PostgreSQL's own heap handler under another name), so SET ACCESS METHOD has somewhere to go.
  'CREATE ACCESS METHOD heap2 TYPE TABLE HANDLER heap_tableam_handler',
];

const PG_STATEMENTS = [
  'ALTER TABLE users ADD COLUMN nickname text',
  'ALTER TABLE users ADD COLUMN created_at timestamptz NOT NULL DEFAULT now()',
  'ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true',
  "ALTER TABLE users ADD COLUMN status varchar(20) DEFAULT 'new'::varchar",
  'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid()',
  'ALTER TABLE users ADD COLUMN seen_at timestamptz DEFAULT clock_timestamp()',
  'ALTER TABLE users ADD COLUMN amount numeric GENERATED ALWAYS AS (price * qty) STORED',
  'ALTER TABLE users ADD COLUMN legacy_id bigint GENERATED ALWAYS AS IDENTITY',
  'ALTER TABLE users ADD COLUMN email_lower text UNIQUE',
  'ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id)',
  'ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID',
  'ALTER TABLE users ADD CONSTRAINT users_qty_check CHECK (qty > 0) NOT VALID',
  'ALTER TABLE users ALTER COLUMN email SET NOT NULL',
  "ALTER TABLE users ALTER COLUMN email SET DEFAULT 'x'",
  'CREATE INDEX users_email_idx ON users (email)',
  'CREATE UNIQUE INDEX users_email_key ON users (email)',
  'CREATE INDEX CONCURRENTLY users_total_idx ON users (total)',
  // Verdicts beyond ADD COLUMN / constraints / indexes (issue 20): rules.ts statementOperationImpact.
  'ALTER TABLE users ALTER COLUMN qty TYPE bigint',
  'ALTER TABLE users ALTER COLUMN qty TYPE numeric USING qty::numeric',
  'ALTER TABLE users SET UNLOGGED',
  'ALTER TABLE users SET ACCESS METHOD heap2',
  'ALTER TABLE users RENAME COLUMN email TO email_address',
  'ALTER TABLE users ADD CONSTRAINT users_no_dup EXCLUDE USING btree (id WITH =)',
  'REINDEX TABLE users',
  // Proof-corpus verdicts (test/unit/lint/proofCorpus.ts): explicit locks. TRUNCATE is not probed (probeGuard refuses it).
  'LOCK TABLE users IN SHARE MODE',
  'LOCK TABLE users IN ROW EXCLUSIVE MODE',
  'LOCK TABLE users',
  // Catalog-only ALTER TABLE subcommands (rules.ts PG_CATALOG_SUBCOMMANDS).
  'ALTER TABLE users ALTER COLUMN email SET STATISTICS 500',
  'ALTER TABLE users ALTER COLUMN email SET (n_distinct = 100)',
  'ALTER TABLE users DISABLE TRIGGER ALL',
  'ALTER TABLE users ENABLE ROW LEVEL SECURITY',
  'ALTER TABLE users REPLICA IDENTITY FULL',
  'ALTER TABLE users OWNER TO CURRENT_USER',
  'ALTER TABLE users ALTER COLUMN email SET STORAGE EXTERNAL',
  'ALTER TABLE users ALTER COLUMN email SET COMPRESSION pglz',
  'ALTER TABLE users SET WITHOUT CLUSTER',
  'ALTER TABLE users ALTER COLUMN doubled DROP EXPRESSION',
  // Not probed: CLUSTER and TRUNCATE (the probe's table retargeting does not read them), DROP TABLE (the shadow's
  // relfilenode is gone afterwards, which the probe reads as a rewrite), VACUUM FULL / … CONCURRENTLY (no transaction),
  // ALTER TABLE … RENAME TO (the probe refuses to rename its table: test/db/probeGuard.test.ts).
];

const MY_SETUP = [
  'CREATE TABLE orgs (id int PRIMARY KEY) ENGINE=InnoDB',
  "CREATE TABLE users (id int PRIMARY KEY, email varchar(100), qty int, price int, org_id int, body text, code varchar(60) CHARACTER SET utf8mb4, label varchar(250) CHARACTER SET latin1, amount decimal(8,2), status enum('new','paid'), KEY users_price_key (price)) ENGINE=InnoDB",
  'CREATE TABLE places (id int PRIMARY KEY, g point NOT NULL) ENGINE=InnoDB',
  'INSERT INTO orgs VALUES (1), (2)',
  "INSERT INTO users VALUES (1, 'a', 1, 2, 1, 'x', 'c', 't', 1.5, 'new'), (2, 'b', 2, 3, 2, 'y', 'd', 'u', 2.5, 'paid')",
  "INSERT INTO places VALUES (1, ST_GeomFromText('POINT(1 1)'))",
];

const MY_STATEMENTS = [
  'ALTER TABLE users ADD COLUMN note varchar(200) NULL',
  "ALTER TABLE users ADD COLUMN tag varchar(20) NOT NULL DEFAULT '' AFTER id",
  'ALTER TABLE users ADD COLUMN flags int NOT NULL DEFAULT 0, ALGORITHM=COPY',
  'ALTER TABLE users ADD COLUMN total int AS (qty * price) STORED',
  'ALTER TABLE users ADD COLUMN total_v int AS (qty * price) VIRTUAL',
  'ALTER TABLE users ADD INDEX users_email_idx (email)',
  'ALTER TABLE users ADD INDEX users_qty_idx (qty), ALGORITHM=INPLACE, LOCK=SHARED',
  'CREATE INDEX users_price_idx ON users (price)',
  'ALTER TABLE users ALTER COLUMN qty SET DEFAULT 5',
  // Issue 20: verdicts that do not depend on the column's current definition.
  'ALTER TABLE users ADD FULLTEXT INDEX users_body_ft (body)',
  'CREATE FULLTEXT INDEX users_body_ft ON users (body)',
  'ALTER TABLE users DROP PRIMARY KEY',
  'ALTER TABLE users DROP PRIMARY KEY, ADD PRIMARY KEY (id, qty)',
  'ALTER TABLE users CONVERT TO CHARACTER SET latin1',
  'ALTER TABLE users FORCE',
  'ALTER TABLE users ENGINE=InnoDB',
  'ALTER TABLE users RENAME INDEX users_price_key TO users_price_k2',
  // Proof-corpus verdicts (test/unit/lint/proofCorpus.ts): SPATIAL indexes, MariaDB PERSISTENT, ADD COLUMN (definition).
  'ALTER TABLE places ADD SPATIAL INDEX places_g (g)',
  'CREATE SPATIAL INDEX places_g ON places (g)',
  'ALTER TABLE users ADD COLUMN total_p int AS (qty * price) PERSISTENT',
  'ALTER TABLE users ADD COLUMN (total_v2 int AS (qty * price) VIRTUAL)',
];

/** PostgreSQL type changes judged against the column's live type: a longer precision is catalog-only, a shorter one rewrites. */
const PG_FACTS_STATEMENTS = [
  'ALTER TABLE users ALTER COLUMN visited_at TYPE timestamp(6)',
  'ALTER TABLE users ALTER COLUMN visited_at TYPE timestamp(0)',
  'ALTER TABLE users ALTER COLUMN balance TYPE numeric(16,2)',
  'ALTER TABLE users ALTER COLUMN balance TYPE numeric(12,4)',
];

/** Verdicts read against the column's live definition (tableFacts): type, signedness, VARCHAR bytes and charset. */
const MY_FACTS_STATEMENTS = [
  'ALTER TABLE users MODIFY qty int unsigned',
  'ALTER TABLE users MODIFY qty bigint',
  'ALTER TABLE users MODIFY code varchar(63) CHARACTER SET utf8mb4',
  'ALTER TABLE users MODIFY code varchar(64) CHARACTER SET utf8mb4',
  'ALTER TABLE users MODIFY code varchar(40) CHARACTER SET utf8mb4',
  'ALTER TABLE users MODIFY label varchar(255) CHARACTER SET latin1',
  'ALTER TABLE users MODIFY label varchar(256) CHARACTER SET latin1',
  'ALTER TABLE users MODIFY label varchar(250) CHARACTER SET utf8mb4',
  'ALTER TABLE users CONVERT TO CHARACTER SET latin1',
  'ALTER TABLE users ADD FULLTEXT INDEX users_body_ft (body)',
  'ALTER TABLE users MODIFY amount decimal(10,2)',
  "ALTER TABLE users MODIFY status enum('new','paid','shipped')",
  "ALTER TABLE users MODIFY status enum('new','refunded','paid')",
  "ALTER TABLE users MODIFY status enum('paid','new')",
];

function suite(engine: 'postgres' | 'mysql', setupSql: readonly string[], statements: readonly string[], liveFacts = false): void {
  const db = throwawayDatabase(engine);
  let ready: Promise<void> | undefined;
  const setup = (t: TestContext) => {
    const { client } = db.get(t);
    ready ??= (async () => {
      for (const s of setupSql) await client.query(s);
    })();
    return ready.then(() => db.get(t));
  };

  for (const sql of statements) {
    it(
      sql,
      dbTest(async (t) => {
        const { client, name } = await setup(t);
        const info = await client.serverInfo();
        const schema = engine === 'postgres' ? 'public' : name;
        const tables = await client.listTables(schema);
        const parsers = await loadParsers();
        const live = liveFacts ? await client.tableFacts({ schema, name: 'users' }) : undefined;
        const result = lintSql(
          `${sql};`,
          {
            target: { dialect: info.dialect, version: info.version },
            facts: (ref) => {
              if (live && ref.name === 'users') return live;
              const row = tables.find((x) => x.name === ref.name);
              return row ? { table: { schema, name: row.name }, rows: row.rows, bytes: row.bytes } : undefined;
            },
          },
          parsers,
        );
        const s = result.statements[0]!;
        assert.ok(s.strongest, `the linter has no impact for: ${JSON.stringify(s.parsed)}`);
        const probe = await client.probe({ schema, name: s.parsed.table!.name }, sql);
        const { agrees, differences } = compare(s.strongest, probe);
        assert.ok(agrees, `${differences.join('; ')} (linter: ${s.strongest.why})`);
      }),
    );
  }
}

describe('lint claims vs probes: PostgreSQL', () => suite('postgres', PG_SETUP, PG_STATEMENTS));
describe('lint claims vs probes: PostgreSQL, with the live column definitions', () =>
  suite('postgres', PG_SETUP, PG_FACTS_STATEMENTS, true));
describe('lint claims vs probes: MariaDB', () => suite('mysql', MY_SETUP, MY_STATEMENTS));
describe('lint claims vs probes: MariaDB, with the live column definitions', () => suite('mysql', MY_SETUP, MY_FACTS_STATEMENTS, true));

/**
 * Statements the probe cannot run on its copy (it copies no foreign keys or triggers, and its retargeting misreads the
 * table of CREATE TRIGGER … UPDATE ON t and CREATE RULE … TO t): run on a real table in a transaction, and the lock read from pg_locks must be the linter's.
 */
const PG_LOCKS_READ = [
  'ALTER TABLE children ALTER CONSTRAINT children_parent_fk DEFERRABLE',
  'DROP VIEW children_view',
  'DROP MATERIALIZED VIEW children_summary',
  'DROP SEQUENCE children_seq',
  'DROP TRIGGER children_touch ON children',
  'DROP POLICY children_own ON children',
  'CREATE TRIGGER children_check BEFORE UPDATE ON children FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()',
  'CREATE RULE children_ignore AS ON INSERT TO children DO INSTEAD NOTHING',
  'CREATE POLICY children_new ON children USING (true)',
  'ALTER POLICY children_own ON children USING (id > 0)',
  'CREATE STATISTICS children_stats ON id, parent_id FROM children',
  'ALTER SEQUENCE children_seq RESTART WITH 1000',
  // ALTER VIEW / MATERIALIZED VIEW / SEQUENCE … OWNER TO (rules.ts PG_CATALOG_SUBCOMMANDS ChangeOwner…).
  'ALTER VIEW children_view OWNER TO CURRENT_USER',
  'ALTER MATERIALIZED VIEW children_summary OWNER TO CURRENT_USER',
  'ALTER SEQUENCE children_seq OWNER TO CURRENT_USER',
];

describe('lint claims vs the server: the lock held, read from pg_locks', () => {
  const db = throwawayDatabase('postgres');
  let ready: Promise<void> | undefined;
  for (const sql of PG_LOCKS_READ) {
    it(
      sql,
      dbTest(async (t) => {
        const { client } = db.get(t);
        ready ??= (async () => {
          await client.query('CREATE TABLE parents (id int PRIMARY KEY)');
          await client.query(
            'CREATE TABLE children (id int PRIMARY KEY, parent_id int CONSTRAINT children_parent_fk REFERENCES parents (id))',
          );
          await client.query(
            'CREATE TRIGGER children_touch BEFORE UPDATE ON children FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()',
          );
          await client.query('CREATE VIEW children_view AS SELECT id FROM children');
          await client.query('CREATE MATERIALIZED VIEW children_summary AS SELECT count(*) AS n FROM children');
          await client.query('CREATE SEQUENCE children_seq');
          await client.query('CREATE POLICY children_own ON children USING (true)');
        })();
        await ready;
        const info = await client.serverInfo();
        const s = lintSql(`${sql};`, { target: { dialect: info.dialect, version: info.version } }, await loadParsers()).statements[0]!;
        // The oid before the statement: a DROP leaves its lock on an oid that no name reaches any more.
        const [{ oid } = { oid: 0 }] = await client.query<{ oid: number }>('SELECT $1::regclass::oid AS oid', [s.parsed.table?.name ?? '']);
        await client.query('BEGIN');
        try {
          await client.query(sql);
          const held = await client.query<{ mode: string }>(
            "SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND relation = $1 AND mode LIKE '%Exclusive%'",
            [oid],
          );
          const name = (m: string) =>
            m
              .replace(/Lock$/, '')
              .replace(/([a-z])([A-Z])/g, '$1 $2')
              .toUpperCase();
          // The strongest lock held (ALTER SEQUENCE also holds ROW EXCLUSIVE from updating the sequence's row).
          const modes = held.map((r) => name(r.mode) as LockLevel).sort((a, b) => PG_LOCK_RANK[b] - PG_LOCK_RANK[a]);
          assert.deepEqual(modes.slice(0, 1), [s.strongest?.lock], `held: ${modes.join(', ')}`);
        } finally {
          await client.query('ROLLBACK');
        }
      }),
    );
  }
});

/**
 * DROP SCHEMA / FUNCTION / TYPE / EXTENSION (rules.ts `drop-object`), run on real objects in a transaction:
 * - the lock the DROP holds on the object itself (pg_locks, locktype 'object') must be the linter's;
 * - a query using the object holds no lock on it (so the linter's "queries continue" holds);
 * - an ACCESS EXCLUSIVE lock on the dependent table is held exactly when the linter says the DROP blocks reads (CASCADE).
 */
const PG_DROP_OBJECTS: readonly { sql: string; catalog: string; object: string; use: string; dependent?: string }[] = [
  { sql: 'DROP SCHEMA empty_s', catalog: 'pg_namespace', object: "'empty_s'::regnamespace", use: 'SELECT 1' },
  {
    sql: 'DROP SCHEMA full_s CASCADE',
    catalog: 'pg_namespace',
    object: "'full_s'::regnamespace",
    use: 'SELECT count(*) FROM full_s.t',
    dependent: 'full_s.t',
  },
  { sql: 'DROP FUNCTION plain_f()', catalog: 'pg_proc', object: "'plain_f()'::regprocedure", use: 'SELECT plain_f()', dependent: 'uses_f' },
  { sql: 'DROP TYPE mood', catalog: 'pg_type', object: "'mood'::regtype", use: "SELECT 'a'::mood" },
  {
    sql: 'DROP TYPE mood2 CASCADE',
    catalog: 'pg_type',
    object: "'mood2'::regtype",
    use: "SELECT 'a'::mood2",
    dependent: 'uses_mood2',
  },
  {
    sql: 'DROP EXTENSION citext',
    catalog: 'pg_extension',
    object: "(SELECT oid FROM pg_extension WHERE extname = 'citext')",
    use: "SELECT 'A'::citext = 'a'",
  },
  {
    sql: 'DROP EXTENSION hstore CASCADE',
    catalog: 'pg_extension',
    object: "(SELECT oid FROM pg_extension WHERE extname = 'hstore')",
    use: "SELECT 'a=>1'::hstore",
    dependent: 'uses_hstore',
  },
];

describe('lint claims vs the server: DROP SCHEMA / FUNCTION / TYPE / EXTENSION, read from pg_locks', () => {
  const db = throwawayDatabase('postgres');
  let ready: Promise<void> | undefined;
  for (const c of PG_DROP_OBJECTS) {
    it(
      c.sql,
      dbTest(async (t) => {
        const { client } = db.get(t);
        ready ??= (async () => {
          for (const q of [
            'CREATE SCHEMA empty_s',
            'CREATE SCHEMA full_s',
            'CREATE TABLE full_s.t (id int)',
            'CREATE FUNCTION plain_f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$',
            // Uses the function only inside a string body: no recorded dependency, so the DROP without CASCADE succeeds and touches no table.
            'CREATE TABLE uses_f (id int)',
            "CREATE TYPE mood AS ENUM ('a')",
            "CREATE TYPE mood2 AS ENUM ('a')",
            'CREATE TABLE uses_mood2 (id int, m mood2)',
            'CREATE EXTENSION citext',
            'CREATE EXTENSION hstore',
            'CREATE TABLE uses_hstore (id int, h hstore)',
          ])
            await client.query(q);
        })();
        await ready;
        const info = await client.serverInfo();
        const result = lintSql(`${c.sql};`, { target: { dialect: info.dialect, version: info.version } }, await loadParsers());
        const s = result.statements[0]!;
        assert.ok(s.strongest, `the linter has no verdict for: ${JSON.stringify(s.parsed)}`);
        assert.ok(
          result.findings.some((f) => f.rule === 'drop-object'),
          `no drop-object finding: ${JSON.stringify(result.findings)}`,
        );
        const [{ oid } = { oid: 0 }] = await client.query<{ oid: number }>(`SELECT ${c.object}::oid AS oid`);
        const [{ table } = { table: 0 }] = c.dependent
          ? await client.query<{ table: number }>('SELECT $1::regclass::oid AS table', [c.dependent])
          : [{ table: 0 }];
        const objectLocks = () =>
          client.query<{ mode: string }>(
            `SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'object' AND classid = '${c.catalog}'::regclass AND objid = $1`,
            [oid],
          );
        await client.query('BEGIN');
        try {
          await client.query(c.use);
          assert.deepEqual(await objectLocks(), [], `${c.use} holds a lock on the object`);
        } finally {
          await client.query('ROLLBACK');
        }
        await client.query('BEGIN');
        try {
          await client.query(c.sql);
          const name = (m: string) =>
            m
              .replace(/Lock$/, '')
              .replace(/([a-z])([A-Z])/g, '$1 $2')
              .toUpperCase();
          assert.deepEqual(
            (await objectLocks()).map((r) => name(r.mode)),
            [s.strongest.lock],
          );
          if (c.dependent) {
            const held = await client.query<{ mode: string }>(
              "SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation' AND relation = $1 AND mode = 'AccessExclusiveLock'",
              [table],
            );
            assert.equal(held.length > 0, s.strongest.blocks.reads, `ACCESS EXCLUSIVE on ${c.dependent}: ${held.length > 0}`);
          }
        } finally {
          await client.query('ROLLBACK');
        }
      }),
    );
  }
});

/**
 * ALTER FUNCTION / PROCEDURE, ALTER … OWNER TO, ALTER TYPE … ADD / RENAME VALUE and ALTER SCHEMA … RENAME (rules.ts
 * `alter-routine`, `alter-owner`, `enum-add-value`, `rename`), run on real objects in a transaction:
 * - the lock the statement holds on the object itself (pg_locks, locktype 'object') must be the linter's (none for NONE);
 * - a query using the object holds no lock on it, so the linter's "blocks neither reads nor writes" holds;
 * - `rowType`: a composite type, whose OWNER TO also takes ACCESS EXCLUSIVE on its row type (pg_class), which the query
 *   using the type does not take either (the linter's reason says so).
 */
const PG_OBJECT_STATEMENTS: readonly { sql: string; catalog: string; object: string; use: string; rowType?: boolean }[] = [
  { sql: 'ALTER FUNCTION obj_f() SECURITY DEFINER', catalog: 'pg_proc', object: "'obj_f()'::regprocedure", use: 'SELECT obj_f()' },
  { sql: 'ALTER FUNCTION obj_f() SET search_path = public', catalog: 'pg_proc', object: "'obj_f()'::regprocedure", use: 'SELECT obj_f()' },
  { sql: 'ALTER PROCEDURE obj_p() SECURITY DEFINER', catalog: 'pg_proc', object: "'obj_p()'::regprocedure", use: 'CALL obj_p()' },
  { sql: 'ALTER FUNCTION obj_f() OWNER TO new_owner', catalog: 'pg_proc', object: "'obj_f()'::regprocedure", use: 'SELECT obj_f()' },
  { sql: 'ALTER PROCEDURE obj_p() OWNER TO new_owner', catalog: 'pg_proc', object: "'obj_p()'::regprocedure", use: 'CALL obj_p()' },
  {
    sql: 'ALTER AGGREGATE obj_sum (int) OWNER TO new_owner',
    catalog: 'pg_proc',
    object: "'obj_sum(int)'::regprocedure",
    use: 'SELECT obj_sum(1)',
  },
  {
    sql: 'ALTER SCHEMA obj_s OWNER TO new_owner',
    catalog: 'pg_namespace',
    object: "'obj_s'::regnamespace",
    use: 'SELECT count(*) FROM obj_s.t',
  },
  { sql: 'ALTER TYPE obj_mood OWNER TO new_owner', catalog: 'pg_type', object: "'obj_mood'::regtype", use: "SELECT 'a'::obj_mood" },
  { sql: 'ALTER DOMAIN obj_d OWNER TO new_owner', catalog: 'pg_type', object: "'obj_d'::regtype", use: 'SELECT 1::obj_d' },
  {
    sql: 'ALTER TYPE obj_comp OWNER TO new_owner',
    catalog: 'pg_type',
    object: "'obj_comp'::regtype",
    use: 'SELECT ROW(1)::obj_comp',
    rowType: true,
  },
  { sql: "ALTER TYPE obj_mood ADD VALUE 'b'", catalog: 'pg_type', object: "'obj_mood'::regtype", use: "SELECT 'a'::obj_mood" },
  {
    sql: "ALTER TYPE obj_mood RENAME VALUE 'a' TO 'c'",
    catalog: 'pg_type',
    object: "'obj_mood'::regtype",
    use: "SELECT 'a'::obj_mood",
  },
  { sql: 'ALTER FUNCTION obj_f() RENAME TO obj_f2', catalog: 'pg_proc', object: "'obj_f()'::regprocedure", use: 'SELECT obj_f()' },
  { sql: 'ALTER TYPE obj_mood RENAME TO obj_mood2', catalog: 'pg_type', object: "'obj_mood'::regtype", use: "SELECT 'a'::obj_mood" },
  { sql: 'ALTER DOMAIN obj_d RENAME TO obj_d2', catalog: 'pg_type', object: "'obj_d'::regtype", use: 'SELECT 1::obj_d' },
  {
    sql: 'ALTER TYPE obj_comp RENAME TO obj_comp2',
    catalog: 'pg_type',
    object: "'obj_comp'::regtype",
    use: 'SELECT ROW(1)::obj_comp',
    rowType: true,
  },
  {
    sql: 'ALTER SCHEMA obj_s RENAME TO obj_s2',
    catalog: 'pg_namespace',
    object: "'obj_s'::regnamespace",
    use: 'SELECT count(*) FROM obj_s.t',
  },
];

const lockName = (m: string): string =>
  m
    .replace(/Lock$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toUpperCase();

describe('lint claims vs the server: statements on routines, schemas and types, read from pg_locks', () => {
  const db = throwawayDatabase('postgres');
  let ready: Promise<void> | undefined;
  const setUp = (client: { query: (q: string) => Promise<unknown> }) =>
    (ready ??= (async () => {
      for (const q of [
        'CREATE FUNCTION obj_f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$',
        'CREATE PROCEDURE obj_p() LANGUAGE sql AS $$ SELECT 1 $$',
        'CREATE AGGREGATE obj_sum (int) (SFUNC = int4pl, STYPE = int)',
        'CREATE SCHEMA obj_s',
        'CREATE TABLE obj_s.t (id int)',
        "CREATE TYPE obj_mood AS ENUM ('a')",
        'CREATE DOMAIN obj_d AS int',
        'CREATE TYPE obj_comp AS (a int)',
      ])
        await client.query(q);
    })());
  for (const c of PG_OBJECT_STATEMENTS) {
    it(
      c.sql,
      dbTest(async (t) => {
        const { client } = db.get(t);
        await setUp(client);
        const role = `cw_owner_${Math.random().toString(16).slice(2, 8)}`;
        const sql = c.sql.replace('new_owner', role);
        await client.query(`CREATE ROLE ${role}`);
        t.after(() => client.query(`DROP ROLE ${role}`));
        const info = await client.serverInfo();
        const result = lintSql(`${sql};`, { target: { dialect: info.dialect, version: info.version } }, await loadParsers());
        const s = result.statements[0]!;
        assert.ok(s.strongest, `the linter has no verdict for: ${JSON.stringify(s.parsed)}`);
        assert.ok(!result.findings.some((f) => f.rule === 'unknown-statement'));
        const [{ oid, rowtype } = { oid: 0, rowtype: 0 }] = await client.query<{ oid: number; rowtype: number }>(
          `SELECT o AS oid, (SELECT typrelid FROM pg_type WHERE oid = o) AS rowtype FROM (SELECT ${c.object}::oid AS o) x`,
        );
        const objectLocks = async () =>
          (
            await client.query<{ mode: string }>(
              `SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'object' AND classid = '${c.catalog}'::regclass AND objid = $1`,
              [oid],
            )
          ).map((r) => lockName(r.mode));
        const rowTypeLocks = async () =>
          (
            await client.query<{ mode: string }>(
              "SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation' AND relation = $1",
              [rowtype],
            )
          ).map((r) => lockName(r.mode));
        // A query using the object takes no lock on it (nor on a composite's row type): nothing the statement holds blocks it.
        assert.equal(s.strongest.blocks.reads || s.strongest.blocks.writes, false);
        await client.query('BEGIN');
        try {
          await client.query(c.use);
          assert.deepEqual(await objectLocks(), [], `${c.use} holds a lock on the object`);
          if (c.rowType) assert.deepEqual(await rowTypeLocks(), [], `${c.use} holds a lock on the row type`);
        } finally {
          await client.query('ROLLBACK');
        }
        await client.query('BEGIN');
        try {
          await client.query(sql);
          assert.deepEqual(await objectLocks(), s.strongest.lock === 'NONE' ? [] : [s.strongest.lock]);
          if (c.rowType) {
            assert.deepEqual(await rowTypeLocks(), ['ACCESS EXCLUSIVE']);
            assert.match(s.strongest.why, /composite type: ACCESS EXCLUSIVE on its own row type/);
          }
        } finally {
          await client.query('ROLLBACK');
        }
      }),
    );
  }

  it(
    'ALTER INDEX … RENAME: the lock on the index (SHARE UPDATE EXCLUSIVE from PostgreSQL 12), none on its table',
    dbTest(async (t) => {
      const { client } = db.get(t);
      await setUp(client);
      await client.query('CREATE TABLE IF NOT EXISTS obj_i (id int)');
      await client.query('CREATE INDEX IF NOT EXISTS obj_i_id ON obj_i (id)');
      const info = await client.serverInfo();
      const sql = 'ALTER INDEX obj_i_id RENAME TO obj_i_id2';
      const s = lintSql(`${sql};`, { target: { dialect: info.dialect, version: info.version } }, await loadParsers()).statements[0]!;
      await client.query('BEGIN');
      try {
        await client.query(sql);
        const held = await client.query<{ relname: string; mode: string }>(
          "SELECT c.relname, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE l.pid = pg_backend_pid() AND c.relname LIKE 'obj_i%' ORDER BY 1",
        );
        assert.deepEqual(
          held.map((r) => `${r.relname}: ${lockName(r.mode)}`),
          [`obj_i_id2: ${s.strongest?.lock}`],
        );
        assert.equal(s.strongest?.blocks.reads || s.strongest?.blocks.writes, false);
      } finally {
        await client.query('ROLLBACK');
      }
    }),
  );

  /** rules.ts `enum-add-value` and the rule enum-value-in-transaction: what PostgreSQL 12+ does with the new value. */
  it(
    'ALTER TYPE … ADD VALUE: the new value used before COMMIT fails exactly when the linter says so',
    dbTest(async (t) => {
      const { client } = db.get(t);
      await setUp(client);
      const info = await client.serverInfo();
      const parsers = await loadParsers();
      const cases = [
        ["ALTER TYPE obj_mood ADD VALUE 'z1'", "SELECT 'z1'::obj_mood"],
        ["ALTER TYPE obj_mood ADD VALUE 'z2'", "SELECT 'a'::obj_mood"],
        // PostgreSQL 15 refuses the new value even when the type was created in the same transaction.
        ["CREATE TYPE obj_new AS ENUM ('a')", "ALTER TYPE obj_new ADD VALUE 'z3'", "SELECT 'z3'::obj_new"],
        ["CREATE TYPE obj_new AS ENUM ('a')", "SELECT 'a'::obj_new"],
      ];
      for (const statements of cases) {
        const sql = ['BEGIN', ...statements, 'COMMIT'].map((x) => `${x};\n`).join('');
        const flagged = lintSql(sql, { target: { dialect: info.dialect, version: info.version } }, parsers).findings.some(
          (f) => f.rule === 'enum-value-in-transaction',
        );
        await client.query('BEGIN');
        let failed = false;
        try {
          for (const q of statements) await client.query(q);
        } catch (err) {
          failed = /unsafe use of new value/.test(String(err));
        } finally {
          await client.query('ROLLBACK');
        }
        assert.equal(flagged, failed, sql);
      }
    }),
  );
});

/**
 * MySQL/MariaDB ALTER / DROP of a view, stored function, procedure or event (rules.ts `mysql-object`, `drop-object`):
 * each takes an exclusive metadata lock on the object. Checked on the server with two sessions: one holds an open
 * transaction that used the object (`holder`), the other runs the statement with lock_wait_timeout = 1. It must wait
 * (time out) exactly when the linter says it blocks (waits behind open transactions, so queries queue behind it).
 */
const MY_OBJECT_STATEMENTS: readonly { sql: string; setup: string; holder: readonly string[] }[] = [
  {
    sql: 'ALTER VIEW my_v AS SELECT id FROM my_t WHERE id > 0',
    setup: 'CREATE OR REPLACE VIEW my_v AS SELECT id FROM my_t',
    holder: ['BEGIN', 'SELECT * FROM my_v'],
  },
  {
    sql: 'ALTER DEFINER = CURRENT_USER SQL SECURITY INVOKER VIEW my_v AS SELECT id FROM my_t',
    setup: 'CREATE OR REPLACE VIEW my_v AS SELECT id FROM my_t',
    holder: ['BEGIN', 'SELECT * FROM my_v'],
  },
  { sql: 'DROP VIEW my_v', setup: 'CREATE OR REPLACE VIEW my_v AS SELECT id FROM my_t', holder: ['BEGIN', 'SELECT * FROM my_v'] },
  {
    sql: "ALTER FUNCTION my_f COMMENT 'changed'",
    setup: 'CREATE OR REPLACE FUNCTION my_f() RETURNS int DETERMINISTIC RETURN 1',
    holder: ['BEGIN', 'SELECT my_f()'],
  },
  {
    sql: 'DROP FUNCTION my_f',
    setup: 'CREATE OR REPLACE FUNCTION my_f() RETURNS int DETERMINISTIC RETURN 1',
    holder: ['BEGIN', 'SELECT my_f()'],
  },
  {
    sql: "ALTER PROCEDURE my_p COMMENT 'changed'",
    setup: 'CREATE OR REPLACE PROCEDURE my_p() SELECT 1',
    holder: ['BEGIN', 'CALL my_p()', 'SELECT * FROM my_t'],
  },
  { sql: 'DROP PROCEDURE my_p', setup: 'CREATE OR REPLACE PROCEDURE my_p() SELECT 1', holder: ['BEGIN', 'CALL my_p()'] },
  {
    sql: 'ALTER EVENT my_e DISABLE',
    setup: 'CREATE OR REPLACE EVENT my_e ON SCHEDULE EVERY 1 DAY DISABLE DO SELECT 1',
    holder: ['BEGIN', 'SELECT * FROM my_t'],
  },
  {
    sql: 'DROP EVENT my_e',
    setup: 'CREATE OR REPLACE EVENT my_e ON SCHEDULE EVERY 1 DAY DISABLE DO SELECT 1',
    holder: ['BEGIN', 'SELECT * FROM my_t'],
  },
  {
    sql: 'CREATE OR REPLACE VIEW my_v AS SELECT id FROM my_t WHERE id > 1',
    setup: 'CREATE OR REPLACE VIEW my_v AS SELECT id FROM my_t',
    holder: ['BEGIN', 'SELECT * FROM my_v'],
  },
  { sql: 'ALTER SEQUENCE my_s RESTART WITH 100', setup: 'CREATE OR REPLACE SEQUENCE my_s', holder: ['BEGIN', 'SELECT NEXTVAL(my_s)'] },
  { sql: 'ALTER SEQUENCE my_s INCREMENT BY 2', setup: 'CREATE OR REPLACE SEQUENCE my_s', holder: ['BEGIN', 'SELECT * FROM my_s'] },
  { sql: 'DROP SEQUENCE my_s', setup: 'CREATE OR REPLACE SEQUENCE my_s', holder: ['BEGIN', 'SELECT NEXTVAL(my_s)'] },
  // The database the session is in; a transaction that wrote to one of its tables does not hold it up.
  { sql: 'ALTER DATABASE CHARACTER SET utf8mb4', setup: 'DO 1', holder: ['BEGIN', 'INSERT INTO my_t VALUES (1)'] },
  { sql: "ALTER DATABASE COMMENT 'changed'", setup: 'DO 1', holder: ['BEGIN', 'SELECT * FROM my_t FOR UPDATE'] },
];

describe('lint claims vs the server: MariaDB views, routines and events, two sessions', () => {
  const db = throwawayDatabase('mysql');
  let ready: Promise<void> | undefined;
  /** Runs `sql` with a 1-second lock wait: true when it timed out waiting for a metadata lock. */
  const waits = async (client: { query: (q: string) => Promise<unknown> }, sql: string): Promise<boolean> => {
    await client.query('SET SESSION lock_wait_timeout = 1');
    try {
      await client.query(sql);
      return false;
    } catch (err) {
      if (/Lock wait timeout/i.test(String(err))) return true;
      throw err;
    } finally {
      await client.query('SET SESSION lock_wait_timeout = DEFAULT');
    }
  };
  for (const c of MY_OBJECT_STATEMENTS) {
    it(
      c.sql,
      dbTest(async (t) => {
        const { client, connect } = db.get(t);
        ready ??= (async () => {
          await client.query('CREATE TABLE my_t (id int)');
        })();
        await ready;
        await client.query(c.setup);
        const info = await client.serverInfo();
        const result = lintSql(`${c.sql};`, { target: { dialect: info.dialect, version: info.version } }, await loadParsers());
        const s = result.statements[0]!;
        assert.ok(s.strongest, `the linter has no verdict for: ${JSON.stringify(s.parsed)}`);
        assert.equal(s.strongest.lock, 'EXCLUSIVE');
        assert.ok(!result.findings.some((f) => f.rule === 'unknown-statement' || f.rule === 'unparsed-statement'));
        const other = await connect();
        try {
          for (const q of c.holder) await other.query(q);
          const waited = await waits(client, c.sql);
          assert.equal(waited, s.strongest.blocks.reads || s.strongest.blocks.writes, `waited behind an open transaction: ${waited}`);
        } finally {
          await other.query('ROLLBACK');
        }
      }),
    );
  }

  it(
    'ALTER DATABASE waits only for DDL in the database (LOCK TABLES … WRITE here), and only DDL queues behind it (the linter says so)',
    dbTest(async (t) => {
      const { client, connect } = db.get(t);
      const info = await client.serverInfo();
      const sql = 'ALTER DATABASE CHARACTER SET utf8mb4';
      const s = lintSql(`${sql};`, { target: { dialect: info.dialect, version: info.version } }, await loadParsers()).statements[0]!;
      assert.match(
        s.strongest?.why ?? '',
        /waits for DDL and LOCK TABLES … WRITE .* DDL there queues behind it; queries and transactions neither/,
      );
      await client.query('CREATE TABLE IF NOT EXISTS my_db_t (id int)');
      await client.query('CREATE TABLE IF NOT EXISTS my_db_u (id int)');
      const holder = await connect();
      const third = await connect();
      await holder.query('LOCK TABLES my_db_t WRITE');
      try {
        assert.equal(await waits(client, sql), true, 'it waits for LOCK TABLES … WRITE');
        // While it waits (3 s), a query and a write on another table run; DDL there waits (1 s lock timeout).
        await client.query('SET SESSION lock_wait_timeout = 3');
        const waiting = client.query(sql).then(
          () => 'ran',
          (err: unknown) => String(err),
        );
        await new Promise((r) => setTimeout(r, 300));
        await third.query('SELECT COUNT(*) FROM my_db_u');
        await third.query('INSERT INTO my_db_u VALUES (1)');
        assert.equal(await waits(third, 'ALTER TABLE my_db_u ADD COLUMN c int'), true, 'DDL queues behind it');
        await holder.query('UNLOCK TABLES');
        assert.equal(await waiting, 'ran');
      } finally {
        await holder.query('UNLOCK TABLES');
        await client.query('SET SESSION lock_wait_timeout = DEFAULT');
      }
    }),
  );

  it(
    'ALTER / DROP PROCEDURE do not wait for a call still running (the linter says so)',
    dbTest(async (t) => {
      const { client, connect } = db.get(t);
      const info = await client.serverInfo();
      const parsers = await loadParsers();
      for (const sql of ["ALTER PROCEDURE my_sleep COMMENT 'x'", 'DROP PROCEDURE my_sleep']) {
        await client.query('CREATE OR REPLACE PROCEDURE my_sleep() DO SLEEP(2)');
        const s = lintSql(`${sql};`, { target: { dialect: info.dialect, version: info.version } }, parsers).statements[0]!;
        assert.match(s.strongest?.why ?? '', /not while it runs/);
        const other = await connect();
        const started = Date.now();
        const call = other.query('CALL my_sleep()');
        await new Promise((r) => setTimeout(r, 500));
        assert.equal(await waits(client, sql), false, sql);
        await call;
        // The call was running all along (it sleeps 2 s), so the statement ran during it.
        assert.ok(Date.now() - started >= 1900, `the call returned after ${Date.now() - started} ms`);
      }
    }),
  );
});
