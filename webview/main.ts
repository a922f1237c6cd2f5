import { around, locale, severityLabel, SLOT } from './locale';
import * as l10n from '@vscode/l10n';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { Finding, Plan, TableRef } from '../src/core/types';
import {
  EMPTY_DRAFT,
  type CodeChecklist,
  type ColumnDraft,
  type HostMessage,
  type PlanResult,
  type RunSummary,
  type WizardContext,
  type WizardTarget,
} from '../src/protocol';
import { checkDraft, checkRunSummary, parseHostMessage } from '../src/protocolValidation';
import { el, replaceChildren } from './dom';
import { createForm, type WizardForm } from './form';
import { describeError, formatBytes, formatCount } from '../src/core/format';
import { renderCode } from './codeView';
import { renderPlan } from './planView';
import { renderRun } from './runView';
import { request, settle } from './rpc';
import { vscodeApi } from './vscodeApi';

/** Re-plan this long after the last keystroke. */
const PLAN_DEBOUNCE_MS = 250;

/**
 * What survives hiding the panel and a window reload (`getState`/`setState`; the host's serializer reads `target` to
 * reopen the wizard on the same connection and table): the draft and those names — never anything secret — or, after a
 * completed run, what the run did (the result view).
 */
interface SavedState {
  readonly draft?: ColumnDraft;
  readonly target?: WizardTarget;
  readonly run?: RunSummary;
}
let savedTarget: WizardTarget | undefined;

function savedRun(): RunSummary | null {
  const s = vscodeApi.getState() as Partial<SavedState> | undefined;
  if (!s || s.run === undefined) return null;
  try {
    return checkRunSummary(s.run);
  } catch {
    return null;
  }
}

function savedDraft(): ColumnDraft | null {
  const s = vscodeApi.getState() as Partial<SavedState> | undefined;
  if (!s || s.draft === undefined) return null;
  try {
    return checkDraft(s.draft);
  } catch {
    return null;
  }
}

const app = document.getElementById('app') ?? document.body;
let form: WizardForm | null = null;
let revision = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
let latest: PlanResult | null = null;
/** Field messages wait for the first edit: an empty form is not a mistake (a restored or handed-over draft counts as edited). */
let edited = false;
/** Set after a completed run: the page shows what the run did and plans nothing (the column exists now). */
let done: RunSummary | null = null;

const header = el('header', { class: 'wizard-header' });
const statusLine = el('div', { class: 'status', id: 'status', attrs: { role: 'status', 'aria-live': 'polite' } });
const general = el('ul', { class: 'general-findings', id: 'general-findings', attrs: { 'aria-live': 'polite' } });
const planRoot = el(
  'div',
  { class: 'plan', id: 'plan', attrs: { 'aria-live': 'polite', 'aria-busy': 'false' } },
  el('p', { class: 'placeholder' }, l10n.t('Type a column name and a type to see the plan.')),
);
const writeButton = el('vscode-button', { id: 'write', attrs: { disabled: '' } }, l10n.t('Write Migration Files'));
const runButton = el('vscode-button', { id: 'run', attrs: { secondary: '', disabled: '', hidden: '' } }, l10n.t('Run Migration'));
const copyButton = el('vscode-button', { id: 'copy', attrs: { secondary: '', disabled: '' } }, l10n.t('Copy SQL'));
const refreshButton = el(
  'vscode-button',
  { id: 'refresh', attrs: { secondary: '', title: l10n.t('Re-read the table from the database') } },
  l10n.t('Refresh facts'),
);
const actions = el(
  'div',
  { class: 'actions', attrs: { role: 'toolbar', 'aria-label': l10n.t('Plan actions') } },
  writeButton,
  runButton,
  copyButton,
  refreshButton,
);
const formSlot = el(
  'section',
  { class: 'form-pane', attrs: { 'aria-label': l10n.t('Column') } },
  el('p', { class: 'placeholder' }, l10n.t('Connecting…')),
);
const codeRoot = el('div', { class: 'code', id: 'code', attrs: { 'aria-live': 'polite' } });
const planPane = el(
  'section',
  { class: 'plan-pane', attrs: { 'aria-label': l10n.t('Plan') } },
  actions,
  statusLine,
  general,
  planRoot,
  codeRoot,
);
app.append(header, el('main', { class: 'layout' }, formSlot, planPane));

function setStatus(level: Finding['severity'], message: string): void {
  statusLine.className = `status ${level}`;
  statusLine.textContent = message;
}

