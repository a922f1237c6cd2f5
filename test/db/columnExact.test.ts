/** The user's column, exactly: identity generation and sequence options kept, names folded as the server would. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dbTest, throwawayDatabase } from './helpers';
import { runCli as cli } from '../helpers/cli';

describe('the column as written (PostgreSQL)', () => {
  const db = throwawayDatabase('postgres');

  it(
    'GENERATED ALWAYS AS IDENTITY (START WITH …) is added as ALWAYS with its options',
    dbTest(async (t) => {
      const { client, url } = db.get(t);
      await client.query('CREATE TABLE ids (k int)');
      await client.query('INSERT INTO ids SELECT g FROM generate_series(1, 3) g');
      const r = await cli([
        'run',
        '--url',
        url,
        '--table',
        'ids',
        '--column',
        'id bigint GENERATED ALWAYS AS IDENTITY (START WITH 100 INCREMENT BY 10)',
        '--yes',
      ]);
      assert.equal(r.code, 0, r.out + r.err);
      const [col] = await client.query<{ identity: string; start: string; inc: string }>(
        `SELECT a.attidentity AS identity, s.seqstart::text AS start, s.seqincrement::text AS inc
         FROM pg_attribute a JOIN pg_depend d ON d.refobjid = a.attrelid AND d.refobjsubid = a.attnum AND d.deptype = 'i'
         JOIN pg_sequence s ON s.seqrelid = d.objid
        WHERE a.attrelid = 'ids'::regclass AND a.attname = 'id'`,
      );
      assert.deepEqual(col, { identity: 'a', start: '100', inc: '10' });
      assert.deepEqual(
        (await client.query<{ id: string }>('SELECT id::text AS id FROM ids ORDER BY id')).map((x) => x.id),
        ['100', '110', '120'],
      );
      await assert.rejects(client.query('INSERT INTO ids (k, id) VALUES (4, 1)'), /cannot insert a non-DEFAULT value into column "id"/);
    }),
  );

  it(
    'an unquoted MixedCase name becomes mixedcase, with a note; a quoted " " is a valid name',
    dbTest(async (t) => {
      const { client, url } = db.get(t);
      await client.query('CREATE TABLE names (k int)');
      const plan = await cli(['plan', '--url', url, '--table', 'names', '--column', 'MixedCase int']);
      assert.equal(plan.code, 0, plan.out + plan.err);
      assert.match(plan.out, /ADD COLUMN "mixedcase" integer|ADD COLUMN "mixedcase" int/);
      assert.match(plan.out, /\[info\] name-folded: The unquoted name MixedCase is mixedcase to PostgreSQL/);
      const run = await cli(['run', '--url', url, '--table', 'names', '--column', 'MixedCase int', '--yes']);
      assert.equal(run.code, 0, run.out + run.err);
      const blank = await cli(['run', '--url', url, '--table', 'names', '--column', '" " text', '--yes']);
      assert.equal(blank.code, 0, blank.out + blank.err);
      assert.deepEqual(
        (
          await client.query<{ n: string }>(
            `SELECT attname AS n FROM pg_attribute WHERE attrelid = 'names'::regclass AND attnum > 0 ORDER BY attnum`,
          )
        ).map((x) => x.n),
        ['k', 'mixedcase', ' '],
      );
      // psql's reading of the same words, for comparison.
      await client.query('ALTER TABLE names ADD COLUMN OtherCase int');
      assert.equal(
        (await client.query(`SELECT count(*)::int AS n FROM pg_attribute WHERE attrelid = 'names'::regclass AND attname = 'othercase'`))[0]!
          .n,
        1,
      );
    }),
  );

  it(
    '--table: an unquoted Orders is the table orders, with a note; a quoted "Orders" is the table Orders',
    dbTest(async (t) => {
      const { client, url } = db.get(t);
      await client.query('CREATE TABLE h_orders (k int)');
      await client.query('CREATE TABLE "H_Orders" (k int)');
      const folded = await cli(['run', '--url', url, '--table', 'public.H_Orders', '--column', 'c int', '--yes']);
      assert.equal(folded.code, 0, folded.out + folded.err);
      assert.match(folded.out, /name-folded: --table: the unquoted name H_Orders is h_orders to PostgreSQL/);
      const quoted = await cli(['run', '--url', url, '--table', '"H_Orders"', '--column', 'd int', '--yes']);
      assert.equal(quoted.code, 0, quoted.out + quoted.err);
      assert.doesNotMatch(quoted.out, /name-folded/);
      const cols = async (rel: string) =>
        (
          await client.query<{ n: string }>(
            `SELECT attname AS n FROM pg_attribute WHERE attrelid = '${rel}'::regclass AND attnum > 0 ORDER BY attnum`,
          )
        ).map((x) => x.n);
      assert.deepEqual(await cols('h_orders'), ['k', 'c']);
      assert.deepEqual(await cols('"H_Orders"'), ['k', 'd']);
    }),
  );
});

describe('the column as written (MariaDB)', () => {
  const db = throwawayDatabase('mysql');

  it(
    'refuses GENERATED ALWAYS AS IDENTITY with the reason instead of adding a column that accepts explicit values',
    dbTest(async (t) => {
      const { client, url } = db.get(t);
      await client.query('CREATE TABLE ids (k int)');
      const r = await cli(['run', '--url', url, '--table', 'ids', '--column', 'id bigint GENERATED ALWAYS AS IDENTITY', '--yes']);
      assert.notEqual(r.code, 0);
      assert.match(
        r.err,
        /MySQL\/MariaDB have no GENERATED ALWAYS AS IDENTITY: AUTO_INCREMENT always accepts an explicit value, so ALWAYS cannot be kept/,
      );
      assert.deepEqual(
        await client.query(`SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'ids'`),
        [{ COLUMN_NAME: 'k' }],
      );
    }),
  );

  it(
    'keeps an unquoted MixedCase name as written',
    dbTest(async (t) => {
      const { client, url } = db.get(t);
      await client.query('CREATE TABLE names (k int)');
      const r = await cli(['run', '--url', url, '--table', 'names', '--column', 'MixedCase int', '--yes']);
      assert.equal(r.code, 0, r.out + r.err);
      assert.doesNotMatch(r.out, /name-folded/);
      assert.deepEqual(
        await client.query(
          `SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'names' ORDER BY ORDINAL_POSITION`,
        ),
        [{ COLUMN_NAME: 'k' }, { COLUMN_NAME: 'MixedCase' }],
      );
    }),
  );
});
