/**
 * After a completed run the wizard shows what happened instead of the plan: each step with the time it took next to
 * the plan's estimate, the table's size, what needs checking, and the way to the full report.
 */
import * as l10n from '@vscode/l10n';
import type { PendingMigrations, RunStepSummary, RunSummary } from '../src/protocol';
import { formatBytes, formatCount, formatSeconds } from '../src/core/format';
import { around, locale, SLOT } from './locale';
import { el, replaceChildren } from './dom';
import '@vscode-elements/elements/dist/vscode-button/index.js';

export interface RunViewActions {
  readonly openReport: (runId: string) => void;
  readonly addAnother: () => void;
  /** Record the run's pending migrations as applied (run.migrations.history). */
  readonly recordApplied: (runId: string) => void;
}

const secs = (s: number) => formatSeconds(s, locale);

function estimateText(s: RunStepSummary): string {
  if (s.estimateSeconds === undefined) return '—';
  return s.range ? `≈ ${secs(s.estimateSeconds)} (${secs(s.range[0])}–${secs(s.range[1])})` : `≈ ${secs(s.estimateSeconds)}`;
}

/** actual ÷ estimate, when the estimate is long enough to compare with (against "<0.1 s" a ratio says nothing). */
function ratioText(s: RunStepSummary): string {
  if (s.skipped || s.estimateSeconds === undefined || s.estimateSeconds < 0.1) return '';
  return `×${(s.seconds / Math.max(s.estimateSeconds, 0.001)).toLocaleString(locale, { maximumFractionDigits: 2, minimumFractionDigits: 2 })}`;
}

function stepRow(s: RunStepSummary): HTMLElement {
  const detail = [
    s.skipped ? l10n.t('skipped: {0}', s.skipped) : '',
    s.rows !== undefined ? l10n.t('{0} rows', formatCount(s.rows, locale)) : '',
    s.note ?? '',
  ]
    .filter(Boolean)
    .join(' · ');
  return el(
    'tr',
    { class: s.skipped ? 'run-step skipped' : 'run-step' },
    el('td', { class: 'step-no' }, `${s.phaseIndex + 1}.${s.stepIndex + 1}`),
    el(
      'td',
      {},
      s.phase,
      el('pre', { class: 'sql', attrs: { tabindex: '0' } }, s.sql),
      detail ? el('div', { class: 'run-detail' }, detail) : null,
    ),
    el('td', { class: 'num' }, s.skipped ? '—' : secs(s.seconds)),
    el('td', { class: 'num' }, estimateText(s)),
    el('td', { class: 'num' }, ratioText(s)),
  );
}

/**
 * The migration files written for the column, which the project's tool still lists as pending: what its next run does
 * with them, and the way to record them as applied where Column Wizard can.
 */
function migrationsSection(run: RunSummary, m: PendingMigrations, actions: RunViewActions): HTMLElement {
  const folder = m.folder || l10n.t('(workspace root)');
  const recorded = m.recorded !== undefined && m.history !== undefined;
  const what = [
    l10n.t('The run did what the {0} {1} migration file(s) for {2} in {3} do.', m.files.length, m.tool, run.column, folder),
    ...(recorded
      ? []
      : [l10n.t('Unless {0} applied them already, it lists them as pending and its next run would apply them again.', m.tool)]),
  ].join(' ');
  const files = el('ul', { class: 'run-migration-files' }, ...m.files.map((f) => el('li', {}, el('code', {}, f))));
  let next: HTMLElement;
  if (recorded) {
    next = el(
      'p',
      { id: 'recorded', attrs: { role: 'status' } },
      l10n.t('Recorded {0} migration(s) as applied in {1}.', m.recorded, m.history),
    );
  } else if (m.history) {
    const record = el('vscode-button', { id: 'record-applied' }, l10n.t('Record as Applied'));
    record.addEventListener('click', () => {
      record.setAttribute('disabled', '');
      actions.recordApplied(run.runId);
    });
    next = el(
      'div',
      { class: 'actions' },
      record,
      el(
        'span',
        { class: 'hint' },
        l10n.t('Adds them to {0}, the history table of {1}; rows already there are left alone.', m.history, m.tool),
      ),
    );
  } else {
    next = el('p', {}, l10n.t('Column Wizard cannot record them in the history of {0}: mark them as applied with {0} itself.', m.tool));
  }
  return el('section', { class: 'run-migrations', id: 'run-migrations' }, el('p', {}, what), files, next);
}

/** Render the run into `root`, replacing the plan. */
export function renderRun(root: HTMLElement, run: RunSummary, actions: RunViewActions): void {
  const ran = run.steps.filter((s) => !s.skipped);
  const took = ran.reduce((t, s) => t + s.seconds, 0);
  const estimated = ran.reduce((t, s) => t + (s.estimateSeconds ?? 0), 0);
  const openReport = el('vscode-button', { id: 'open-report' }, l10n.t('Open Report'));
  openReport.addEventListener('click', () => actions.openReport(run.runId));
  const another = el('vscode-button', { id: 'add-another', attrs: { secondary: '' } }, l10n.t('Add Another Column'));
  another.addEventListener('click', () => actions.addAnother());
  const size = run.size;
  replaceChildren(root, [
    el(
      'h2',
      { id: 'run-title', class: run.warnings.length ? 'run-title warning' : 'run-title' },
      ...around(l10n.t('Added {0}', SLOT), el('code', {}, `${run.table.schema}.${run.table.name}.${run.column}`)),
    ),
    el(
      'p',
      { class: 'run-summary', id: 'run-summary' },
      [
        l10n.t('run {0}', run.runId),
        ran.length === 1 ? l10n.t('1 step in {0}', secs(took)) : l10n.t('{0} steps in {1}', ran.length, secs(took)),
        l10n.t('estimated ≈ {0}', secs(estimated)),
        ...(run.steps.length > ran.length ? [l10n.t('{0} skipped (already applied)', run.steps.length - ran.length)] : []),
      ].join(' · '),
    ),
    run.warnings.length
      ? el('ul', { class: 'run-warnings', attrs: { role: 'alert' } }, ...run.warnings.map((w) => el('li', { class: 'finding warning' }, w)))
      : null,
    el(
      'table',
      { class: 'run-steps', id: 'run-steps' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', { attrs: { scope: 'col' } }, l10n.t('Step')),
          el('th', { attrs: { scope: 'col' } }, l10n.t('Phase')),
          el('th', { class: 'num', attrs: { scope: 'col' } }, l10n.t('Took')),
          el('th', { class: 'num', attrs: { scope: 'col' } }, l10n.t('Estimated')),
          el('th', { class: 'num', attrs: { scope: 'col', title: l10n.t('Actual time ÷ estimate') } }, '×'),
        ),
      ),
      el('tbody', {}, ...run.steps.map(stepRow)),
    ),
    size
      ? el(
          'p',
          { class: 'run-size', id: 'run-size' },
          size.predictedBytes === null
            ? l10n.t('Table and indexes after the run: {0}.', formatBytes(size.measuredBytes, locale))
            : l10n.t(
                'Table and indexes after the run: {0} (predicted ≈ {1}).',
                formatBytes(size.measuredBytes, locale),
                formatBytes(size.predictedBytes, locale),
              ),
        )
      : null,
    run.migrations ? migrationsSection(run, run.migrations, actions) : null,
    el('div', { class: 'actions', attrs: { role: 'toolbar', 'aria-label': l10n.t('Run actions') } }, openReport, another),
  ]);
}
