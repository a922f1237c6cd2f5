import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Plan } from '../../src/core/types';
import { EMPTY_DRAFT, draftFieldOf, type ColumnDraft, type RunSummary, type WizardContext } from '../../src/protocol';
import { checkSavedWizardState, parseHostMessage, parseWebviewMessage } from '../../src/protocolValidation';

const draft: ColumnDraft = { ...EMPTY_DRAFT, name: 'archived_at', type: 'timestamptz' };

const context: WizardContext = {
  connection: { name: 'local', dialect: 'postgres', serverVersion: '15.4', allowRun: true },
  table: { schema: 'public', name: 'orders', rows: 1_000_000, bytes: 123_456_789 },
  columns: ['id', 'total'],
  tables: [{ schema: 'public', name: 'customers' }],
  migrationsTool: 'dbmate',
};

const plan: Plan = {
  dialect: 'postgres',
  serverVersion: '15.4',
  table: { schema: 'public', name: 'orders', rows: 1_000_000, bytes: 123_456_789 },
  column: { name: 'archived_at', type: { name: 'timestamptz', params: [] }, nullable: true, default: { kind: 'none' } },
  phases: [
    {
      kind: 'expand',
      title: 'Add the column',
      transactional: true,
      steps: [
        {
          sql: 'ALTER TABLE "public"."orders" ADD COLUMN "archived_at" timestamptz',
          lock: 'ACCESS EXCLUSIVE',
          blocks: { reads: true, writes: true },
          rewrite: false,
          estimate: { lockSeconds: 0.01, totalSeconds: 0.01, basis: 'default' },
          why: 'catalog-only change',
          lockTimeoutSql: "SET lock_timeout = '2s'",
          verified: { lock: 'ACCESS EXCLUSIVE', rewrite: false, agrees: true },
        },
      ],
    },
  ],
  warnings: [{ code: 'rows-unknown', severity: 'warning', message: 'm', fix: 'f' }],
  rollout: ['deploy code that writes the column'],
};

/** Structured-clone the way postMessage does (JSON is close enough for plain data). */
const wire = <T>(v: T): unknown => JSON.parse(JSON.stringify(v));

function rejects(result: { ok: boolean; error?: string }, pattern: RegExp): void {
  assert.equal(result.ok, false, 'expected a rejection');
  assert.match(result.error ?? '', pattern);
}

const run: RunSummary = {
  runId: 'r-1',
  table: { schema: 'public', name: 'orders' },
  column: 'status',
  steps: [
    {
      phaseIndex: 0,
      stepIndex: 0,
      phase: 'Expand',
      sql: 'ALTER TABLE orders ADD COLUMN status text',
      seconds: 0.02,
      estimateSeconds: 0.01,
    },
    {
      phaseIndex: 1,
      stepIndex: 0,
      phase: 'Backfill',
      sql: 'UPDATE orders SET status = 1',
      seconds: 12.5,
      estimateSeconds: 10,
      range: [6, 16],
      rows: 2_400_000,
      note: 'throttled twice',
    },
    {
      phaseIndex: 2,
      stepIndex: 0,
      phase: 'Constrain',
      sql: 'ALTER TABLE orders ALTER status SET NOT NULL',
      seconds: 0,
      skipped: 'already applied',
    },
  ],
  size: { predictedBytes: null, measuredBytes: 1024 },
  warnings: ['the column is not confirmed on replica-2'],
};

