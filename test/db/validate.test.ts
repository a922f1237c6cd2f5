import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ColumnSpec } from '../../src/core/types';
import { validateColumn as validateOffline } from '../../src/core/columnSpec';
import { dbTest, throwawayDatabase } from './helpers';

const col = (over: Partial<ColumnSpec>): ColumnSpec => ({
  name: 'c',
  type: { name: 'int', params: [] },
  nullable: true,
  default: { kind: 'none' },
  ...over,
});
const codes = (fs: readonly { code: string }[]) => fs.map((f) => f.code).sort();

describe('PostgreSQL server-side validation', () => {
  const db = throwawayDatabase('postgres');
  const table = { schema: 'public', name: 'v' };
  const ready = async (t: Parameters<typeof db.get>[0]) => {
    const { client } = db.get(t);
    await client.query('CREATE TABLE IF NOT EXISTS public.v (id int PRIMARY KEY, name text)');
    await client.query('CREATE TABLE IF NOT EXISTS public.nokey (code text)');
    return client;
  };

  it(
    'accepts a good column and says a stable default is not volatile',
    dbTest(async (t) => {
      const client = await ready(t);
      assert.deepEqual(
        await client.validateColumn(col({ type: { name: 'varchar', params: [20] }, default: { kind: 'literal', value: "'x'" } }), table),
        [],
      );
      const stable = await client.validateColumn(
        col({ type: { name: 'timestamptz', params: [] }, default: { kind: 'expression', sql: 'now()' } }),
        table,
      );
      assert.deepEqual(
        stable.map((f) => [f.code, f.severity]),
        [['default-not-volatile', 'info']],
      );
      assert.match(stable[0]!.message, /now\(\) is STABLE/);
    }),
  );

  it(
    'reads volatility from pg_proc: gen_random_uuid() and random() rewrite',
    dbTest(async (t) => {
      const client = await ready(t);
      for (const sql of ['gen_random_uuid()', 'random()']) {
        const type = sql === 'random()' ? 'float8' : 'uuid';
        const f = await client.validateColumn(col({ type: { name: type, params: [] }, default: { kind: 'expression', sql } }), table);
        assert.deepEqual(codes(f), ['default-volatile'], sql);
      }
    }),
  );

  it(
    'names an unknown type, a taken name, a default that does not cast and a bad CHECK',
    dbTest(async (t) => {
      const client = await ready(t);
      assert.deepEqual(codes(await client.validateColumn(col({ type: { name: 'intt', params: [] } }), table)), ['unknown-type']);
      assert.deepEqual(codes(await client.validateColumn(col({ name: 'name' }), table)), ['column-exists']);
      const bad = await client.validateColumn(col({ default: { kind: 'literal', value: "'abc'" } }), table);
      assert.deepEqual(codes(bad), ['default-invalid']);
      assert.match(bad[0]!.message, /invalid input syntax for type integer/);
      const check = await client.validateColumn(col({ check: 'c > nosuch' }), table);
      assert.deepEqual(
        check.map((f) => [f.code, f.field]),
        [['check-invalid', 'check']],
      );
    }),
  );

  it(
    'accepts every serial spelling, serial4 and serial8 included',
    dbTest(async (t) => {
      const client = await ready(t);
      for (const name of ['serial', 'smallserial', 'bigserial', 'serial2', 'serial4', 'serial8']) {
        assert.deepEqual(
          codes(await client.validateColumn(col({ name: `c_${name}`, type: { name, params: [] }, autoIncrement: true }), table)),
          [],
          name,
        );
      }
    }),
  );

  it(
    'uses the codes the offline validation uses for the same problems',
    dbTest(async (t) => {
      const client = await ready(t);
      const long = 'x'.repeat(64);
      assert.deepEqual(codes(await client.validateColumn(col({ name: long }), table)), ['identifier-too-long']);
      assert.ok(validateOffline(col({ name: long }), { dialect: 'postgres', version: '15' }).some((f) => f.code === 'identifier-too-long'));
    }),
  );

  it(
    'checks a foreign key target has a key and the same type',
    dbTest(async (t) => {
      const client = await ready(t);
      assert.deepEqual(await client.validateColumn(col({ references: { table: 'v', column: 'id' } }), table), []);
      assert.deepEqual(
        codes(
          await client.validateColumn(col({ references: { table: 'nokey', column: 'code' }, type: { name: 'text', params: [] } }), table),
        ),
        ['reference-not-unique'],
      );
      assert.deepEqual(
        codes(await client.validateColumn(col({ references: { table: 'v', column: 'id' }, type: { name: 'text', params: [] } }), table)),
        ['reference-type-mismatch'],
      );
      assert.deepEqual(codes(await client.validateColumn(col({ references: { table: 'gone', column: 'id' } }), table)), [
        'reference-missing',
      ]);
    }),
  );

  it(
    'lets the server judge UNIQUE as the plan writes it (json has no btree operator class) and blames the part it rejects',
    dbTest(async (t) => {
      const client = await ready(t);
      assert.deepEqual(await client.validateColumn(col({ type: { name: 'jsonb', params: [] }, unique: true }), table), []);
      const json = await client.validateColumn(col({ type: { name: 'json', params: [] }, unique: true }), table);
      assert.deepEqual(
        json.map((f) => [f.code, f.field]),
        [['unique-invalid', 'unique']],
      );
      assert.match(json[0]!.message, /operator class/);
      // Blamed by asking again without each part, not by words in the message (the statement names a cw_check_ table).
      const generated = await client.validateColumn(col({ generated: { expression: 'nosuch + 1', stored: true }, check: 'c > 0' }), table);
      assert.deepEqual(
        generated.map((f) => [f.code, f.field]),
        [['generated-invalid', 'generated']],
      );
      const typed = await client.validateColumn(
        col({ type: { name: 'json', params: [] }, check: "c::text <> ''", nullable: false }),
        table,
      );
      assert.deepEqual(typed, []);
    }),
  );

  it(
    'rejects expression text that would end the statement, before it reaches the server',
    dbTest(async (t) => {
      const client = await ready(t);
      const f = await client.validateColumn(col({ default: { kind: 'expression', sql: '1); DROP TABLE public.v; --' } }), table);
      assert.deepEqual(codes(f), ['expression-invalid']);
      assert.equal((await client.query(`SELECT to_regclass('public.v') IS NOT NULL AS ok`))[0]!.ok, true);
    }),
  );
});

