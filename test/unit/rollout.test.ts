/** The pure half of `verify`: baseline files and the comparison's findings. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  baselineFileName,
  baselineFolder,
  BaselineFormatError,
  chooseBaselines,
  makeBaseline,
  parseBaseline,
  touchesBaselines,
} from '../../src/core/rollout/baseline';
import { compareRollout, formatRolloutMarkdown, formatRolloutText } from '../../src/core/rollout/compare';
import type { ObservedPlan, RolloutObservation } from '../../src/core/rollout/types';

const table = { schema: 'public', name: 'orders' };

function obs(extra: Partial<RolloutObservation> = {}): RolloutObservation {
  return {
    takenAt: '2026-12-01T00:00:00.000Z',
    server: { dialect: 'postgres', version: '15.4' },
    table,
    column: 'ref',
    columnDefinition: { type: 'uuid', nullable: true, default: null },
    tableBytes: 1000,
    indexBytes: 500,
    totalBytes: 1500,
    rows: 10,
    indexes: [{ name: 'orders_ref', columns: ['ref'], unique: false, valid: true, bytes: 100, scans: 5 }],
    indexStatsSource: 'pg_stat_user_indexes',
    statsResetAt: null,
    key: { column: 'id', max: '10' },
    plans: [],
    nulls: null,
    ...extra,
  };
}

const plan = (p: Partial<ObservedPlan>): ObservedPlan => ({
  query: 'SELECT 1',
  plan: 'p',
  indexes: [],
  fullScans: [],
  cost: 10,
  costUnit: 'cost',
  ...p,
});

describe('baseline files', () => {
  test('round trip, and each malformed field named', () => {
    const b = makeBaseline({ source: 'baseline', table, column: 'ref', observation: obs(), createdAt: '2026-12-01T00:00:00.000Z' });
    assert.deepEqual(parseBaseline(JSON.stringify(b)), b);
    assert.throws(() => parseBaseline('{'), /not JSON/);
    assert.throws(() => parseBaseline(JSON.stringify({ ...b, version: 2 })), /version 2 is not supported/);
    assert.throws(() => parseBaseline(JSON.stringify({ ...b, source: 'x' })), /source must be run, baseline or plan/);
    assert.throws(() => parseBaseline(JSON.stringify({ ...b, observation: undefined })), /must carry an observation/);
    assert.throws(() => parseBaseline(JSON.stringify({ ...b, observation: { ...obs(), tableBytes: -1 } })), /observation\.tableBytes/);
    assert.throws(() => parseBaseline(JSON.stringify({ ...b, table: { schema: 'public' } })), BaselineFormatError);
  });

  test('folder and file names are file-system safe and sort by time', () => {
    assert.equal(baselineFolder({ schema: 'my schema', name: 'a/b' }, 'c'), '.column-wizard/rollouts/my_20schema.a_2Fb.c');
    assert.equal(baselineFileName('2026-12-04T16:20:01.123Z', 'run'), '2026-12-04T16-20-01-123Z-run.json');
  });

  test('the watcher events that can change the baselines: a baseline file, or a folder on the way to one', () => {
    const b = makeBaseline({ source: 'plan', table, column: 'ref', prediction: {}, createdAt: '2026-12-01T00:00:00.000Z' });
    const folder = baselineFolder(b.table, b.column);
    // A new folder's file can come before the watcher watches the folder: the folders' own events count.
    for (const p of ['.column-wizard', '.column-wizard/rollouts', folder, `${folder}/${baselineFileName(b.createdAt, 'plan')}`])
      assert.equal(touchesBaselines(p), true, p);
    assert.equal(touchesBaselines(folder.replace(/\//g, '\\')), true, 'Windows separators');
    for (const p of [
      '',
      '.column-wizard.json',
      '.column-wizard/calibrations.json',
      '.column-wizard/state',
      `${folder}/notes.txt`,
      `src/.column-wizard/rollouts`,
      'src/orders.ts',
    ])
      assert.equal(touchesBaselines(p), false, p);
  });

  test('the newest observation is compared with; the newest prediction comes from any file', () => {
    const old = makeBaseline({ source: 'run', table, column: 'ref', observation: obs(), createdAt: '2026-12-01T00:00:00.000Z' });
    const newer = makeBaseline({
      source: 'baseline',
      table,
      column: 'ref',
      observation: obs({ rows: 99 }),
      createdAt: '2026-12-02T00:00:00.000Z',
    });
    const planned = makeBaseline({
      source: 'plan',
      table,
      column: 'ref',
      prediction: { totalBytesAfter: 7 },
      createdAt: '2026-12-03T00:00:00.000Z',
    });
    const { observed, predicted } = chooseBaselines([old, planned, newer]);
    assert.equal(observed?.observation?.rows, 99);
    assert.equal(predicted?.totalBytesAfter, 7);
  });
});

describe('compareRollout', () => {
  const base = makeBaseline({
    source: 'run',
    table,
    column: 'ref',
    observation: obs({ plans: [plan({ indexes: ['orders_ref'], cost: 8 })] }),
  });

  test('scans since the baseline; after a statistics reset they count from the reset', () => {
    const r = compareRollout(base, obs({ takenAt: '2026-12-02T00:00:00.000Z', indexes: [{ ...obs().indexes[0]!, scans: 12 }] }));
    assert.equal(r.indexUse[0]!.since, 7);
    const reset = compareRollout(
      base,
      obs({ takenAt: '2026-12-02T00:00:00.000Z', statsResetAt: '2026-12-01T12:00:00.000Z', indexes: [{ ...obs().indexes[0]!, scans: 3 }] }),
    );
    assert.equal(reset.indexUse[0]!.since, 3);
    assert.ok(reset.findings.some((f) => f.code === 'stats-reset'));
  });

  test('an index unused after the window gets the drop statement; before it, only a note', () => {
    const late = compareRollout(base, obs({ takenAt: '2026-12-09T00:00:00.000Z' }));
    const f = late.findings.find((x) => x.code === 'index-unused');
    assert.equal(f?.next, 'If no query needs it: DROP INDEX CONCURRENTLY "public"."orders_ref";');
    const early = compareRollout(base, obs({ takenAt: '2026-12-03T00:00:00.000Z' }));
    assert.ok(early.findings.some((x) => x.code === 'index-not-used-yet'));
    assert.ok(!early.findings.some((x) => x.code === 'index-unused'));
    const my = compareRollout(
      { ...base, observation: obs({ server: { dialect: 'mariadb', version: '10.11' } }) },
      obs({ server: { dialect: 'mariadb', version: '10.11' }, takenAt: '2026-12-09T00:00:00.000Z' }),
    );
    assert.match(
      my.findings.find((x) => x.code === 'index-unused')!.next!,
      /ALTER TABLE `public`\.`orders` DROP INDEX `orders_ref`, ALGORITHM=INPLACE, LOCK=NONE;/,
    );
  });

  test('a plan that lost its index, or whose cost more than doubled, is flagged with both plans', () => {
    const lost = compareRollout(base, obs({ plans: [plan({ indexes: [], fullScans: ['orders'], cost: 9, plan: 'Seq Scan' })] }));
    const f = lost.findings.find((x) => x.code === 'plan-lost-index');
    assert.equal(f?.after, 'Seq Scan');
    const grew = compareRollout(base, obs({ plans: [plan({ indexes: ['orders_ref'], cost: 17 })] }));
    assert.match(grew.findings.find((x) => x.code === 'plan-cost-grew')!.message, /2\.1×/);
    const same = compareRollout(base, obs({ plans: [plan({ indexes: ['orders_ref'], cost: 16 })] }));
    assert.ok(same.findings.some((x) => x.code === 'plan-unchanged'));
  });

  test("the server's top statements are compared where the baseline explained them too", () => {
    const b = makeBaseline({
      source: 'run',
      table,
      column: 'ref',
      observation: obs({
        topStatements: { source: 'pg_stat_statements', explained: [plan({ query: 'SELECT a', indexes: ['orders_ref'] })], skipped: 0 },
      }),
    });
    const r = compareRollout(
      b,
      obs({
        topStatements: {
          source: 'pg_stat_statements',
          explained: [plan({ query: 'SELECT a', fullScans: ['orders'], plan: 'Seq Scan' }), plan({ query: 'SELECT b' })],
          skipped: 2,
          note: '2 parameterized',
        },
      }),
    );
    assert.equal(r.findings.find((f) => f.code === 'plan-lost-index')?.after, 'Seq Scan');
    assert.match(r.findings.find((f) => f.code === 'top-statements' && /SELECT b/.test(f.message))!.message, /not in the baseline/);
    assert.ok(r.findings.some((f) => f.code === 'top-statements' && /2 parameterized/.test(f.message)));
  });

  test('app in sync vs not: a rising missing share is an error', () => {
    const sample = (olderMissing: number, newerMissing: number) =>
      obs({
        nulls: {
          keyColumn: 'id',
          sinceKey: '10',
          sampled: 100,
          nulls: olderMissing + newerMissing,
          placeholders: 0,
          olderHalf: { sampled: 50, missing: olderMissing },
          newerHalf: { sampled: 50, missing: newerMissing },
          limit: 10000,
        },
      });
    assert.equal(compareRollout(base, sample(0, 0)).worst, 'info');
    const steady = compareRollout(base, sample(5, 5));
    assert.equal(steady.findings.find((f) => f.code === 'app-not-writing')?.severity, 'warning');
    const rising = compareRollout(base, sample(0, 9));
    assert.equal(rising.worst, 'error');
    assert.match(formatRolloutText(rising), /9\.0% of 100 sampled rows .* rising/);
  });

  test('storage against the prediction, invalid index, missing column, node drift', () => {
    const big = compareRollout(base, obs({ totalBytes: 100 * 1024 * 1024, tableBytes: 90 * 1024 * 1024 }), {
      prediction: { totalBytesAfter: 10 * 1024 * 1024 },
    });
    assert.ok(big.findings.some((f) => f.code === 'storage-over-prediction'));
    assert.equal(big.storage.predictedBytes, 10 * 1024 * 1024);
    const invalid = compareRollout(base, obs({ indexes: [{ ...obs().indexes[0]!, valid: false }] }));
    assert.equal(invalid.findings.find((f) => f.code === 'index-invalid')?.severity, 'error');
    assert.equal(compareRollout(base, obs({ columnDefinition: null })).worst, 'error');
    const drift = compareRollout(base, obs(), {
      drift: {
        table,
        reference: 'a',
        compared: ['b'],
        differences: [
          {
            kind: 'column',
            object: 'ref',
            property: 'exists',
            expected: 'yes',
            actual: null,
            label: 'b',
            message: 'column ref is missing',
          },
        ],
      },
    });
    assert.match(drift.findings.find((f) => f.code === 'node-drift')!.message, /b: column ref is missing/);
    assert.match(formatRolloutMarkdown(drift), /❌ \*\*Not done\*\*/);
  });
});