describe('protocol: webview → host', () => {
  it('accepts ready, didChangeDraft, refreshFacts and every request with valid params', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { ok: true, value: { type: 'ready' } });
    assert.deepEqual(parseWebviewMessage({ type: 'refreshFacts' }), { ok: true, value: { type: 'refreshFacts' } });
    const d = parseWebviewMessage(wire({ type: 'didChangeDraft', draft }));
    assert.ok(d.ok && d.value.type === 'didChangeDraft');
    assert.deepEqual(d.value.draft, draft);
    const requests = [
      { type: 'request', id: 1, method: 'computePlan', params: { draft, revision: 3 } },
      { type: 'request', id: 2, method: 'listColumns', params: { table: { schema: 'public', name: 'customers' } } },
      { type: 'request', id: 3, method: 'writeMigration', params: { draft } },
      { type: 'request', id: 4, method: 'runMigration', params: { draft } },
      { type: 'request', id: 5, method: 'copySql', params: { draft } },
      { type: 'request', id: 6, method: 'openRunReport', params: { runId: 'r-1' } },
    ];
    for (const r of requests) assert.deepEqual(parseWebviewMessage(wire(r)), { ok: true, value: r }, r.method);
  });

  it('keeps a foreign key and an AFTER position, and drops keys the protocol does not know', () => {
    const withFk = {
      ...draft,
      references: { table: 'customers', column: 'id', onDelete: 'CASCADE' },
      position: { kind: 'after', column: 'total' },
      extra: '<script>',
    };
    const r = parseWebviewMessage(wire({ type: 'didChangeDraft', draft: withFk }));
    assert.ok(r.ok && r.value.type === 'didChangeDraft');
    assert.deepEqual(r.value.draft.references, { table: 'customers', column: 'id', onDelete: 'CASCADE' });
    assert.deepEqual(r.value.draft.position, { kind: 'after', column: 'total' });
    assert.equal('extra' in r.value.draft, false);
  });

  it('rejects non-objects, unknown types and unknown methods with a specific reason', () => {
    rejects(parseWebviewMessage(null), /not an object/);
    rejects(parseWebviewMessage('ready'), /not an object/);
    rejects(parseWebviewMessage([]), /not an object/);
    rejects(parseWebviewMessage({}), /no string "type"/);
    rejects(parseWebviewMessage({ type: 'init' }), /unknown webview message type "init"/);
    rejects(parseWebviewMessage({ type: 'request', id: 1, method: 'dropTable', params: {} }), /request\.method must be one of/);
  });

  it('rejects a request without a usable id', () => {
    rejects(parseWebviewMessage({ type: 'request', method: 'copySql', params: { draft } }), /request\.id must be a finite number/);
    rejects(
      parseWebviewMessage({ type: 'request', id: -1, method: 'copySql', params: { draft } }),
      /request\.id must be a non-negative integer/,
    );
    rejects(parseWebviewMessage({ type: 'request', id: 1.5, method: 'copySql', params: { draft } }), /non-negative integer/);
  });

  it('names the exact bad field of a draft', () => {
    const bad = (patch: Record<string, unknown>) =>
      parseWebviewMessage(wire({ type: 'request', id: 1, method: 'computePlan', params: { draft: { ...draft, ...patch }, revision: 1 } }));
    rejects(bad({ nullable: 'yes' }), /request\(computePlan\)\.params\.draft\.nullable must be true or false/);
    rejects(bad({ name: 42 }), /draft\.name must be a string/);
    rejects(bad({ defaultKind: 'random' }), /draft\.defaultKind must be one of "none", "literal", "expression"/);
    rejects(bad({ position: { kind: 'after' } }), /draft\.position\.column must be a string/);
    rejects(bad({ position: { kind: 'middle' } }), /draft\.position\.kind must be one of/);
    rejects(bad({ references: { table: 't' } }), /draft\.references\.column must be a string/);
    rejects(bad({ references: { table: 't', column: 'id', onDelete: 'DROP' } }), /onDelete must be one of/);
    rejects(bad({ check: 'x'.repeat(100_001) }), /draft\.check is longer than 100000 characters/);
    rejects(
      parseWebviewMessage({ type: 'request', id: 1, method: 'computePlan', params: { draft } }),
      /params\.revision must be a finite number/,
    );
    rejects(
      parseWebviewMessage({ type: 'request', id: 1, method: 'listColumns', params: { table: { name: 'x' } } }),
      /params\.table\.schema must be a string/,
    );
  });
});

