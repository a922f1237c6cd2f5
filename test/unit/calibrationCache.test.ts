import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_CALIBRATION } from '../../src/core/impact';
import type { Calibration } from '../../src/core/types';
import { CalibrationCancelled } from '../../src/db/calibrate';
import type { DatabaseClient } from '../../src/db/client';
import {
  DEFAULT_SECOND_MEASUREMENT_AFTER_MS,
  keepFaster,
  resolveCalibration,
  speedChanged,
  wantsSecondMeasurement,
  type CalibrationStore,
  type StoredCalibration,
} from '../../src/db/calibrationCache';

const T0 = Date.UTC(2026, 11, 6, 20, 0, 0);
const MIN = 60_000;

function cal(backfillRowsPerSecond: number, over: Partial<Calibration> = {}): Calibration {
  return { ...DEFAULT_CALIBRATION, basis: 'measured', backfillRowsPerSecond, scanBytesPerSecond: backfillRowsPerSecond * 1000, ...over };
}

/** A PostgreSQL client whose calibrations return the given backfill rates in turn. */
function fakeClient(rates: number[]): { client: DatabaseClient; calls: () => number } {
  let n = 0;
  const client = {
    options: { engine: 'postgres', host: '127.0.0.1', port: 5432 },
    serverInfo: async () => ({ dialect: 'postgres', version: '15.20' }),
    query: async () => [{ id: '7300000000000000001' }],
    calibrate: async () => cal(rates[n++]!),
    calibrationComplete: () => true,
  } as unknown as DatabaseClient;
  return { client, calls: () => n };
}

/** A server whose speed never changes between the probes. */
const steady = { speedProbe: async () => 0.05 };

function memoryStore(): CalibrationStore & { values: Map<string, StoredCalibration> } {
  const values = new Map<string, StoredCalibration>();
  return { values, get: async (k) => values.get(k), set: async (k, v) => void values.set(k, v) };
}