function renderHeader(ctx: WizardContext): void {
  replaceChildren(header, [
    el('h1', { id: 'title' }, ...around(l10n.t('Add a column to {0}', SLOT), el('code', {}, `${ctx.table.schema}.${ctx.table.name}`))),
    ...(ctx.connection.production
      ? [el('p', { class: 'production' }, l10n.t('PRODUCTION connection — read-only: introspection and EXPLAIN only; no probes, no run.'))]
      : []),
    el(
      'p',
      { class: 'facts' },
      [
        ctx.connection.name,
        `${ctx.connection.dialect} ${ctx.connection.serverVersion}`,
        l10n.t('≈ {0} rows', formatCount(ctx.table.rows, locale)),
        formatBytes(ctx.table.bytes, locale),
        l10n.t('migrations: {0}', ctx.migrationsTool),
      ].join(' · '),
    ),
    ...(ctx.estimates
      ? [
          el(
            'p',
            { class: `estimates estimates-${ctx.estimates.state}`, id: 'estimates-basis', attrs: { role: 'status' } },
            ctx.estimates.text,
          ),
        ]
      : []),
    ...(ctx.topology
      ? [
          el('p', { class: 'topology', id: 'topology' }, ctx.topology.summary),
          ...ctx.topology.problems.map((p) => el('p', { class: 'topology-problem', attrs: { role: 'alert' } }, p)),
        ]
      : []),
  ]);
  runButton.toggleAttribute('hidden', !ctx.connection.allowRun);
}

function setEnabled(button: HTMLElement, on: boolean): void {
  button.toggleAttribute('disabled', !on);
}

function actionable(): boolean {
  return done === null && latest !== null && latest.plan !== null && !latest.findings.some((f) => f.severity === 'error');
}

function draftChanged(): void {
  if (!form || done) return;
  const draft = form.read();
  edited = true;
  vscodeApi.setState({ draft, ...(savedTarget ? { target: savedTarget } : {}) } satisfies SavedState);
  vscodeApi.postMessage({ type: 'didChangeDraft', draft });
  schedulePlan();
}

function schedulePlan(delay = PLAN_DEBOUNCE_MS): void {
  if (timer !== undefined) clearTimeout(timer);
  if (done) return;
  // The old plan stays on screen, dimmed, until the new one replaces it: no layout jump while refreshing.
  planRoot.setAttribute('aria-busy', 'true');
  planRoot.classList.add('refreshing');
  timer = setTimeout(() => void computePlan(), delay);
}

async function computePlan(): Promise<void> {
  if (!form) return;
  const mine = ++revision;
  try {
    const result = await request('computePlan', { draft: form.read(), revision: mine });
    if (result.revision !== revision) return; // a newer draft is on its way
    latest = result;
    showResult(result);
  } catch (err) {
    if (mine !== revision) return;
    setStatus('error', l10n.t('Planning failed: {0}', describeError(err)));
  } finally {
    if (mine === revision) {
      planRoot.setAttribute('aria-busy', 'false');
      planRoot.classList.remove('refreshing');
    }
  }
}

/** Scan the code this long after the plan settles on a table and column. */
const SCAN_DEBOUNCE_MS = 1000;
let scanTimer: ReturnType<typeof setTimeout> | undefined;
/** `table.column` of the checklist on screen (or on its way): a new column name scans again. */
let scannedKey = '';
let code: CodeChecklist | null = null;

function scheduleScan(plan: Plan, force = false): void {
  const key = `${plan.table.name}.${plan.column.name}`;
  if (key === scannedKey && !force) return;
  scannedKey = key;
  if (scanTimer !== undefined) clearTimeout(scanTimer);
  scanTimer = setTimeout(() => void scanCode(key), force ? 0 : SCAN_DEBOUNCE_MS);
}

async function scanCode(key: string): Promise<void> {
  if (!form) return;
  try {
    const result = await request('scanCode', { draft: form.read() });
    if (key !== scannedKey) return;
    code = result;
    renderCode(codeRoot, result, codeActions);
    // Not over the result view: a scan that answers after the run finished must not bring the old plan back.
    if (latest?.plan && !done) renderPlan(planRoot, latest.plan, { checklist: false });
  } catch (err) {
    if (key === scannedKey)
      replaceChildren(codeRoot, [el('p', { class: 'placeholder' }, `The code was not scanned: ${describeError(err)}`)]);
  }
}

const codeActions = {
  open: (file: string, line: number) =>
    void request('openPlace', { file, line }).catch((err: unknown) => setStatus('error', describeError(err))),
  preview: (phase: 'expand' | 'final') => {
    if (!form) return;
    void request('previewModelEdit', { draft: form.read(), phase })
      .then(({ edits }) =>
        setStatus(
          'info',
          edits
            ? `Model edit offered in ${edits} file${edits === 1 ? '' : 's'}: review it in the preview.`
            : 'No model edit to offer (the log says why).',
        ),
      )
      .catch((err: unknown) => setStatus('error', describeError(err)));
  },
  rescan: () => {
    if (latest?.plan) scheduleScan(latest.plan, true);
  },
};

