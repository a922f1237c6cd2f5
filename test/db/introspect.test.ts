import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DatabaseError } from '../../src/db/errors';
import { dbTest, throwawayDatabase } from './helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PostgreSQL introspection', () => {
  const db = throwawayDatabase('postgres');

  it(
    'lists tables of every user schema in one query, with catalog estimates',
    dbTest(async (t) => {
      const { client } = db.get(t);
      await client.query('CREATE SCHEMA app');
      await client.query('CREATE TABLE app.orders (id int PRIMARY KEY)');
      await client.query('CREATE TABLE public.events (id int)');
      await client.query('INSERT INTO public.events SELECT generate_series(1, 3000)');
      await client.query('ANALYZE public.events');
      const all = await client.listTables();
      assert.deepEqual(
        all.map((x) => `${x.schema}.${x.name}`),
        ['app.orders', 'public.events'],
      );
      const events = all.find((x) => x.name === 'events')!;
      assert.equal(events.rows, 3000);
      assert.ok(events.bytes >= 8192 * 5, `bytes ${events.bytes}`);
      assert.deepEqual(
        (await client.listTables('app')).map((x) => x.name),
        ['orders'],
      );
    }),
  );

  it(
    'gives each single-column index its rows per key from the statistics, none before ANALYZE or for a multi-column index',
    dbTest(async (t) => {
      const { client } = db.get(t);
      await client.query('CREATE TABLE public.k (id int PRIMARY KEY, few int, many int)');
      await client.query('CREATE INDEX k_few ON public.k (few)');
      await client.query('CREATE INDEX k_both ON public.k (few, many)');
      await client.query('INSERT INTO public.k SELECT g, g % 10, g FROM generate_series(1, 5000) g');
      const perKey = async () =>
        Object.fromEntries(((await client.tableFacts({ schema: 'public', name: 'k' })).indexes ?? []).map((i) => [i.name, i.rowsPerKey]));
      assert.deepEqual(await perKey(), { k_both: undefined, k_few: undefined, k_pkey: undefined });
      await client.query('ANALYZE public.k');
      const after = await perKey();
      assert.equal(after.k_few, 500);
      assert.equal(after.k_pkey, 1);
      assert.equal(after.k_both, undefined);
    }),
  );

  it(
    'reports columns, keys, indexes (expression too), constraints and foreign keys both ways',
    dbTest(async (t) => {
      const { client } = db.get(t);
      await client.query('CREATE TABLE public.account (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE)');
      await client.query(`CREATE TABLE public.invoice (
      id serial PRIMARY KEY, account_id bigint NOT NULL REFERENCES public.account (id), amount numeric(10,2) DEFAULT 0 CHECK (amount >= 0),
      cents bigint GENERATED ALWAYS AS ((amount * 100)::bigint) STORED, note varchar(20))`);
      await client.query('CREATE INDEX invoice_lower_note ON public.invoice (lower(note))');
      await client.query('CREATE TABLE public.line (invoice_id int REFERENCES public.invoice (id))');
      await client.query("INSERT INTO public.account (email) SELECT g || '@x' FROM generate_series(1, 200) g");
      await client.query('INSERT INTO public.invoice (account_id, amount) SELECT id, 1 FROM public.account');
      await client.query('ANALYZE public.invoice');
      const f = await client.tableFacts({ schema: 'public', name: 'invoice' });
      assert.equal(f.rows, 200);
      assert.ok(f.bytes > 0 && (f.indexBytes ?? 0) > 0);
      assert.deepEqual(
        f.columns!.map((c) => [c.name, c.type, c.nullable, c.generated ?? null, c.autoIncrement]),
        [
          ['id', 'integer', false, null, true],
          ['account_id', 'bigint', false, null, false],
          ['amount', 'numeric(10,2)', true, null, false],
          ['cents', 'bigint', true, 'stored', false],
          ['note', 'character varying(20)', true, null, false],
        ],
      );
      assert.equal(f.columns![2]!.default, '0');
      assert.deepEqual(f.primaryKey, ['id']);
      const expr = f.indexes!.find((i) => i.name === 'invoice_lower_note')!;
      assert.equal(expr.expression, true);
      assert.equal(expr.method, 'btree');
      assert.deepEqual(f.constraints!.map((c) => c.kind).sort(), ['check', 'foreign', 'primary']);
      assert.deepEqual(
        f.foreignKeysOut!.map((k) => [k.columns, k.refTable.name, k.refColumns]),
        [[['account_id'], 'account', ['id']]],
      );
      assert.deepEqual(
        f.foreignKeysIn!.map((k) => [k.refTable.name, k.columns, k.refColumns]),
        [['line', ['invoice_id'], ['id']]],
      );
      const account = await client.tableFacts({ schema: 'public', name: 'account' });
      assert.equal(account.columns![0]!.autoIncrement, true);
      assert.ok(account.indexes!.some((i) => i.unique && !i.primary && i.columns[0] === 'email'));
    }),
  );

  it(
    'sizes a table that was never analyzed, without waiting behind a queued ALTER',
    dbTest(async (t) => {
      const { client, connect } = db.get(t);
      await client.query('CREATE TABLE public.fresh AS SELECT g AS id, md5(g::text) AS h FROM generate_series(1, 20000) g');
      const f = await client.tableFacts({ schema: 'public', name: 'fresh' });
      assert.ok(f.bytes > 1_000_000, `bytes ${f.bytes}`);
      // With an ALTER queued behind an open transaction, facts still answer (size unknown rather than a wait).
      const holder = await connect();
      const alter = await connect();
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM public.fresh LIMIT 1');
      await alter.query(`SET lock_timeout = '5s'`);
      const queued = alter.execute('ALTER TABLE public.fresh ADD COLUMN c int').then(
        () => 'done',
        (e: Error) => e.message,
      );
      try {
        await sleep(300);
        const started = performance.now();
        const during = await client.tableFacts({ schema: 'public', name: 'fresh' });
        assert.ok(performance.now() - started < 2000, 'tableFacts did not wait for the lock');
        // 0 (size unknown) unless autovacuum has analyzed the table meanwhile, when pg_class has the figure.
        assert.ok(during.bytes === 0 || during.bytes > 1_000_000, `bytes ${during.bytes}`);
        assert.ok(during.lockRisks!.some((r) => /waiting for a lock/.test(r.state)));
      } finally {
        await holder.query('ROLLBACK');
      }
      assert.equal(await queued, 'done');
    }),
  );

  it(
    'samples the write rate from pg_stat_user_tables',
    dbTest(async (t) => {
      const { client, connect } = db.get(t);
      await client.query('CREATE TABLE public.busy (id serial PRIMARY KEY, v int)');
      const writer = await connect();
      let stop = false;
      const writing = (async () => {
        while (!stop) {
          await writer.query('INSERT INTO public.busy (v) SELECT generate_series(1, 50)');
          await sleep(20);
        }
      })();
      try {
        await sleep(1200); // let the writer's counters reach shared stats once
        const f = await client.tableFacts({ schema: 'public', name: 'busy' }, { sampleMs: 2500 });
        assert.ok((f.writesPerSecond ?? 0) > 50, `writesPerSecond ${f.writesPerSecond}`);
      } finally {
        stop = true;
        await writing;
      }
      const idle = await client.tableFacts({ schema: 'public', name: 'busy' }, { sampleMs: 1200 });
      assert.equal(idle.writesPerSecond, 0);
    }),
  );

  it(
    'reports a transaction holding the table open, with its age, as a lock-queue risk',
    dbTest(async (t) => {
      const { client, connect } = db.get(t);
      await client.query('CREATE TABLE public.hot (id int)');
      const none = await client.tableFacts({ schema: 'public', name: 'hot' });
      assert.deepEqual(none.lockRisks, []);
      const holder = await connect();
      const [{ pid }] = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
      await holder.query('BEGIN');
      await holder.query('SELECT count(*) FROM public.hot');
      try {
        await sleep(1500);
        const f = await client.tableFacts({ schema: 'public', name: 'hot' });
        const risk = f.lockRisks!.find((r) => r.pid === pid);
        assert.ok(risk, `expected pid ${pid} in ${JSON.stringify(f.lockRisks)}`);
        assert.equal(risk.lockMode, 'AccessShareLock');
        assert.match(risk.state, /idle in transaction/);
        assert.ok(risk.ageSeconds >= 1.4 && risk.ageSeconds < 30, `age ${risk.ageSeconds}`);
      } finally {
        await holder.query('ROLLBACK');
      }
      assert.deepEqual(await client.lockRisks({ schema: 'public', name: 'hot' }), []);
    }),
  );

  it(
    'reports a queued ALTER behind the holder as waiting for its lock',
    dbTest(async (t) => {
      const { client, connect } = db.get(t);
      await client.query('CREATE TABLE public.queue (id int)');
      const holder = await connect();
      const alter = await connect();
      const [{ pid }] = (await alter.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
      await holder.query('BEGIN');
      await holder.query('SELECT * FROM public.queue');
      await alter.query(`SET lock_timeout = '5s'`);
      const queued = alter.execute('ALTER TABLE public.queue ADD COLUMN c int').then(
        () => 'done',
        (e: Error) => e.message,
      );
      try {
        let risk;
        for (let i = 0; i < 50 && !risk; i++) {
          await sleep(50);
          risk = (await client.lockRisks({ schema: 'public', name: 'queue' })).find((r) => r.pid === pid);
        }
        assert.ok(risk, 'the queued ALTER is listed');
        assert.equal(risk.lockMode, 'AccessExclusiveLock');
        assert.match(risk.state, /waiting for a lock/);
        assert.match(risk.query, /ALTER TABLE public\.queue/);
      } finally {
        await holder.query('ROLLBACK');
      }
      assert.equal(await queued, 'done');
    }),
  );

  it(
    'reports replication settings',
    dbTest(async (t) => {
      const { client } = db.get(t);
      const r = await client.replication();
      const [s] = await client.query<{ d: string; f: string }>(
        `SELECT current_setting('max_standby_streaming_delay') AS d, current_setting('hot_standby_feedback') AS f`,
      );
      assert.equal(r.isReplica, false);
      assert.equal(r.hotStandbyFeedback, s!.f === 'on');
      assert.ok(Number.isFinite(r.maxStandbyStreamingDelayMs));
      assert.ok(Array.isArray(r.replicas));
    }),
  );

  it(
    'names a missing table plainly',
    dbTest(async (t) => {
      await assert.rejects(
        db.get(t).client.tableFacts({ schema: 'public', name: 'nope' }),
        (e: unknown) => e instanceof DatabaseError && /public\.nope does not exist/.test(e.message),
      );
    }),
  );
});