describe('the Verify Rollout page', () => {
  test('escapes text, draws the charts it has data for, and carries the Markdown', async () => {
    const { renderRolloutHtml } = await import('../../src/extension/rollout/reportHtml');
    const base = makeBaseline({ source: 'run', table, column: 'ref', observation: obs() });
    const report = compareRollout(
      base,
      obs({
        takenAt: '2026-12-02T00:00:00.000Z',
        totalBytes: 3000,
        plans: [],
        nulls: {
          keyColumn: 'id',
          sinceKey: '10',
          sampled: 10,
          nulls: 2,
          placeholders: 0,
          olderHalf: { sampled: 5, missing: 0 },
          newerHalf: { sampled: 5, missing: 2 },
          limit: 10000,
        },
      }),
      { prediction: { totalBytesAfter: 2000 } },
    );
    const one = renderRolloutHtml(report, [{ at: '2026-12-02T00:00:00.000Z', scans: { orders_ref: 0 } }], 'vscode-resource:');
    assert.match(one, /Index use over time appears after two or more checks \(1 so far\)/);
    assert.match(one, /<text[^>]*>predicted<\/text>/);
    assert.match(one, /newer half<\/text><rect x="80" y="26" width="170"/, 'the newer half is the longest bar (40%)');
    assert.doesNotMatch(one, /<script/);
    const two = renderRolloutHtml(
      { ...report, findings: [{ code: 'storage', severity: 'info', message: '<img src=x onerror=alert(1)>' }] },
      [
        { at: '2026-12-01T00:00:00.000Z', scans: { orders_ref: 0 } },
        { at: '2026-12-02T00:00:00.000Z', scans: { orders_ref: 4 } },
      ],
      'vscode-resource:',
    );
    assert.match(two, /<path d="M30\.0,100\.0 L310\.0,10\.0" class="line s0"\/>/);
    assert.ok(!two.includes('<img'), 'finding text is escaped');
    assert.match(two, /Markdown for a pull-request comment/);
  });
});
