import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PENDING_RUNS_KEPT, PENDING_RUNS_KEY, PendingRuns, type PendingRun } from '../../src/extension/wizard/pendingRuns';

/** A workspace state as VS Code keeps it: values survive a new PendingRuns over the same state (a window reload). */
function memento(initial: Record<string, unknown> = {}) {
  const values = new Map<string, unknown>(Object.entries(initial));
  return {
    values,
    get<T>(key: string): T | undefined {
      // VS Code hands out a copy (JSON), never the stored object.
      const v = values.get(key);
      return v === undefined ? undefined : (JSON.parse(JSON.stringify(v)) as T);
    },
    async update(key: string, value: unknown): Promise<void> {
      values.set(key, JSON.parse(JSON.stringify(value)));
    },
  };
}

const run = (over: Partial<PendingRun> = {}): PendingRun => ({
  connection: 'local',
  dialect: 'postgres',
  tool: 'dbmate',
  folder: 'file:///ws/db/migrations',
  names: ['20261207120000_add_token.sql'],
  at: 1,
  ...over,
});

describe('pending runs (Record as Applied after a window reload)', () => {
  it('finds a run remembered by an earlier window (a new store over the same state), and not after it is forgotten', async () => {
    const state = memento();
    await new PendingRuns(state).remember('r1', run());
    const reloaded = new PendingRuns(state);
    assert.deepEqual(reloaded.get('r1'), run());
    assert.equal(reloaded.get('r2'), undefined);
    assert.equal(reloaded.get('constructor'), undefined);
    await reloaded.forget('r1');
    assert.equal(new PendingRuns(state).get('r1'), undefined);
  });

  it(`keeps the ${PENDING_RUNS_KEPT} newest runs`, async () => {
    const state = memento();
    const store = new PendingRuns(state);
    for (let i = 1; i <= PENDING_RUNS_KEPT + 2; i++) await store.remember(`r${i}`, run({ at: i }));
    assert.equal(store.get('r1'), undefined);
    assert.equal(store.get('r2'), undefined);
    assert.deepEqual(store.get('r3'), run({ at: 3 }));
    assert.deepEqual(store.get(`r${PENDING_RUNS_KEPT + 2}`), run({ at: PENDING_RUNS_KEPT + 2 }));
    assert.equal(Object.keys(state.values.get(PENDING_RUNS_KEY) as object).length, PENDING_RUNS_KEPT);
  });

  it('ignores stored entries that are not a run it wrote (unknown tool, no files, another dialect, a file outside the folder)', async () => {
    const state = memento({
      [PENDING_RUNS_KEY]: {
        good: run(),
        tool: { ...run(), tool: 'rm -rf' },
        empty: { ...run(), names: [] },
        dialect: { ...run(), dialect: 'oracle' },
        outside: { ...run(), names: ['../../.ssh/id_rsa'] },
        absolute: { ...run(), names: ['/etc/passwd'] },
        prisma: { ...run(), tool: 'prisma', names: ['20261207120000_add_token/migration.sql'] },
        mariadb: { ...run(), dialect: 'mariadb' },
        junk: 'x',
      },
    });
    const store = new PendingRuns(state);
    assert.deepEqual(store.get('good'), run());
    assert.deepEqual(store.get('prisma')?.names, ['20261207120000_add_token/migration.sql']);
    // Every dialect a plan has (a MariaDB run's plan says 'mariadb', not 'mysql').
    assert.deepEqual(store.get('mariadb'), run({ dialect: 'mariadb' }));
    for (const id of ['tool', 'empty', 'dialect', 'outside', 'absolute', 'junk']) assert.equal(store.get(id), undefined, id);
    await store.remember('next', run({ at: 2 }));
    assert.deepEqual(Object.keys(state.values.get(PENDING_RUNS_KEY) as object).sort(), ['good', 'mariadb', 'next', 'prisma']);
  });
});