describe('protocol: host → webview', () => {
  it('accepts init, didChangeContext, status and responses to every method', () => {
    const init = { type: 'init', context, draft: null };
    assert.deepEqual(parseHostMessage(wire(init)), { ok: true, value: init });
    assert.deepEqual(parseHostMessage(wire({ type: 'init', context, draft })), { ok: true, value: { type: 'init', context, draft } });
    assert.deepEqual(parseHostMessage({ type: 'status', level: 'info', message: 'ok' }), {
      ok: true,
      value: { type: 'status', level: 'info', message: 'ok' },
    });
    assert.deepEqual(parseHostMessage(wire({ type: 'didVerifyPlan', revision: 5, plan })), {
      ok: true,
      value: { type: 'didVerifyPlan', revision: 5, plan },
    });
    assert.deepEqual(parseHostMessage(wire({ type: 'didChangeContext', context })), {
      ok: true,
      value: { type: 'didChangeContext', context },
    });
    const responses = [
      {
        type: 'response',
        id: 1,
        method: 'computePlan',
        ok: true,
        result: { revision: 2, findings: [{ code: 'c', severity: 'error', message: 'm', field: 'name' }], plan },
      },
      {
        type: 'response',
        id: 2,
        method: 'computePlan',
        ok: true,
        result: { revision: 3, findings: [], plan: null, error: 'connection lost' },
      },
      { type: 'response', id: 3, method: 'listColumns', ok: true, result: { columns: ['id'] } },
      { type: 'response', id: 4, method: 'writeMigration', ok: true, result: { files: ['db/migrations/1_add.sql'] } },
      { type: 'response', id: 5, method: 'runMigration', ok: true, result: { started: false, message: 'not allowed' } },
      { type: 'response', id: 6, method: 'copySql', ok: true, result: { characters: 12 } },
      { type: 'response', id: 7, method: 'copySql', ok: false, error: 'no plan' },
      { type: 'response', id: 8, method: 'runMigration', ok: true, result: { started: true, message: 'done', run } },
      { type: 'response', id: 9, method: 'openRunReport', ok: true, result: { opened: true } },
    ];
    for (const r of responses) assert.deepEqual(parseHostMessage(wire(r)), { ok: true, value: r }, `${r.method} ${r.id}`);
  });

  it('accepts useDraft with a valid draft and rejects one without', () => {
    assert.deepEqual(parseHostMessage(wire({ type: 'useDraft', draft })), { ok: true, value: { type: 'useDraft', draft } });
    rejects(parseHostMessage({ type: 'useDraft' }), /useDraft\.draft must be an object/);
    rejects(parseHostMessage({ type: 'useDraft', draft: { ...draft, nullable: 'no' } }), /useDraft\.draft\.nullable must be true or false/);
  });

  it('checks the run summary of a completed run down to each step', () => {
    const withRun = (patch: (r: Record<string, unknown> & { steps: Record<string, unknown>[] }) => void) => {
      const r = wire(run) as Record<string, unknown> & { steps: Record<string, unknown>[] };
      patch(r);
      return parseHostMessage({
        type: 'response',
        id: 1,
        method: 'runMigration',
        ok: true,
        result: { started: true, message: 'm', run: r },
      });
    };
    assert.equal(withRun(() => undefined).ok, true);
    rejects(
      withRun((r) => {
        r.steps[0]!.seconds = '2';
      }),
      /result\.run\.steps\[0\]\.seconds must be a finite number/,
    );
    rejects(
      withRun((r) => {
        r.steps[1]!.range = [1];
      }),
      /result\.run\.steps\[1\]\.range must hold two numbers/,
    );
    rejects(
      withRun((r) => {
        r.warnings = 'none';
      }),
      /result\.run\.warnings must be an array/,
    );
    rejects(
      withRun((r) => {
        r.size = { predictedBytes: 'x', measuredBytes: 1 };
      }),
      /result\.run\.size\.predictedBytes must be a finite number/,
    );
    // Keys the protocol does not know are dropped.
    const extra = withRun((r) => {
      r.steps[0]!.html = '<b>';
    });
    assert.ok(extra.ok && extra.value.type === 'response' && extra.value.ok && extra.value.method === 'runMigration');
    assert.equal('html' in (extra.value.result.run!.steps[0] as object), false);
  });

  it('checks the plan inside a computePlan response down to each step', () => {
    const withStep = (patch: Record<string, unknown>) => {
      const p = wire(plan) as { phases: { steps: Record<string, unknown>[] }[] };
      Object.assign(p.phases[0]!.steps[0]!, patch);
      return parseHostMessage({ type: 'response', id: 1, method: 'computePlan', ok: true, result: { revision: 1, findings: [], plan: p } });
    };
    assert.equal(withStep({}).ok, true);
    rejects(withStep({ lock: 'TOTAL LOCK' }), /plan\.phases\[0\]\.steps\[0\]\.lock must be one of/);
    rejects(withStep({ blocks: { reads: true } }), /steps\[0\]\.blocks\.writes must be true or false/);
    rejects(withStep({ estimate: { lockSeconds: -1, totalSeconds: 1, basis: 'default' } }), /estimates cannot be negative/);
    rejects(withStep({ estimate: { lockSeconds: 1, totalSeconds: Infinity, basis: 'default' } }), /totalSeconds must be a finite number/);
    rejects(withStep({ sql: 5 }), /steps\[0\]\.sql must be a string/);
    rejects(withStep({ verified: { lock: 'SHARE', rewrite: false } }), /verified\.agrees must be true or false/);
    // An online copy's tool and ALTER are kept (a plan file runs the copy it says), and checked.
    const copy = {
      tool: { name: 'column-wizard', version: '0.1.0' },
      alter: 'ADD COLUMN `t` char(36) NOT NULL DEFAULT (UUID())',
      copiers: 2,
    };
    const kept = withStep({ onlineCopy: copy });
    assert.ok(kept.ok);
    const result = (kept as { value: { result: { plan: Plan } } }).value.result;
    assert.deepEqual(result.plan.phases[0]!.steps[0]!.onlineCopy, copy);
    rejects(withStep({ onlineCopy: { ...copy, tool: { name: 'gh-ost', version: '1' } } }), /onlineCopy\.tool\.name must be one of/);
    rejects(withStep({ onlineCopy: { ...copy, alter: 1 } }), /onlineCopy\.alter must be a string/);
  });

  it('bounds every array and every array item (a hostile or runaway peer cannot flood the other side)', () => {
    const columns = Array.from({ length: 50_001 }, (_, i) => `c${i}`);
    rejects(
      parseHostMessage({ type: 'response', id: 1, method: 'listColumns', ok: true, result: { columns } }),
      /result\.columns has 50001 items; at most 50000/,
    );
    assert.equal(
      parseHostMessage({ type: 'response', id: 1, method: 'listColumns', ok: true, result: { columns: columns.slice(0, 50_000) } }).ok,
      true,
    );
    rejects(
      parseHostMessage({ type: 'response', id: 1, method: 'writeMigration', ok: true, result: { files: ['x'.repeat(100_001)] } }),
      /result\.files\[0\] is longer than 100000 characters/,
    );
  });

  it('rejects a response whose result does not fit its method, and malformed findings and contexts', () => {
    rejects(
      parseHostMessage({ type: 'response', id: 1, method: 'listColumns', ok: true, result: { files: [] } }),
      /response\(listColumns\)\.result\.columns must be an array/,
    );
    rejects(
      parseHostMessage({ type: 'response', id: 1, method: 'writeMigration', ok: true, result: { files: [1] } }),
      /result\.files\[0\] must be a string/,
    );
    rejects(parseHostMessage({ type: 'response', id: 1, method: 'copySql', ok: false }), /response\(copySql\)\.error must be a string/);
    rejects(
      parseHostMessage({ type: 'response', id: 1, method: 'copySql', ok: 'yes', result: { characters: 1 } }),
      /response\.ok must be true or false/,
    );
    rejects(
      parseHostMessage({
        type: 'response',
        id: 1,
        method: 'computePlan',
        ok: true,
        result: { revision: 1, findings: [{ code: 'c', severity: 'fatal', message: 'm' }], plan: null },
      }),
      /findings\[0\]\.severity must be one of/,
    );
    rejects(
      parseHostMessage({
        type: 'response',
        id: 1,
        method: 'computePlan',
        ok: true,
        result: { revision: 1, findings: [{ code: 'c', severity: 'error', message: 'm', field: 'color' }], plan: null },
      }),
      /findings\[0\]\.field must be one of/,
    );
    rejects(
      parseHostMessage(
        wire({ type: 'init', context: { ...context, connection: { ...context.connection, dialect: 'oracle' } }, draft: null }),
      ),
      /init\.context\.connection\.dialect must be one of/,
    );
    rejects(
      parseHostMessage(wire({ type: 'init', context: { ...context, tables: [{ schema: 'public' }] }, draft: null })),
      /init\.context\.tables\[0\]\.name must be a string/,
    );
    const clustered = { ...context, topology: { summary: 'Galera cluster: 3 nodes', problems: ['node "n9" is not a connection profile'] } };
    assert.deepEqual(parseHostMessage(wire({ type: 'init', context: clustered, draft: null })), {
      ok: true,
      value: { type: 'init', context: clustered, draft: null },
    });
    rejects(
      parseHostMessage(wire({ type: 'init', context: { ...context, topology: { summary: 'x', problems: [3] } }, draft: null })),
      /init\.context\.topology\.problems\[0\]/,
    );
    rejects(parseHostMessage({ type: 'status', level: 'debug', message: 'x' }), /status\.level must be one of/);
    rejects(parseHostMessage({ type: 'ready' }), /unknown host message type "ready"/);
    rejects(
      parseHostMessage(wire({ type: 'didVerifyPlan', revision: 1, plan: { ...plan, phases: 'none' } })),
      /didVerifyPlan\.plan\.phases must be an array/,
    );
    rejects(parseHostMessage(wire({ type: 'didVerifyPlan', plan })), /didVerifyPlan\.revision must be a finite number/);
  });
});