function showResult(result: PlanResult): void {
  if (!form || done) return;
  const rest = form.showFindings(edited ? result.findings : []);
  replaceChildren(
    general,
    rest.map((f) =>
      el(
        'li',
        { class: `finding ${f.severity}` },
        el('span', { class: 'severity' }, severityLabel(f.severity)),
        ' ',
        f.message,
        f.fix ? el('div', { class: 'fix' }, l10n.t('Safe alternative: {0}', f.fix)) : null,
      ),
    ),
  );
  if (result.error) setStatus('error', result.error);
  else if (statusLine.classList.contains('error')) setStatus('info', '');
  const sameColumn =
    result.plan !== null && code !== null && `${result.plan.table.name}.${result.plan.column.name}` === `${code.table}.${code.column}`;
  if (result.plan) renderPlan(planRoot, result.plan, { checklist: !sameColumn });
  else if (!edited)
    replaceChildren(planRoot, [el('p', { class: 'placeholder' }, l10n.t('Type a column name and a type to see the plan.'))]);
  else if (!planRoot.querySelector('.placeholder')) {
    replaceChildren(planRoot, [el('p', { class: 'placeholder' }, l10n.t('Fix the fields marked above to see the plan.'))]);
  }
  const ok = actionable();
  if (ok && result.plan) scheduleScan(result.plan);
  setEnabled(writeButton, ok);
  setEnabled(runButton, ok);
  setEnabled(copyButton, ok);
}

async function loadReferenceColumns(table: TableRef | null, selected: string): Promise<void> {
  if (!form) return;
  if (!table) {
    form.setReferenceColumns([], '');
    return;
  }
  try {
    const { columns } = await request('listColumns', { table });
    form.setReferenceColumns(columns, selected || (columns.includes('id') ? 'id' : (columns[0] ?? '')));
    draftChanged();
  } catch (err) {
    setStatus('error', l10n.t('Could not list the columns of {0}: {1}', `${table.schema}.${table.name}`, describeError(err)));
  }
}

async function act(button: HTMLElement, run: (draft: ColumnDraft) => Promise<string>): Promise<void> {
  if (!form || button.hasAttribute('disabled')) return;
  setEnabled(button, false);
  try {
    setStatus('info', await run(form.read()));
  } catch (err) {
    setStatus('error', describeError(err));
  } finally {
    setEnabled(button, actionable());
  }
}

writeButton.addEventListener(
  'click',
  () =>
    void act(writeButton, async (draft) => {
      const { files } = await request('writeMigration', { draft });
      // Writing the files is when the code side starts: the checklist is read again.
      if (latest?.plan) scheduleScan(latest.plan, true);
      if (files.length === 0) return l10n.t('No files written.');
      return files.length === 1 ? l10n.t('Wrote 1 file: {0}', files[0]!) : l10n.t('Wrote {0} files: {1}', files.length, files.join(', '));
    }),
);
runButton.addEventListener(
  'click',
  () =>
    void act(runButton, async (draft) => {
      const { message, run } = await request('runMigration', { draft });
      if (run) showRun(run);
      return message;
    }),
);

/** The result view replaces the plan; the form stays visible but inert until Add Another Column. */
function showRun(run: RunSummary): void {
  done = run;
  if (timer !== undefined) clearTimeout(timer);
  planRoot.setAttribute('aria-busy', 'false');
  planRoot.classList.remove('refreshing');
  form?.showFindings([]);
  replaceChildren(general, []);
  formSlot.inert = true;
  formSlot.classList.add('done');
  renderRun(planRoot, run, runActions);
  for (const b of [writeButton, runButton, copyButton]) setEnabled(b, false);
  vscodeApi.setState({ ...(savedTarget ? { target: savedTarget } : {}), run } satisfies SavedState);
  vscodeApi.postMessage({ type: 'didChangeDraft', draft: EMPTY_DRAFT });
}

