import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dbTest, throwawayDatabase } from './helpers';

describe('PostgreSQL probe', () => {
  const db = throwawayDatabase('postgres');
  const table = { schema: 'public', name: 'items' };

  async function setup(t: Parameters<typeof db.get>[0]) {
    const { client } = db.get(t);
    await client.query("CREATE TABLE IF NOT EXISTS public.items (id int PRIMARY KEY, name text NOT NULL CHECK (name <> ''))");
    await client.query("INSERT INTO public.items SELECT g, 'n' || g FROM generate_series(1, 500) g ON CONFLICT DO NOTHING");
    return client;
  }

  it(
    'sees the lock and the rewrite on an empty copy, leaving the real table and schema list untouched',
    dbTest(async (t) => {
      const client = await setup(t);
      const before = await client.query<{ f: string }>(`SELECT relfilenode::text AS f FROM pg_class WHERE oid = 'public.items'::regclass`);
      const plain = await client.probe(table, 'ALTER TABLE items ADD COLUMN a int');
      assert.deepEqual([plain.lock, plain.rewrite, plain.error], ['ACCESS EXCLUSIVE', false, undefined]);
      assert.deepEqual(plain.blocks, { reads: true, writes: true });
      const volatile = await client.probe(table, 'ALTER TABLE public.items ADD COLUMN b timestamptz DEFAULT clock_timestamp()');
      assert.deepEqual([volatile.lock, volatile.rewrite], ['ACCESS EXCLUSIVE', true]);
      const index = await client.probe(table, 'CREATE INDEX items_name ON "public"."items" (name)');
      assert.deepEqual([index.lock, index.rewrite, index.blocks], ['SHARE', false, { reads: false, writes: true }]);
      const validate = await client.probe(table, 'ALTER TABLE items VALIDATE CONSTRAINT items_name_check');
      assert.equal(validate.lock, 'SHARE UPDATE EXCLUSIVE');
      const after = await client.query<{ f: string }>(`SELECT relfilenode::text AS f FROM pg_class WHERE oid = 'public.items'::regclass`);
      assert.deepEqual(after, before);
      const cols = await client.query(
        `SELECT attname FROM pg_attribute WHERE attrelid = 'public.items'::regclass AND attnum > 0 AND NOT attisdropped`,
      );
      assert.equal(cols.length, 2);
      assert.deepEqual(await client.query(`SELECT count(*)::int AS n FROM public.items`), [{ n: 500 }]);
      assert.deepEqual(await client.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'cw\\_probe\\_%'`), []);
    }),
  );

  it(
    'observes CREATE INDEX CONCURRENTLY from a second session',
    dbTest(async (t) => {
      const client = await setup(t);
      // A lock_timeout of the session's own (not the connection profile's 2 s) is what it gets back afterwards.
      await client.query(`SET lock_timeout = '7s'`);
      try {
        const r = await client.probe(table, 'CREATE INDEX CONCURRENTLY items_name_c ON items (name)');
        assert.equal(r.error, undefined);
        assert.deepEqual([r.lock, r.rewrite, r.blocks], ['SHARE UPDATE EXCLUSIVE', false, { reads: false, writes: false }]);
        assert.deepEqual(
          await client.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'items' AND indexname = 'items_name_c'`),
          [],
        );
        assert.deepEqual(await client.query(`SELECT current_setting('lock_timeout') AS lt`), [{ lt: '7s' }]);
      } finally {
        await client.query(`SET lock_timeout = '2s'`);
      }
    }),
  );

  it(
    'applies earlier steps first, unmeasured',
    dbTest(async (t) => {
      const client = await setup(t);
      const alone = await client.probe(table, `ALTER TABLE items ALTER COLUMN c SET DEFAULT 1`);
      assert.match(alone.error ?? '', /column "c" .*does not exist/);
      const r = await client.probe(table, `ALTER TABLE items VALIDATE CONSTRAINT c_pos`, {
        setup: ['ALTER TABLE items ADD COLUMN c int', 'ALTER TABLE items ADD CONSTRAINT c_pos CHECK (c > 0) NOT VALID'],
      });
      assert.deepEqual([r.error, r.lock], [undefined, 'SHARE UPDATE EXCLUSIVE']);
    }),
  );

  it(
    'keeps lock fidelity for a step after setup: SET NOT NULL after ADD COLUMN reads ACCESS EXCLUSIVE',
    dbTest(async (t) => {
      const client = await setup(t);
      const r = await client.probe(table, 'ALTER TABLE items ALTER COLUMN c SET NOT NULL', {
        setup: ['ALTER TABLE items ADD COLUMN c int'],
      });
      assert.deepEqual([r.error, r.lock], [undefined, 'ACCESS EXCLUSIVE']);
    }),
  );

  it(
    'refuses an earlier step that does not name the table, before anything is created or run',
    dbTest(async (t) => {
      const client = await setup(t);
      await client.query('CREATE TABLE IF NOT EXISTS public.h_other (id int)');
      await client.query('INSERT INTO public.h_other VALUES (1)');
      const r = await client.probe(table, 'ALTER TABLE items ADD COLUMN z int', { setup: ['ALTER TABLE h_other ADD COLUMN stolen int'] });
      assert.match(r.error ?? '', /an earlier step does not name the table public\.items, so it is not run on the copy/);
      assert.deepEqual(
        await client.query(
          `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'h_other' AND column_name = 'stolen'`,
        ),
        [{ n: 0 }],
      );
      assert.deepEqual(await client.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'cw\\_probe\\_%'`), []);
    }),
  );

  it(
    "drops the private copy a dead probe left behind, and keeps a live probe's",
    dbTest(async (t) => {
      const client = await setup(t);
      const owner = `SELECT format('column-wizard probe: backend %s %s', pid, extract(epoch FROM backend_start)) AS c FROM pg_stat_activity WHERE pid = pg_backend_pid()`;
      // A probe whose process died after step 1: its schema, copy and comment stay, its backend is gone.
      const dead = await db.get(t).connect();
      const deadComment = (await dead.query<{ c: string }>(owner))[0]!.c;
      await dead.query('CREATE SCHEMA cw_probe_dead000001');
      await dead.query('CREATE TABLE cw_probe_dead000001.items (LIKE public.items INCLUDING ALL)');
      await dead.query(`COMMENT ON SCHEMA cw_probe_dead000001 IS '${deadComment}'`);
      await dead.close();
      // A probe that is running now in another session.
      const live = await db.get(t).connect();
      const liveComment = (await live.query<{ c: string }>(owner))[0]!.c;
      await live.query('CREATE SCHEMA cw_probe_live000001');
      await live.query(`COMMENT ON SCHEMA cw_probe_live000001 IS '${liveComment}'`);
      try {
        for (let i = 0; i < 50; i++) {
          // the closed backend leaves pg_stat_activity shortly after the socket closes
          const gone = await client.query(
            `SELECT 1 FROM pg_stat_activity WHERE format('column-wizard probe: backend %s %s', pid, extract(epoch FROM backend_start)) = $1`,
            [deadComment],
          );
          if (gone.length === 0) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        const r = await client.probe(table, 'ALTER TABLE items ADD COLUMN a2 int');
        assert.equal(r.error, undefined);
        assert.deepEqual(
          (await client.query<{ n: string }>(`SELECT nspname AS n FROM pg_namespace WHERE nspname LIKE 'cw\\_probe\\_%' ORDER BY 1`)).map(
            (x) => x.n,
          ),
          ['cw_probe_live000001'],
        );
      } finally {
        await live.query('DROP SCHEMA IF EXISTS cw_probe_live000001 CASCADE');
        await live.close();
      }
    }),
  );

  it(
    'refuses a statement that does not name the table',
    dbTest(async (t) => {
      const client = await setup(t);
      const r = await client.probe(table, 'ALTER TABLE other ADD COLUMN a int');
      assert.match(r.error ?? '', /does not name the table public\.items/);
    }),
  );
});

describe('MySQL/MariaDB probe', () => {
  const db = throwawayDatabase('mysql');

  it(
    'finds the weakest algorithm and lock the server accepts, and sees a rebuild by the table id',
    dbTest(async (t) => {
      const { client, name } = db.get(t);
      await client.query('CREATE TABLE items (id int PRIMARY KEY, name varchar(40) NOT NULL) ENGINE=InnoDB');
      await client.query("INSERT INTO items VALUES (1, 'a'), (2, 'b')");
      const table = { schema: name, name: 'items' };
      const instant = await client.probe(table, 'ALTER TABLE items ADD COLUMN a int');
      assert.deepEqual([instant.algorithm, instant.lock, instant.rewrite], ['INSTANT', 'NONE', false]);
      const unique = await client.probe(table, 'ALTER TABLE items ADD COLUMN u int UNIQUE');
      assert.deepEqual([unique.algorithm, unique.lock, unique.rewrite], ['INPLACE', 'NONE', true]);
      const index = await client.probe(table, 'CREATE INDEX items_name ON items (name)');
      assert.deepEqual([index.algorithm, index.lock, index.rewrite], ['INPLACE', 'NONE', false]);
      const uuid = await client.probe(table, 'ALTER TABLE items ADD COLUMN g char(36) DEFAULT (UUID())');
      assert.deepEqual([uuid.algorithm, uuid.lock, uuid.rewrite, uuid.blocks.writes], ['COPY', 'SHARED', true, true]);
      // Written clauses are honoured: INSTANT is refused for a column with an index.
      const written = await client.probe(table, 'ALTER TABLE items ADD COLUMN w int, ADD INDEX (w), ALGORITHM=INSTANT');
      assert.match(written.error ?? '', /INSTANT/);
      assert.deepEqual(await client.query('SELECT id, name FROM items ORDER BY id'), [
        { id: 1, name: 'a' },
        { id: 2, name: 'b' },
      ]);
      assert.deepEqual((await client.query('SHOW COLUMNS FROM items')).length, 2);
      assert.deepEqual(
        await client.query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME LIKE '\\_cw\\_%'", [
          name,
        ]),
        [],
      );
    }),
  );
});

describe('PostgreSQL probe without the CREATE privilege', () => {
  const db = throwawayDatabase('postgres');

  it(
    'uses a temporary copy, and says why CONCURRENTLY cannot be probed',
    dbTest(async (t) => {
      const { client, url } = db.get(t);
      const role = `cw_probe_role_${Math.random().toString(16).slice(2, 8)}`;
      await client.query('CREATE TABLE public.items (id int PRIMARY KEY, name text)');
      await client.query(`CREATE ROLE ${role} LOGIN`);
      await client.query(`GRANT SELECT ON public.items TO ${role}`);
      try {
        const u = new URL(url);
        u.username = role;
        const { connect } = await import('../../src/db/client');
        const limited = await connect(u.toString());
        try {
          assert.deepEqual(await limited.query(`SELECT has_database_privilege(current_database(), 'CREATE') AS ok`), [{ ok: false }]);
          const add = await limited.probe(
            { schema: 'public', name: 'items' },
            'ALTER TABLE items ADD COLUMN c timestamptz DEFAULT clock_timestamp()',
          );
          assert.deepEqual([add.error, add.lock, add.rewrite], [undefined, 'ACCESS EXCLUSIVE', true]);
          assert.match(add.sql, /"pg_temp"\."cw_probe_/);
          const idx = await limited.probe({ schema: 'public', name: 'items' }, 'CREATE INDEX items_name ON items (name)');
          assert.deepEqual([idx.error, idx.lock], [undefined, 'SHARE']);
          const cic = await limited.probe({ schema: 'public', name: 'items' }, 'CREATE INDEX CONCURRENTLY items_name ON items (name)');
          assert.match(cic.error ?? '', /needs the CREATE privilege on the database/);
        } finally {
          await limited.close();
        }
      } finally {
        await client.query(`DROP OWNED BY ${role}`);
        await client.query(`DROP ROLE ${role}`);
      }
    }),
  );
});