describe('MySQL/MariaDB introspection', () => {
  const db = throwawayDatabase('mysql');

  it(
    'lists tables with engine and estimates in one query',
    dbTest(async (t) => {
      const { client, name } = db.get(t);
      await client.query('CREATE TABLE a_inno (id int PRIMARY KEY) ENGINE=InnoDB');
      await client.query('CREATE TABLE b_aria (id int PRIMARY KEY) ENGINE=Aria');
      await client.query(
        'INSERT INTO a_inno WITH RECURSIVE s (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 300) SELECT n FROM s',
      );
      await client.query('ANALYZE TABLE a_inno');
      const all = await client.listTables(name);
      // InnoDB estimates come from persistent statistics; an Aria table has none (rows -1, engine unknown).
      assert.deepEqual(
        all.map((x) => [x.name, x.engine, x.rows]),
        [
          ['a_inno', 'InnoDB', 300],
          ['b_aria', undefined, -1],
        ],
      );
      assert.ok(all[0]!.bytes >= 16384);
      assert.ok((await client.listTables()).some((x) => x.schema === name && x.name === 'a_inno'));
    }),
  );

  it(
    'reports columns, generated and auto-increment, FULLTEXT, foreign keys both ways, engine and row format',
    dbTest(async (t) => {
      const { client, name } = db.get(t);
      await client.query(
        "CREATE TABLE parent (id int PRIMARY KEY AUTO_INCREMENT, title varchar(100) NOT NULL DEFAULT 'x', body text, FULLTEXT KEY ft_body (body)) ENGINE=InnoDB",
      );
      await client.query(`CREATE TABLE child (id int PRIMARY KEY, parent_id int NOT NULL, qty int CHECK (qty > 0), twice int AS (qty * 2) STORED,
      CONSTRAINT child_parent FOREIGN KEY (parent_id) REFERENCES parent (id)) ENGINE=InnoDB ROW_FORMAT=COMPRESSED`);
      await client.query('CREATE TABLE grandchild (child_id int, FOREIGN KEY (child_id) REFERENCES child (id)) ENGINE=InnoDB');
      const parent = await client.tableFacts({ schema: name, name: 'parent' });
      assert.equal(parent.engine, 'InnoDB');
      assert.deepEqual(parent.primaryKey, ['id']);
      assert.equal(parent.columns![0]!.autoIncrement, true);
      assert.equal(parent.columns![1]!.default, "'x'");
      assert.equal(parent.indexes!.find((i) => i.name === 'ft_body')!.method, 'FULLTEXT');
      assert.deepEqual(
        parent.foreignKeysIn!.map((k) => [k.refTable.name, k.columns, k.refColumns]),
        [['child', ['parent_id'], ['id']]],
      );
      const child = await client.tableFacts({ schema: name, name: 'child' });
      assert.equal(child.rowFormat, 'Compressed');
      assert.equal(child.columns!.find((c) => c.name === 'twice')!.generated, 'stored');
      assert.deepEqual(
        child.foreignKeysOut!.map((k) => [k.name, k.columns, k.refTable.name, k.refColumns]),
        [['child_parent', ['parent_id'], 'parent', ['id']]],
      );
      assert.ok(child.constraints!.some((c) => c.kind === 'check' && /qty/.test(c.definition)));
      assert.equal((await client.tableFacts({ schema: name, name: 'grandchild' })).foreignKeysOut!.length, 1);
    }),
  );

  it(
    'reports an open transaction, with its age, as a lock-queue risk',
    dbTest(async (t) => {
      const { client, name, connect } = db.get(t);
      await client.query('CREATE TABLE hot (id int PRIMARY KEY) ENGINE=InnoDB');
      await client.query('INSERT INTO hot VALUES (1)');
      const holder = await connect();
      const [{ id }] = (await holder.query<{ id: number }>('SELECT CONNECTION_ID() AS id')) as [{ id: number }];
      await holder.query('START TRANSACTION');
      await holder.query('SELECT * FROM hot FOR UPDATE');
      try {
        await sleep(1500);
        const f = await client.tableFacts({ schema: name, name: 'hot' }, { longTransactionSeconds: 1 });
        const risk = f.lockRisks!.find((r) => r.pid === Number(id));
        assert.ok(risk, `expected connection ${id} in ${JSON.stringify(f.lockRisks)}`);
        assert.ok(risk.ageSeconds >= 1.4 && risk.ageSeconds < 30, `age ${risk.ageSeconds}`);
        assert.match(risk.state, /idle in transaction/);
        // Below the threshold it is not reported.
        const r60 = await client.lockRisks({ schema: name, name: 'hot' }, 60);
        assert.equal(
          r60.some((r) => r.pid === Number(id)),
          false,
          JSON.stringify(r60),
        );
      } finally {
        await holder.query('ROLLBACK');
      }
      await sleep(250); // information_schema.INNODB_TRX is a cache refreshed at most every 100 ms
      assert.equal(
        (await client.lockRisks({ schema: name, name: 'hot' }, 0)).some((r) => r.pid === Number(id)),
        false,
      );
    }),
  );

  it(
    'reports the binlog format and replica status',
    dbTest(async (t) => {
      const { client } = db.get(t);
      const r = await client.replication();
      const [v] = await client.query<{ f: string; b: number }>('SELECT @@binlog_format AS f, @@log_bin AS b');
      assert.equal(r.binlogFormat, Number(v!.b) === 1 ? v!.f : null);
      assert.equal(r.isReplica, false);
    }),
  );
});

