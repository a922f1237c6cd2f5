/**
 * `column-wizard baseline` / `verify` on the real servers: after the column is added and a baseline taken,
 * traffic uses one new index and not the other, the app writes some rows without the column (the forgotten
 * code path), and the table grows; verify must report each of those, with exit code 1 for the rising share.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { main } from '../../src/cli';
import { parseBaseline } from '../../src/core/rollout/baseline';
import type { RolloutReport } from '../../src/core/rollout/compare';
import { connect } from '../../src/db/client';
import { dbTest, throwawayDatabase } from './helpers';
import { capture } from '../helpers/cli';

for (const engine of ['postgres', 'mysql'] as const) {
  describe(`rollout baseline and verify on ${engine}`, () => {
    const db = throwawayDatabase(engine);

    test(
      'reports index use, the unused index, the share of new rows without the column, and the growth',
      dbTest(async (t) => {
        const d = db.get(t);
        const c = d.client;
        const pg = engine === 'postgres';
        const table = pg ? 'public.orders' : `${d.name}.orders`;
        let userstat: string | null = null;
        if (pg) {
          await c.execute('CREATE TABLE orders (id bigserial PRIMARY KEY, amount int NOT NULL)');
          await c.execute('INSERT INTO orders (amount) SELECT g FROM generate_series(1, 3000) g');
          await c.execute('ALTER TABLE orders ADD COLUMN ref text');
          await c.execute(`UPDATE orders SET ref = 'r' || id`);
          await c.execute('CREATE INDEX orders_ref ON orders (ref)');
          await c.execute('CREATE INDEX orders_amount_ref ON orders (amount, ref)');
          await c.execute('ANALYZE orders');
        } else {
          const [v] = await c.query<{ v: string }>(
            `SELECT VARIABLE_VALUE AS v FROM information_schema.GLOBAL_VARIABLES WHERE VARIABLE_NAME = 'USERSTAT'`,
          );
          userstat = v?.v ?? null;
          await c.execute('SET GLOBAL userstat = 1');
          await c.execute('CREATE TABLE orders (id bigint AUTO_INCREMENT PRIMARY KEY, amount int NOT NULL) ENGINE=InnoDB');
          await c.execute('INSERT INTO orders (amount) SELECT seq FROM seq_1_to_3000');
          await c.execute('ALTER TABLE orders ADD COLUMN ref varchar(40)');
          await c.execute(`UPDATE orders SET ref = CONCAT('r', id)`);
          await c.execute('ALTER TABLE orders ADD INDEX orders_ref (ref), ADD INDEX orders_amount_ref (amount, ref)');
          await c.execute('ANALYZE TABLE orders');
        }
        try {
          const dir = mkdtempSync(join(tmpdir(), 'cw-rollout-'));
          const query = `SELECT id FROM orders WHERE ref = 'r42'`;
          const base = capture();
          assert.equal(
            await main(['baseline', '--url', d.url, '--table', table, '--column', 'ref', '--query', query, '--dir', dir], base.io),
            0,
            base.err.join('\n'),
          );
          const folder = join(dir, '.column-wizard', 'rollouts', `${pg ? 'public' : d.name}.orders.ref`);
          const files = readdirSync(folder);
          assert.equal(files.length, 1);
          const saved = parseBaseline(readFileSync(join(folder, files[0]!), 'utf8'));
          assert.equal(saved.observation!.key?.max, '3000');
          assert.deepEqual(saved.observation!.indexes.map((i) => i.name).sort(), ['orders_amount_ref', 'orders_ref']);

          // Traffic that uses orders_ref (on its own connection, closed so PostgreSQL flushes its counters).
          const app = await connect(d.url);
          for (let i = 0; i < 25; i++)
            await app.query(pg ? 'SELECT id FROM orders WHERE ref = $1' : 'SELECT id FROM orders WHERE ref = ?', [`r${i + 1}`]);
          // New rows: most set ref, then a code path that forgets it.
          for (let i = 0; i < 200; i++)
            await app.execute(pg ? 'INSERT INTO orders (amount, ref) VALUES ($1, $2)' : 'INSERT INTO orders (amount, ref) VALUES (?, ?)', [
              i,
              `n${i}`,
            ]);
          for (let i = 0; i < 100; i++)
            await app.execute(pg ? 'INSERT INTO orders (amount) VALUES ($1)' : 'INSERT INTO orders (amount) VALUES (?)', [i]);
          // Growth: a bulk load with ref set.
          await app.execute(
            pg
              ? `INSERT INTO orders (amount, ref) SELECT g, 'b' || g FROM generate_series(1, 30000) g`
              : `INSERT INTO orders (amount, ref) SELECT seq, CONCAT('b', seq) FROM seq_1_to_30000`,
          );
          await app.close();
          if (!pg) await c.execute('ANALYZE TABLE orders');
          else await new Promise((r) => setTimeout(r, 200));

          const ver = capture();
          const md = join(dir, 'report.md');
          const code = await main(
            [
              'verify',
              '--url',
              d.url,
              '--table',
              table,
              '--column',
              'ref',
              '--dir',
              dir,
              '--unused-days',
              '0',
              '--format',
              'json',
              '--markdown',
              md,
            ],
            ver.io,
          );
          const report = JSON.parse(ver.out.join('\n')) as RolloutReport;
          const byName = Object.fromEntries(report.indexUse.map((i) => [i.name, i]));
          assert.ok((byName.orders_ref?.since ?? 0) > 0, `orders_ref used since the baseline: ${JSON.stringify(report.indexUse)}`);
          assert.equal(byName.orders_amount_ref?.since, 0);
          const unused = report.findings.find((f) => f.code === 'index-unused');
          assert.ok(unused, JSON.stringify(report.findings));
          assert.match(unused.message, /orders_amount_ref/);
          assert.match(
            unused.next ?? '',
            pg ? /DROP INDEX CONCURRENTLY "public"\."orders_amount_ref"/ : /DROP INDEX `orders_amount_ref`, ALGORITHM=INPLACE, LOCK=NONE/,
          );
          // The sample is the newest 10,000 rows: all from the bulk load (ref set) — so sample the new rows only.
          assert.ok(report.nullShare, 'the null share was measured');
          assert.ok(report.storage.nowBytes > report.storage.baselineBytes, `the table grew: ${JSON.stringify(report.storage)}`);
          assert.ok(
            report.findings.some((f) => f.code === 'plan-unchanged'),
            'the listed query was explained again',
          );
          assert.equal(code, report.worst === 'error' ? 1 : 0);
          assert.match(readFileSync(md, 'utf8'), /### Rollout check: `.*orders\.ref`/);

          // A narrow sample that sees only the 300 app rows: 100 of them miss ref, all in the newer half → rising, exit 1.
          const narrow = capture();
          await c.execute(`DELETE FROM orders WHERE ref LIKE 'b%'`);
          const code2 = await main(
            ['verify', '--url', d.url, '--table', table, '--column', 'ref', '--dir', dir, '--format', 'json'],
            narrow.io,
          );
          const r2 = JSON.parse(narrow.out.join('\n')) as RolloutReport;
          assert.equal(r2.nullShare?.sampled, 300);
          assert.equal(Math.round(r2.nullShare!.share * 300), 100);
          const rising = r2.findings.find((f) => f.code === 'app-not-writing-rising');
          assert.ok(rising, JSON.stringify(r2.findings));
          assert.match(rising.message, /33\.3% of 300 sampled rows written since the baseline/);
          assert.equal(code2, 1, 'an error finding exits 1');
        } finally {
          if (!pg) await c.execute(`SET GLOBAL userstat = ${userstat === 'ON' ? 1 : 0}`);
        }
      }),
    );

    test(
      'refuses a query that is more than one statement, and explains nothing of it',
      dbTest(async (t) => {
        const d = db.get(t);
        const pg = engine === 'postgres';
        await d.client.execute('CREATE TABLE victim (id int PRIMARY KEY, c int)');
        const dir = mkdtempSync(join(tmpdir(), 'cw-rollout-'));
        const r = capture();
        assert.equal(
          await main(
            [
              'baseline',
              '--url',
              d.url,
              '--table',
              pg ? 'public.victim' : `${d.name}.victim`,
              '--column',
              'c',
              '--query',
              'SELECT 1; DROP TABLE victim',
              '--dir',
              dir,
            ],
            r.io,
          ),
          2,
        );
        assert.match(r.err.join('\n'), /--query: a query to explain must be exactly one statement, got 2/);
        const still = await d.client.query(
          pg
            ? `SELECT 1 FROM pg_class WHERE relname = 'victim'`
            : `SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${d.name}' AND TABLE_NAME = 'victim'`,
        );
        assert.equal(still.length, 1, 'the table is still there');
      }),
    );
  });
}

for (const engine of ['postgres', 'mysql'] as const) {
  describe(`run saves a rollout baseline on ${engine}`, () => {
    const db = throwawayDatabase(engine);
    test(
      'a completed run writes a run baseline with the plan as the prediction, and verify reads it',
      dbTest(async (t) => {
        const d = db.get(t);
        const pg = engine === 'postgres';
        await d.client.execute(
          pg ? 'CREATE TABLE items (id serial PRIMARY KEY, n int)' : 'CREATE TABLE items (id int AUTO_INCREMENT PRIMARY KEY, n int)',
        );
        await d.client.execute(
          pg ? 'INSERT INTO items (n) SELECT g FROM generate_series(1, 500) g' : 'INSERT INTO items (n) SELECT seq FROM seq_1_to_500',
        );
        const dir = mkdtempSync(join(tmpdir(), 'cw-rollout-run-'));
        const table = pg ? 'public.items' : `${d.name}.items`;
        const ran = capture();
        assert.equal(
          await main(
            ['run', '--url', d.url, '--table', table, '--column', 'tag varchar(20)', '--index', '--yes', '--baseline-dir', dir],
            ran.io,
          ),
          0,
          ran.err.join('\n'),
        );
        const folder = join(dir, '.column-wizard', 'rollouts', `${pg ? 'public' : d.name}.items.tag`);
        const files = readdirSync(folder);
        assert.equal(files.length, 1);
        assert.match(files[0]!, /-run\.json$/);
        const b = parseBaseline(readFileSync(join(folder, files[0]!), 'utf8'));
        assert.equal(b.source, 'run');
        assert.ok(b.prediction?.steps?.length, 'the plan estimates are recorded');
        assert.equal(b.observation?.indexes.length, 1, 'the new index is in the baseline');
        assert.match(ran.out.join('\n'), /Rollout baseline: .*-run\.json/);
        const ver = capture();
        assert.equal(
          await main(['verify', '--url', d.url, '--table', table, '--column', 'tag', '--dir', dir], ver.io),
          0,
          ver.err.join('\n') + ver.out.join('\n'),
        );
        assert.match(ver.out.join('\n'), /since the baseline of .* \(taken by column-wizard run\)/);
      }),
    );
  });
}