const runActions = {
  openReport: (runId: string) => {
    void request('openRunReport', { runId })
      .then(({ opened }) => {
        if (!opened) setStatus('warning', l10n.t('The report of run {0} is in the Column Wizard log.', runId));
      })
      .catch((err: unknown) => setStatus('error', describeError(err)));
  },
  recordApplied: (runId: string) => {
    void request('recordApplied', { runId })
      .then(({ recorded, table }) => {
        if (!done || done.runId !== runId || !done.migrations) return;
        setStatus('info', '');
        showRun({ ...done, migrations: { ...done.migrations, history: table, recorded } });
      })
      .catch((err: unknown) => {
        setStatus('error', describeError(err));
        if (done?.runId === runId) renderRun(planRoot, done, runActions);
      });
  },
  addAnother: () => {
    done = null;
    edited = false;
    formSlot.inert = false;
    formSlot.classList.remove('done');
    form?.write(EMPTY_DRAFT);
    replaceChildren(planRoot, [el('p', { class: 'placeholder' }, l10n.t('Type a column name and a type to see the plan.'))]);
    replaceChildren(codeRoot, []);
    scannedKey = '';
    code = null;
    setStatus('info', '');
    vscodeApi.setState({ ...(savedTarget ? { target: savedTarget } : {}) } satisfies SavedState);
    formSlot.querySelector<HTMLElement>('#f-name')?.focus();
  },
};
copyButton.addEventListener(
  'click',
  () =>
    void act(copyButton, async (draft) => {
      const { characters } = await request('copySql', { draft });
      return l10n.t('Copied {0} characters of SQL.', formatCount(characters, locale));
    }),
);
/** Set while a refresh the user asked for is on its way (a refresh after a run keeps the run's message). */
let refreshRequested = false;
refreshButton.addEventListener('click', () => {
  refreshRequested = true;
  setStatus('info', l10n.t('Re-reading the table…'));
  vscodeApi.postMessage({ type: 'refreshFacts' });
});

function rebuildForm(ctx: WizardContext, draft: ColumnDraft | null): void {
  form = createForm(ctx, {
    onChange: draftChanged,
    onReferenceTable: (t) => void loadReferenceColumns(t, ''),
  });
  replaceChildren(formSlot, [form.root]);
  if (draft) {
    form.write(draft);
    if (draft.references) void loadReferenceColumns(form.referencedTable(), draft.references.column);
  }
}

function onInit(ctx: WizardContext, hostDraft: ColumnDraft | null): void {
  savedTarget = { connection: ctx.connection.name, schema: ctx.table.schema, table: ctx.table.name };
  const run = savedRun();
  if (run) {
    // The page was discarded (a hidden panel, a window reload) after a completed run: show the run again.
    renderHeader(ctx);
    rebuildForm(ctx, null);
    showRun(run);
    return;
  }
  const draft = savedDraft();
  vscodeApi.setState({ ...(draft ? { draft } : {}), target: savedTarget } satisfies SavedState);
  renderHeader(ctx);
  const initial = draft ?? hostDraft;
  edited ||= initial !== null && JSON.stringify(initial) !== JSON.stringify(EMPTY_DRAFT);
  rebuildForm(ctx, initial);
  schedulePlan(0);
}

/** The host handed over a draft (Add Column (Quick) on this table): it replaces the form's; after a run it starts a new column. */
function onUseDraft(draft: ColumnDraft): void {
  if (!form) return;
  if (done) runActions.addAnother();
  form.write(draft);
  if (draft.references) void loadReferenceColumns(form.referencedTable(), draft.references.column);
  draftChanged();
  schedulePlan(0);
}

function onMessage(msg: HostMessage): void {
  switch (msg.type) {
    case 'init':
      onInit(msg.context, msg.draft);
      break;
    case 'didChangeContext':
      // Tables and columns may have changed: rebuild the form around the draft on screen.
      if (form) rebuildForm(msg.context, form.read());
      renderHeader(msg.context);
      if (refreshRequested) setStatus('info', l10n.t('Table facts refreshed.'));
      refreshRequested = false;
      schedulePlan(0);
      break;
    case 'didVerifyPlan':
      // Probes confirmed (or corrected) the steps of the plan on screen; an older revision's answer is dropped.
      if (latest && msg.revision === revision && latest.revision === revision) {
        latest = { ...latest, plan: msg.plan };
        renderPlan(planRoot, msg.plan, { checklist: code === null });
      }
      break;
    case 'useDraft':
      onUseDraft(msg.draft);
      break;
    case 'status':
      setStatus(msg.level, msg.message);
      break;
    case 'response':
      if (!settle(msg)) console.error(`[column-wizard] response ${msg.id} (${msg.method}) answers no pending request`);
      break;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = parseHostMessage(event.data);
  if (!parsed.ok) {
    console.error(`[column-wizard] rejected host message: ${parsed.error}`);
    return;
  }
  onMessage(parsed.value);
});

// Keyboard: Ctrl/Cmd+Enter writes the migration from anywhere in the form.
window.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) writeButton.click();
});

vscodeApi.postMessage({ type: 'ready' });