describe('calibration: measured twice, the faster kept', () => {
  it('keepFaster keeps the calibration with the faster backfill rate, whole, counted as measured twice', () => {
    const slow = cal(49_000, { measuredAt: 'a', validateBytesPerSecond: 1 });
    const fast = cal(97_000, { measuredAt: 'b', validateBytesPerSecond: 2 });
    assert.deepEqual(keepFaster(slow, fast), { ...fast, measurements: 2 });
    assert.deepEqual(keepFaster(fast, slow), { ...fast, measurements: 2 });
    // Equal: the first stays.
    assert.equal(keepFaster(cal(50_000, { measuredAt: 'a' }), cal(50_000, { measuredAt: 'b' })).measuredAt, 'a');
  });

  it('wantsSecondMeasurement: only a calibration measured once, only once it is old enough', () => {
    const once = cal(50_000, { measuredAt: new Date(T0).toISOString() });
    const after = DEFAULT_SECOND_MEASUREMENT_AFTER_MS;
    assert.equal(wantsSecondMeasurement(once, T0 + after - 1, after), false);
    assert.equal(wantsSecondMeasurement(once, T0 + after, after), true);
    assert.equal(wantsSecondMeasurement({ ...once, measurements: 2 }, T0 + 60 * MIN, after), false);
    assert.equal(wantsSecondMeasurement({ ...once, measurements: 1 }, T0 + 60 * MIN, after), true);
    const { measuredAt: _, ...undated } = once;
    assert.equal(wantsSecondMeasurement(undated, T0 + 60 * MIN, after), false);
  });

  it('resolveCalibration measures again on a use 10 minutes later, keeps the faster, then stays cached; what was learned stays', async () => {
    for (const [first, second, kept] of [
      [49_000, 97_000, 97_000], // the first sample fell in a spike
      [97_000, 49_000, 97_000], // the second did
    ] as const) {
      const { client, calls } = fakeClient([first, second]);
      const store = memoryStore();
      const a = await resolveCalibration(client, store, { ...steady, now: () => T0 });
      assert.equal(a.source, 'measured');
      assert.equal(a.calibration.backfillRowsPerSecond, first);
      // Within 10 minutes: the cached one.
      assert.equal((await resolveCalibration(client, store, { ...steady, now: () => T0 + 9 * MIN })).source, 'cached');
      assert.equal(calls(), 1);
      const learned = { backfill: { factor: 0.8, runs: 1 } };
      await store.set(a.key, { ...store.values.get(a.key)!, calibration: { ...a.calibration, learned } });
      const b = await resolveCalibration(client, store, { ...steady, now: () => T0 + 11 * MIN });
      assert.equal(calls(), 2);
      assert.equal(b.source, 'measured');
      assert.equal(b.calibration.backfillRowsPerSecond, kept);
      assert.equal(b.calibration.measurements, 2);
      assert.deepEqual(b.calibration.learned, learned);
      assert.deepEqual(store.values.get(a.key)!.calibration, b.calibration);
      // Measured twice: cached from then on until it is stale.
      const c = await resolveCalibration(client, store, { ...steady, now: () => T0 + 60 * MIN });
      assert.equal(c.source, 'cached');
      assert.equal(calls(), 2);
    }
  });

  it('a connection that may not be probed, or --recalibrate, does not take a second measurement', async () => {
    const { client, calls } = fakeClient([49_000, 97_000, 60_000]);
    const store = memoryStore();
    await resolveCalibration(client, store, { ...steady, now: () => T0 });
    const r = await resolveCalibration(client, store, { ...steady, now: () => T0 + 20 * MIN, allowProbe: false });
    assert.equal(r.source, 'cached');
    assert.equal(calls(), 1);
    // --recalibrate: the new measurement alone, measured once (the next use 10 minutes later measures again).
    const asked = await resolveCalibration(client, store, { ...steady, now: () => T0 + 5 * MIN, recalibrate: true });
    assert.equal(asked.calibration.backfillRowsPerSecond, 97_000);
    assert.equal(asked.calibration.measurements, undefined);
    const later = await resolveCalibration(client, store, { ...steady, now: () => T0 + 16 * MIN });
    assert.equal(calls(), 3);
    assert.equal(later.calibration.backfillRowsPerSecond, 97_000);
    assert.equal(later.calibration.measurements, 2);
  });

  it('a second measurement plans with the cached calibration meanwhile, and keeps it when the measurement fails or is cancelled', async () => {
    for (const failure of [new CalibrationCancelled(), new Error('connection lost')]) {
      const { client } = fakeClient([49_000]);
      const store = memoryStore();
      const a = await resolveCalibration(client, store, { ...steady, now: () => T0 });
      const stored = store.values.get(a.key)!;
      const failing = { ...client, calibrate: async () => Promise.reject(failure) } as DatabaseClient;
      const meanwhile: string[] = [];
      const b = await resolveCalibration(failing, store, {
        ...steady,
        now: () => T0 + 11 * MIN,
        onCached: (r) => meanwhile.push(`${r.source} ${r.calibration.backfillRowsPerSecond}`),
        onMeasuring: () => meanwhile.push('measuring'),
      });
      assert.deepEqual(meanwhile, ['cached 49000', 'measuring']);
      assert.equal(b.source, 'cached');
      assert.deepEqual(b.calibration, a.calibration);
      assert.match(b.reason ?? '', /a second measurement did not finish/);
      assert.deepEqual(store.values.get(a.key), stored, 'the store keeps the first measurement');
    }
    // A first measurement that fails still fails (there is nothing to fall back to).
    const { client } = fakeClient([]);
    const failing = { ...client, calibrate: async () => Promise.reject(new Error('no room')) } as DatabaseClient;
    await assert.rejects(resolveCalibration(failing, memoryStore(), { ...steady, now: () => T0 }), /no room/);
  });

  it('speedChanged: more than ×1.3 either way between the probes', () => {
    assert.equal(speedChanged(0.05, 0.064), false);
    assert.equal(speedChanged(0.05, 0.066), true);
    assert.equal(speedChanged(0.066, 0.05), true);
    assert.equal(speedChanged(0, 0.05), true);
  });

  it('a calibration across which the probes differ by more than ×1.3 is measured again right away, the faster kept', async () => {
    for (const [probes, rates, calls, kept] of [
      [[0.05, 0.06], [49_000, 97_000], 1, 49_000], // steady enough: one measurement, as it came
      [[0.12, 0.05], [49_000, 97_000], 2, 97_000], // a spike during the first
      [[0.05, 0.12], [97_000, 49_000], 2, 97_000], // a spike that began during the first: the second is slower
    ] as const) {
      const { client, calls: n } = fakeClient([...rates]);
      let i = 0;
      const speedProbe = async () => probes[Math.min(i++, 1)]!;
      const r = await resolveCalibration(client, memoryStore(), { speedProbe, now: () => T0 });
      assert.equal(n(), calls);
      assert.equal(r.calibration.backfillRowsPerSecond, kept);
      // Measured in one go: still measured once for the second measurement later.
      assert.equal(r.calibration.measurements, undefined);
    }
  });
});
