/** The one current-schema lookup (src/db/schema.ts) on both engines, including a connection that has none. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { currentSchema, currentSchemaOrNull, resolveTable } from '../../src/db/schema';
import { dbTest, throwawayDatabase } from './helpers';

describe('current schema (PostgreSQL)', () => {
  const db = throwawayDatabase('postgres');
  it(
    'resolves an unqualified table; a search_path with no existing schema is an error, not "public"',
    dbTest(async (t) => {
      const { client } = db.get(t);
      assert.deepEqual(await resolveTable(client, { schema: '', name: 'orders' }), { schema: 'public', name: 'orders' });
      assert.deepEqual(await resolveTable(client, { schema: 'sales', name: 'orders' }), { schema: 'sales', name: 'orders' });
      await client.query('SET search_path = cw_no_such_schema');
      try {
        assert.equal(await currentSchemaOrNull(client, 'postgres'), null);
        await assert.rejects(currentSchema(client), /no current schema; name the table as schema\.name/);
      } finally {
        await client.query('RESET search_path');
      }
    }),
  );
});

describe('current database (MySQL/MariaDB)', () => {
  const db = throwawayDatabase('mysql');
  it(
    'is the database of the connection URL',
    dbTest(async (t) => {
      const { client, name } = db.get(t);
      assert.equal(await currentSchema(client), name);
      assert.deepEqual(await resolveTable(client, { schema: '', name: 'orders' }), { schema: name, name: 'orders' });
    }),
  );
});
