/**
 * `requiresOutsideTransaction` (the one list the migration writers and the runner use) against PostgreSQL itself:
 * every statement is run inside BEGIN … ROLLBACK and must fail with SQLSTATE 25001 exactly when the list says so.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requiresOutsideTransaction } from '../../src/core/dialects/index';
import { DatabaseError } from '../../src/db/errors';
import { dbTest, throwawayDatabase } from './helpers';

/** Each statement is rolled back, or refused before it does anything. */
const CASES: readonly string[] = [
  'CREATE INDEX CONCURRENTLY t_b ON t (b)',
  'create unique index concurrently t_a2 on t (a)',
  '-- a comment first\nCREATE INDEX CONCURRENTLY IF NOT EXISTS t_b ON t (b)',
  'DROP INDEX CONCURRENTLY t_a',
  'REINDEX TABLE CONCURRENTLY t',
  'REINDEX (VERBOSE) INDEX CONCURRENTLY t_a',
  'REINDEX DATABASE {db}',
  'REINDEX SYSTEM {db}',
  'ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY',
  'CREATE DATABASE cw_never_created',
  'DROP DATABASE IF EXISTS cw_never_created',
  "CREATE TABLESPACE cw_never_created LOCATION '/nonexistent'",
  'DROP TABLESPACE IF EXISTS cw_never_created',
  'ALTER DATABASE {db} SET TABLESPACE pg_default',
  'ALTER SYSTEM RESET cw.never_set',
  'VACUUM t',
  'VACUUM (ANALYZE) t',
  'CLUSTER',
  "COMMIT PREPARED 'cw_none'",
  "ROLLBACK PREPARED 'cw_none'",
  // Allowed inside a transaction block:
  'CREATE INDEX t_b ON t (b)',
  'DROP INDEX t_a',
  'REINDEX TABLE t',
  'ALTER TABLE p DETACH PARTITION p1',
  'REFRESH MATERIALIZED VIEW CONCURRENTLY mv',
  "ALTER TYPE mood ADD VALUE 'meh'",
  'ANALYZE t',
  'CLUSTER t USING t_a',
  "COMMENT ON TABLE t IS 'VACUUM CONCURRENTLY'",
  'ALTER TABLE t ADD COLUMN concurrently_built int',
  'ALTER DATABASE {db} SET work_mem = 65536',
];

describe('statements PostgreSQL refuses inside a transaction block', () => {
  const db = throwawayDatabase('postgres');

  it(
    'the list matches what PostgreSQL 12+ refuses, statement by statement',
    dbTest(async (t) => {
      const { client, name } = db.get(t);
      const version = (await client.serverInfo()).version;
      await client.query('CREATE TABLE t (a int, b int)');
      await client.query('CREATE UNIQUE INDEX t_a ON t (a)');
      await client.query("CREATE TYPE mood AS ENUM ('ok')");
      await client.query('CREATE TABLE p (a int) PARTITION BY RANGE (a)');
      await client.query('CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (10)');
      await client.query('CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x');
      await client.query('CREATE UNIQUE INDEX mv_x ON mv (x)');
      const wrong: string[] = [];
      for (const template of CASES) {
        const sql = template.replaceAll('{db}', `"${name}"`);
        await client.query('BEGIN');
        let refused = false;
        try {
          await client.query(sql);
        } catch (err) {
          if (!(err instanceof DatabaseError) || err.code !== '25001') {
            await client.query('ROLLBACK');
            throw new Error(`${sql}: unexpected ${(err as Error).message}`);
          }
          refused = true;
        }
        await client.query('ROLLBACK');
        if (refused !== requiresOutsideTransaction(sql, version)) wrong.push(`${sql}: PostgreSQL ${refused ? 'refused' : 'ran'} it`);
      }
      assert.deepEqual(wrong, []);
    }),
  );
});

describe('ALTER TYPE … ADD VALUE', () => {
  it('runs outside a transaction before PostgreSQL 12, or when the version is unknown', () => {
    assert.equal(requiresOutsideTransaction("ALTER TYPE mood ADD VALUE 'x'", '11.22'), true);
    assert.equal(requiresOutsideTransaction("ALTER TYPE mood ADD VALUE 'x'", ''), true);
    assert.equal(requiresOutsideTransaction("ALTER TYPE mood ADD VALUE 'x'", '12.0'), false);
    assert.equal(requiresOutsideTransaction("ALTER TYPE mood RENAME VALUE 'a' TO 'b'", '11.22'), false);
  });
});
