/**
 * Issue 23: a run's per-batch progress goes to the log at debug level, so at the level the output channel shows by
 * default (Info) the user sees the steps and the report, not hundreds of batch lines. Real runner, real PostgreSQL.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runPlan, type RunProgress } from '../../src/db/run';
import { logRunProgress } from '../../src/extension/wizard/runProgressLog';
import { dbTest, throwawayDatabase } from './helpers';
import { fullPlan, schemaOf, seedTable } from './runHelpers';

/** VS Code's LogLevel values; a LogOutputChannel shows Info and above unless the user lowers the level. */
const LEVEL = { debug: 2, info: 3 } as const;
const DEFAULT_CHANNEL_LEVEL = LEVEL.info;

describe('run progress in the log (postgres)', () => {
  const db = throwawayDatabase('postgres');

  test(
    'per-batch lines are logged at debug only; the steps at info',
    dbTest(async (t) => {
      const d = db.get(t);
      const schema = schemaOf('postgres', d.name);
      await seedTable(d.client, 'postgres', schema, 'orders', 5000);
      const lines: { level: number; text: string }[] = [];
      const log = {
        debug: (c: string, m: string) => lines.push({ level: LEVEL.debug, text: `[${c}] ${m}` }),
        info: (c: string, m: string) => lines.push({ level: LEVEL.info, text: `[${c}] ${m}` }),
      };
      const events: RunProgress[] = [];
      const runner = await d.connect();
      const out = await runPlan(runner, fullPlan('postgres', schema, 'orders', 'doubled', 'id * 2'), {
        backfill: { targetBatchMs: 5, initialBatchSize: 100 },
        onProgress: (p) => {
          events.push(p);
          logRunProgress(log, p);
        },
      });
      assert.equal(out.status, 'completed');
      const batches = events.filter((e) => e.kind === 'batch').length;
      assert.ok(batches >= 3, `expected several batches, got ${batches}`);

      const shown = lines.filter((l) => l.level >= DEFAULT_CHANNEL_LEVEL);
      const batchLine = / · \d+ rows/;
      assert.deepEqual(
        shown.filter((l) => batchLine.test(l.text)).map((l) => l.text),
        [],
        'no per-batch line at the default level',
      );
      assert.equal(lines.filter((l) => l.level === LEVEL.debug && batchLine.test(l.text)).length, batches, 'every batch at debug');
      const steps = events.filter((e) => e.kind === 'step-start' || e.kind === 'step-done').length;
      assert.ok(steps >= 2 * 7, `every step starts and ends (${steps} events)`);
      assert.equal(shown.length, events.length - batches - events.filter((e) => e.kind === 'throttled').length);
    }),
  );
});