describe('protocol: where findings are shown', () => {
  it('maps spec fields onto the form fields, and fields the form lacks onto the nearest one', () => {
    assert.equal(draftFieldOf('name'), 'name');
    assert.equal(draftFieldOf('references'), 'references');
    assert.equal(draftFieldOf('generated'), 'default');
    assert.equal(draftFieldOf('collation'), 'type');
    assert.equal(draftFieldOf(undefined), undefined);
  });
});

describe('saved wizard state (restored after a window reload)', () => {
  const target = { connection: 'demo', schema: 'public', table: 'orders' };
  it('gives back the target and the draft', () => {
    assert.deepEqual(checkSavedWizardState({ target, draft }), { ok: true, value: { target, draft } });
    assert.deepEqual(checkSavedWizardState({ target }), { ok: true, value: { target, draft: null } }, 'a wizard nobody typed in yet');
  });
  it('drops a draft that does not validate, and refuses a state without its target', () => {
    assert.deepEqual(checkSavedWizardState({ target, draft: { name: 3 } }), { ok: true, value: { target, draft: null } });
    for (const bad of [
      undefined,
      null,
      'x',
      { draft },
      { target: { connection: 'demo', schema: 'public' } },
      { target: { ...target, table: 7 } },
    ]) {
      assert.equal(checkSavedWizardState(bad).ok, false, JSON.stringify(bad));
    }
  });
});
