/** The probe refuses statements that rename, drop or move anything but its own shadow, and leaves nothing behind (real servers). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { main } from '../../src/cli';
import { probeRefusal } from '../../src/db/probeGuard';
import { dbTest, throwawayDatabase } from './helpers';

describe('probeRefusal (statement classification)', () => {
  it('refuses renames, moves, drops and second statements', () => {
    for (const [sql, flavor] of [
      ['ALTER TABLE t ADD COLUMN c int, RENAME TO x', 'mysql'],
      ['ALTER TABLE t RENAME AS other.x', 'mysql'],
      ['ALTER TABLE t ADD COLUMN c int, RENAME x', 'mysql'],
      ['RENAME TABLE t TO x', 'mysql'],
      ['ALTER TABLE t RENAME TO x', 'postgres'],
      ['ALTER TABLE t SET SCHEMA other', 'postgres'],
      ['ALTER TABLE t SET TABLESPACE fast', 'postgres'],
      ['ALTER TABLE p ATTACH PARTITION t FOR VALUES IN (1)', 'postgres'],
      ['ALTER TABLE t ADD COLUMN c int; DROP TABLE t', 'postgres'],
      ['DROP TABLE t', 'postgres'],
      ['TRUNCATE t', 'mysql'],
      ['ALTER TABLE t EXCHANGE PARTITION p0 WITH TABLE u', 'mysql'],
      ['ALTER TABLE t DISCARD TABLESPACE', 'mysql'],
    ] as const)
      assert.notEqual(probeRefusal(sql, flavor), null, sql);
  });
  it('accepts what only changes the shadow table itself', () => {
    for (const [sql, flavor] of [
      ['ALTER TABLE t ADD COLUMN c int', 'postgres'],
      ['ALTER TABLE t RENAME COLUMN a TO b', 'postgres'],
      ['ALTER TABLE t RENAME CONSTRAINT a TO b', 'postgres'],
      ['ALTER TABLE t RENAME INDEX a TO b', 'mysql'],
      ['ALTER TABLE t RENAME KEY a TO b', 'mysql'],
      ['ALTER TABLE t DROP COLUMN c', 'mysql'],
      ["ALTER TABLE t ADD COLUMN c text DEFAULT 'RENAME TO x; DROP TABLE t'", 'postgres'],
      ['ALTER TABLE t ADD COLUMN "rename" int;', 'postgres'],
      ['ALTER TABLE t ALTER COLUMN c SET DEFAULT 1', 'postgres'],
      ['CREATE INDEX CONCURRENTLY i ON t (c)', 'postgres'],
    ] as const)
      assert.equal(probeRefusal(sql, flavor), null, sql);
  });
});

describe('explain probes only on local servers unless --allow-probe', () => {
  it('refuses a non-local host before connecting', async () => {
    const out: string[] = [];
    const code = await main(['explain', '--url', 'postgres://u:Zq9secret@192.0.2.7:5432/db', '--sql', 'ALTER TABLE t ADD COLUMN c int'], {
      out: (x) => out.push(x),
      err: (x) => out.push(x),
    });
    assert.equal(code, 2);
    assert.match(out.join('\n'), /192\.0\.2\.7 is not a loopback address\. Add --allow-probe/);
    assert.doesNotMatch(out.join('\n'), /Zq9secret/);
  });
});

describe('MariaDB/MySQL: explain of ADD COLUMN …, RENAME TO leaves nothing behind', () => {
  const db = throwawayDatabase('mysql');
  it(
    "the probe refuses it, the user's database holds only its own tables afterwards",
    dbTest(async (t) => {
      const { client, name, url } = db.get(t);
      await client.query('CREATE TABLE items (id int PRIMARY KEY, name varchar(40)) ENGINE=InnoDB');
      const tables = async () =>
        (
          await client.query<{ t: string }>('SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY 1', [
            name,
          ])
        ).map((r) => r.t);
      const r = await client.probe({ schema: name, name: 'items' }, 'ALTER TABLE items ADD COLUMN c int, RENAME TO stolen');
      assert.match(r.error ?? '', /Not probed: it renames the table/);
      assert.deepEqual(await tables(), ['items']);
      const out: string[] = [];
      await main(['explain', '--url', url, '--sql', 'ALTER TABLE items ADD COLUMN c int, RENAME TO stolen;'], {
        out: (x) => out.push(x),
        err: (x) => out.push(x),
      });
      assert.deepEqual(await tables(), ['items'], out.join('\n'));
      // An ordinary probe still runs and cleans up after itself.
      const ok = await client.probe({ schema: name, name: 'items' }, 'ALTER TABLE items ADD COLUMN c int');
      assert.equal(ok.error, undefined);
      assert.deepEqual(await tables(), ['items']);
    }),
  );
});

describe('PostgreSQL: moves and second statements are refused; the probe cleans up', () => {
  const db = throwawayDatabase('postgres');
  it(
    'SET SCHEMA and "; DROP TABLE" never run; no cw_probe schema is left',
    dbTest(async (t) => {
      const { client } = db.get(t);
      await client.query('CREATE TABLE items (id int PRIMARY KEY, name text)');
      const table = { schema: 'public', name: 'items' };
      const moved = await client.probe(table, 'ALTER TABLE items SET SCHEMA pg_temp');
      assert.match(moved.error ?? '', /moves the table/);
      const dropped = await client.probe(table, 'ALTER TABLE items ADD COLUMN c int; DROP TABLE items');
      assert.match(dropped.error ?? '', /more than one statement/);
      const ok = await client.probe(table, 'ALTER TABLE items ADD COLUMN c int');
      assert.equal(ok.error, undefined);
      const [row] = await client.query<{ n: string | number }>("SELECT count(*) AS n FROM pg_namespace WHERE nspname LIKE 'cw_probe_%'");
      assert.equal(Number(row!.n), 0);
      const [exists] = await client.query<{ n: string | number }>(
        "SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public' AND tablename = 'items'",
      );
      assert.equal(Number(exists!.n), 1);
    }),
  );
});
