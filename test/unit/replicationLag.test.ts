import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WalTimeline } from '../../src/db/replication/postgres';
import { lagSource } from '../../src/db/replication/run';
import type { ReplicaLag } from '../../src/db/replication/types';

describe('WalTimeline: seconds behind from WAL positions', () => {
  it('is 0 for a standby at the current position, however long the primary has been idle', () => {
    const tl = new WalTimeline();
    tl.add(100, 5000);
    tl.add(160, 5000);
    assert.deepEqual(tl.behind(160, 5000, 5000), { seconds: 0, exact: true });
  });

  it('dates a standby position by the last time that position was the end of WAL', () => {
    const tl = new WalTimeline();
    tl.add(100, 5000);
    tl.add(110, 5000); // idle until 110: a standby at 5000 was caught up until then
    tl.add(111, 9000);
    tl.add(112, 12000);
    assert.deepEqual(tl.behind(113, 12000, 5000), { seconds: 3, exact: true });
    assert.deepEqual(tl.behind(113, 12000, 9500), { seconds: 2, exact: true });
  });

  it('gives a lower bound when the standby was already behind at the first sample', () => {
    const tl = new WalTimeline();
    tl.add(200, 9000);
    assert.deepEqual(tl.behind(203, 9000, 4000), { seconds: 3, exact: false });
  });
});

describe('lagSource over a reader', () => {
  const reader = (lags: ReplicaLag[]) => ({ read: async () => lags, close: async () => undefined });
  const lag = (name: string, seconds: number | null, state: ReplicaLag['state'] = 'behind'): ReplicaLag => ({
    name,
    seconds,
    state,
    method: 'test',
  });

  it('is the worst replica, null with no replicas', async () => {
    assert.equal(await lagSource(reader([lag('a', 0.5), lag('b', 2.25)]))(), 2.25);
    assert.equal(await lagSource(reader([]))(), null);
  });

  it('counts a replica of unknown lag as infinitely behind unless told to ignore it', async () => {
    const lags = [lag('a', 0.5), lag('b', null, 'stopped')];
    assert.equal(await lagSource(reader(lags))(), Number.POSITIVE_INFINITY);
    assert.equal(await lagSource(reader(lags), { unknownLag: 'ignore' })(), 0.5);
  });
});