describe('MySQL/MariaDB write rate', () => {
  const db = throwawayDatabase('mysql');

  it(
    'samples InnoDB MODIFIED_COUNTER for rows written per second, close to what was written',
    dbTest(async (t) => {
      const { client, name, connect } = db.get(t);
      await client.query('CREATE TABLE busy (id int AUTO_INCREMENT PRIMARY KEY, v int) ENGINE=InnoDB');
      // 20,000 rows: statistics are recalculated (and the counter reset) only after ~2,000 changes.
      await client.query(
        'INSERT INTO busy (v) WITH RECURSIVE s (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 200) SELECT a.n FROM s a, s b LIMIT 20000',
      );
      await client.query('ANALYZE TABLE busy');
      const writer = await connect();
      let stop = false;
      const writing = (async () => {
        while (!stop) {
          await writer.query('INSERT INTO busy (v) VALUES (1), (2), (3), (4), (5)');
          await sleep(10);
        }
      })();
      try {
        const count = async () => Number((await client.query<{ n: number }>('SELECT COUNT(*) AS n FROM busy'))[0]!.n);
        const n0 = await count();
        const t0 = performance.now();
        const f = await client.tableFacts({ schema: name, name: 'busy' }, { sampleMs: 1500 });
        const actual = ((await count()) - n0) / ((performance.now() - t0) / 1000);
        const w = f.writesPerSecond ?? 0;
        assert.ok(w > actual * 0.5 && w < actual * 1.5, `writesPerSecond ${w}, rows actually inserted per second ${actual}`);
      } finally {
        stop = true;
        await writing;
      }
      const idle = await client.tableFacts({ schema: name, name: 'busy' }, { sampleMs: 500 });
      assert.equal(idle.writesPerSecond, 0);
    }),
  );
});