describe('MySQL/MariaDB server-side validation', () => {
  const db = throwawayDatabase('mysql');
  const ready = async (t: Parameters<typeof db.get>[0]) => {
    const { client, name } = db.get(t);
    await client.query('CREATE TABLE IF NOT EXISTS v (id int PRIMARY KEY, Name varchar(10)) ENGINE=InnoDB');
    return { client, table: { schema: name, name: 'v' } };
  };

  it(
    'accepts good columns, including an expression default and AUTO_INCREMENT',
    dbTest(async (t) => {
      const { client, table } = await ready(t);
      assert.deepEqual(
        await client.validateColumn(col({ type: { name: 'char', params: [36] }, default: { kind: 'expression', sql: 'UUID()' } }), table),
        [],
      );
      assert.deepEqual(
        await client.validateColumn(col({ type: { name: 'bigint', params: [] }, autoIncrement: true, nullable: false }), table),
        [],
      );
      assert.deepEqual(await client.validateColumn(col({ references: { table: 'v', column: 'id' } }), table), []);
    }),
  );

  it(
    'validates on a table whose definition a temporary table cannot copy (FULLTEXT, COMPRESSED)',
    dbTest(async (t) => {
      const { client, table } = await ready(t);
      await client.query('CREATE TABLE IF NOT EXISTS ft (id int PRIMARY KEY, body text, FULLTEXT KEY (body)) ENGINE=InnoDB');
      await client.query('CREATE TABLE IF NOT EXISTS zipped (id int PRIMARY KEY) ENGINE=InnoDB ROW_FORMAT=COMPRESSED');
      for (const name of ['ft', 'zipped']) {
        const other = { schema: table.schema, name };
        assert.deepEqual(await client.validateColumn(col({ default: { kind: 'literal', value: '1' } }), other), [], name);
        assert.deepEqual(
          codes(await client.validateColumn(col({ default: { kind: 'literal', value: "'abc'" } }), other)),
          ['default-invalid'],
          name,
        );
      }
    }),
  );

  it(
    'names a taken name (case-insensitively), a bad default and an unknown type',
    dbTest(async (t) => {
      const { client, table } = await ready(t);
      assert.deepEqual(codes(await client.validateColumn(col({ name: 'NAME' }), table)), ['column-exists']);
      const bad = await client.validateColumn(col({ default: { kind: 'literal', value: "'abc'" } }), table);
      assert.deepEqual(
        bad.map((f) => [f.code, f.field]),
        [['default-invalid', 'default']],
      );
      assert.deepEqual(codes(await client.validateColumn(col({ type: { name: 'intt', params: [] } }), table)), ['type-invalid']);
      assert.deepEqual(
        codes(
          await client.validateColumn(col({ references: { table: 'v', column: 'id' }, type: { name: 'varchar', params: [10] } }), table),
        ),
        ['reference-type-mismatch'],
      );
    }),
  );

  it(
    'compares a multi-parameter type with the referenced column as the server prints it (decimal(10,2))',
    dbTest(async (t) => {
      const { client, table } = await ready(t);
      await client.query('CREATE TABLE IF NOT EXISTS money (amount decimal(10,2) PRIMARY KEY) ENGINE=InnoDB');
      const ref = { references: { table: 'money', column: 'amount' } };
      assert.deepEqual(await client.validateColumn(col({ ...ref, type: { name: 'decimal', params: [10, 2] } }), table), []);
      assert.deepEqual(codes(await client.validateColumn(col({ ...ref, type: { name: 'decimal', params: [12, 2] } }), table)), [
        'reference-type-mismatch',
      ]);
    }),
  );
});
