/** The runner's pure parts (no database): backoff, host guard, index-name parsing, keyset predicates, plan hashing. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backoffDelay, concurrentIndexName, keyPredicate, planHash, resolvePolicy, withLockRetry } from '../../src/db/run';
import { requiresOutsideTransaction } from '../../src/core/dialects/index';
import { fullPlan } from './runHelpers';

describe('retry policy', () => {
  test('delays double up to the cap, with jitter between half and all of the ceiling', () => {
    const p = resolvePolicy({ baseDelayMs: 100, maxDelayMs: 1000 });
    assert.equal(
      backoffDelay(p, 1, () => 0),
      50,
    );
    assert.equal(
      backoffDelay(p, 1, () => 1),
      100,
    );
    assert.equal(
      backoffDelay(p, 3, () => 1),
      400,
    );
    assert.equal(
      backoffDelay(p, 10, () => 1),
      1000,
    );
    assert.equal(
      backoffDelay(p, 10, () => 0),
      500,
    );
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(p, 2, Math.random)));
    assert.ok(spread.size > 10, 'jittered');
  });

  test('bad policies are refused', () => {
    assert.throws(() => resolvePolicy({ maxAttempts: 0 }), /maxAttempts must be a positive integer/);
    assert.throws(() => resolvePolicy({ baseDelayMs: 10, maxDelayMs: 5 }), /baseDelayMs ≤ maxDelayMs/);
  });

  test('retries lock timeouts (55P03, 1205) and deadlocks up to the bound, and nothing else', async () => {
    const policy = resolvePolicy({ maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 });
    let calls = 0;
    await assert.rejects(
      withLockRetry(async () => {
        calls++;
        throw Object.assign(new Error('lock'), { code: '55P03' });
      }, policy),
      (err: unknown) => (err as { attempts: number }).attempts === 3,
    );
    assert.equal(calls, 3);
    calls = 0;
    const r = await withLockRetry(async () => {
      if (++calls < 3) throw Object.assign(new Error('wrapped'), { code: 'X', cause: { errno: 1205 } });
      return 'ok';
    }, policy);
    assert.deepEqual(r, { value: 'ok', attempts: 3 });
    calls = 0;
    await assert.rejects(
      withLockRetry(async () => {
        calls++;
        throw Object.assign(new Error('syntax'), { code: '42601' });
      }, policy),
      /syntax/,
    );
    assert.equal(calls, 1);
  });
});

describe('statement classification', () => {
  test('concurrent index names, quoted or not, and what cannot run in a transaction', () => {
    assert.equal(
      concurrentIndexName('CREATE INDEX CONCURRENTLY IF NOT EXISTS "Orders ""c"" idx" ON "public"."orders" ("c")'),
      'Orders "c" idx',
    );
    assert.equal(concurrentIndexName('create unique index concurrently Orders_C on orders (c)'), 'orders_c');
    assert.equal(concurrentIndexName('CREATE INDEX orders_c ON orders (c)'), null);
    assert.equal(requiresOutsideTransaction('DROP INDEX CONCURRENTLY x'), true);
    assert.equal(requiresOutsideTransaction('ALTER TABLE t ADD COLUMN c int'), false);
  });
});

describe('keyset predicates', () => {
  const cols = [
    { name: 'a', type: 'integer' },
    { name: 'b', type: 'character varying(20)' },
  ];
  test('PostgreSQL compares row values, binding each value to its column type', () => {
    const params: unknown[] = [];
    assert.equal(keyPredicate('postgres', cols, '>', ['3', 'k"1'], params), '("a", "b") > ($1::integer, $2::character varying(20))');
    assert.deepEqual(params, ['3', 'k"1']);
  });
  test('MySQL/MariaDB get the lexicographic expansion with a leading-column range', () => {
    const params: unknown[] = [];
    const my = [
      { name: 'a', type: 'bigint(20) unsigned' },
      { name: 'b', type: 'varbinary(16)' },
      { name: 'c', type: 'varchar(5)' },
    ];
    assert.equal(
      keyPredicate('mysql', my, '<=', ['1', 'ff', 'x'], params),
      '(`a` <= CAST(? AS UNSIGNED) AND ((`a` < CAST(? AS UNSIGNED)) OR (`a` = CAST(? AS UNSIGNED) AND `b` < UNHEX(?)) OR (`a` = CAST(? AS UNSIGNED) AND `b` = UNHEX(?) AND `c` <= ?)))',
    );
    assert.deepEqual(params, ['1', '1', '1', 'ff', '1', 'ff', 'x']);
  });
});

describe('plan hash', () => {
  test('same SQL, same hash whatever the estimates; different SQL, different hash', () => {
    const a = fullPlan('postgres', 'public', 't', 'c', 'id');
    const b = { ...a, table: { ...a.table, rows: 999, bytes: 12345 } };
    assert.equal(planHash(a), planHash(b));
    assert.notEqual(planHash(a), planHash(fullPlan('postgres', 'public', 't', 'c', 'id + 1')));
  });
});
