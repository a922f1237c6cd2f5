import * as l10n from '@vscode/l10n';
import type { Finding, Phase, Plan, Step } from '../src/core/types';
import { locale, severityLabel } from './locale';
import { el, replaceChildren, type Child } from './dom';
import { formatBytes, formatSeconds } from '../src/core/format';
import { describeBasis } from '../src/core/impact';

/** What a step blocks, as one word the CSS colours by. */
export type BlockClass = 'blocks-rw' | 'blocks-w' | 'blocks-none';

export function blockClass(step: Step): BlockClass {
  if (step.blocks.reads) return 'blocks-rw';
  if (step.blocks.writes) return 'blocks-w';
  return 'blocks-none';
}

const BLOCK_TEXT: Record<BlockClass, () => string> = {
  'blocks-rw': () => l10n.t('blocks reads and writes'),
  'blocks-w': () => l10n.t('blocks writes'),
  'blocks-none': () => l10n.t('blocks nothing'),
};
const secs = (s: number) => formatSeconds(s, locale);
const bytes = (b: number) => formatBytes(b, locale);

interface FlatStep {
  readonly phase: Phase;
  readonly phaseIndex: number;
  readonly step: Step;
  readonly stepIndex: number;
}

function flatten(plan: Plan): FlatStep[] {
  return plan.phases.flatMap((phase, phaseIndex) => phase.steps.map((step, stepIndex) => ({ phase, phaseIndex, step, stepIndex })));
}

function stepLabel(f: FlatStep): string {
  return `${f.phaseIndex + 1}.${f.stepIndex + 1} ${f.phase.kind}`;
}

/** The heaviest block any step takes, with the seconds it is held — the one line a reviewer reads first. */
function summary(plan: Plan, steps: readonly FlatStep[]): string {
  const total = steps.reduce((s, f) => s + f.step.estimate.totalSeconds, 0);
  const rw = steps.filter((f) => f.step.blocks.reads).reduce((s, f) => s + f.step.estimate.lockSeconds, 0);
  const w = steps.filter((f) => f.step.blocks.writes && !f.step.blocks.reads).reduce((s, f) => s + f.step.estimate.lockSeconds, 0);
  const parts = [
    plan.phases.length === 1 ? l10n.t('1 phase') : l10n.t('{0} phases', plan.phases.length),
    steps.length === 1 ? l10n.t('1 step') : l10n.t('{0} steps', steps.length),
    l10n.t('≈ {0} in all', secs(total)),
  ];
  if (rw > 0) parts.push(l10n.t('blocks reads and writes ≈ {0}', secs(rw)));
  if (w > 0) parts.push(l10n.t('blocks writes only ≈ {0}', secs(w)));
  if (rw === 0 && w === 0) parts.push(l10n.t('never blocks reads or writes'));
  return parts.join(' · ');
}

/** One bar per step on a shared time axis, left to right in execution order. */
function chart(steps: readonly FlatStep[]): HTMLElement {
  const total = steps.reduce((s, f) => s + f.step.estimate.totalSeconds, 0);
  let start = 0;
  const rows = steps.map((f) => {
    const dur = f.step.estimate.totalSeconds;
    // An instant step still gets a visible sliver; a zero-length plan spreads evenly.
    const left = total > 0 ? (start / total) * 100 : 0;
    const width = total > 0 ? Math.max((dur / total) * 100, 0.8) : 100;
    start += dur;
    const cls = blockClass(f.step);
    const verified = f.step.verified;
    const label =
      f.step.estimate.lockSeconds > 0 && cls !== 'blocks-none'
        ? l10n.t('{0} (lock {1})', secs(dur), secs(f.step.estimate.lockSeconds))
        : secs(dur);
    const bar = el('div', { class: `bar ${cls}` });
    // Through CSSOM, not a style attribute: the CSP allows no inline styles.
    const l = Math.min(left, 99.2);
    bar.style.left = `${l.toFixed(2)}%`;
    bar.style.width = `${Math.min(width, 100 - l).toFixed(2)}%`;
    const aria = [
      l10n.t('Step {0}: {1}', stepLabel(f), BLOCK_TEXT[cls]()),
      label,
      f.step.estimate.basis === 'default' ? l10n.t('a rough estimate (server not measured)') : describeBasis(f.step.estimate),
      verified ? (verified.agrees ? l10n.t('verified by a probe') : l10n.t('a probe disagreed')) : '',
    ]
      .filter(Boolean)
      .join(', ');
    return el(
      'div',
      { class: 'chart-row', attrs: { role: 'listitem', 'aria-label': aria, 'data-blocks': cls } },
      el('span', { class: 'chart-step' }, stepLabel(f)),
      el('div', { class: 'track' }, bar),
      el(
        'span',
        { class: 'chart-label' },
        label,
        verified
          ? el(
              'span',
              { class: verified.agrees ? 'verified' : 'disagrees', attrs: { title: verified.detail ?? '' } },
              verified.agrees ? ` ✓ ${l10n.t('verified')}` : ` ✗ ${l10n.t('probe disagrees')}`,
            )
          : null,
      ),
    );
  });
  return el(
    'div',
    { class: 'chart' },
    el('div', { class: 'chart-rows', attrs: { role: 'list', 'aria-label': l10n.t('Lock impact per step on a time axis') } }, ...rows),
    el('div', { class: 'axis' }, el('span', {}, '0 s'), el('span', {}, secs(total))),
    el(
      'div',
      { class: 'legend', attrs: { 'aria-hidden': 'true' } },
      el('span', { class: 'key blocks-rw' }),
      BLOCK_TEXT['blocks-rw'](),
      el('span', { class: 'key blocks-w' }),
      BLOCK_TEXT['blocks-w'](),
      el('span', { class: 'key blocks-none' }),
      BLOCK_TEXT['blocks-none'](),
    ),
  );
}

function stepView(f: FlatStep): HTMLElement {
  const s = f.step;
  const cls = blockClass(s);
  const facts: Child[] = [
    el('span', { class: `pill ${cls}` }, BLOCK_TEXT[cls]()),
    el('span', { class: 'pill' }, l10n.t('lock {0}', s.lock)),
    s.algorithm ? el('span', { class: 'pill' }, `ALGORITHM=${s.algorithm}`) : null,
    s.rewrite ? el('span', { class: 'pill warn' }, l10n.t('rewrites the table')) : null,
    el(
      'span',
      { class: `pill estimate basis-${s.estimate.basis}`, attrs: { title: describeBasis(s.estimate) } },
      `≈ ${secs(s.estimate.totalSeconds)}${s.estimate.range ? ` (${secs(s.estimate.range[0])}–${secs(s.estimate.range[1])})` : ''} · ${s.estimate.basis === 'default' ? l10n.t('rough') : describeBasis(s.estimate)}`,
    ),
    s.storage
      ? el(
          'span',
          { class: 'pill storage', attrs: { title: l10n.t('Predicted size of the table and its indexes after this step') } },
          l10n.t(
            'table after ≈ {0} ({1})',
            bytes(s.storage.tableBytes + s.storage.indexBytes),
            `${s.storage.growthBytes >= 0 ? '+' : '−'}${bytes(Math.abs(s.storage.growthBytes))}`,
          ) + (s.storage.tempBytes ? `, ${l10n.t('needs ≈ {0} free', bytes(s.storage.tempBytes))}` : ''),
        )
      : null,
    s.verified
      ? el(
          'span',
          { class: `pill ${s.verified.agrees ? 'verified' : 'disagrees'}` },
          s.verified.agrees
            ? `✓ ${l10n.t('verified on the server')}`
            : `✗ ${s.verified.rewrite ? l10n.t('probe saw {0}, rewrite', s.verified.lock) : l10n.t('probe saw {0}', s.verified.lock)}`,
        )
      : null,
  ];
  return el(
    'li',
    { class: 'step', attrs: { 'data-blocks': cls } },
    el('div', { class: 'step-facts' }, el('span', { class: 'step-no' }, stepLabel(f)), ...facts),
    s.lockTimeoutSql ? el('pre', { class: 'sql lock-timeout' }, s.lockTimeoutSql) : null,
    el('pre', { class: 'sql', attrs: { tabindex: '0' } }, s.backfill ? `-- in batches:\n${s.sql}` : s.sql),
    el('p', { class: 'why' }, s.why),
    s.unavoidable ? el('p', { class: 'unavoidable' }, l10n.t('Unavoidable: {0}', s.unavoidable)) : null,
  );
}

function phaseView(phase: Phase, phaseIndex: number): HTMLElement {
  return el(
    'li',
    { class: 'phase' },
    el(
      'h3',
      {},
      `${phaseIndex + 1}. ${phase.title}`,
      el('span', { class: 'phase-kind' }, ` ${phase.kind}${phase.transactional ? ` · ${l10n.t('in a transaction')}` : ''}`),
    ),
    el('ol', { class: 'steps' }, ...phase.steps.map((step, stepIndex) => stepView({ phase, phaseIndex, step, stepIndex }))),
  );
}

function warningView(w: Finding): HTMLElement {
  return el(
    'li',
    { class: `finding ${w.severity}` },
    el('span', { class: 'severity' }, severityLabel(w.severity)),
    ' ',
    w.message,
    w.fix ? el('div', { class: 'fix' }, l10n.t('Safe alternative: {0}', w.fix)) : null,
  );
}

/** Render the plan into `root`, replacing what was there in one step. */
export function renderPlan(root: HTMLElement, plan: Plan, options: { readonly checklist?: boolean } = {}): void {
  // The rollout checklist is left out when the code section shows it with its places.
  const checklist = options.checklist !== false && plan.rollout.length > 0;
  const steps = flatten(plan);
  // Findings about a field are shown next to that field; the list here keeps the rest.
  const warnings = plan.warnings.filter((w) => w.field === undefined);
  replaceChildren(root, [
    el('p', { class: 'plan-summary', id: 'plan-summary' }, summary(plan, steps)),
    el('h2', {}, l10n.t('Lock impact')),
    chart(steps),
    el('h2', {}, l10n.t('Phases')),
    el('ol', { class: 'phases' }, ...plan.phases.map(phaseView)),
    warnings.length ? el('h2', {}, l10n.t('Warnings')) : null,
    warnings.length ? el('ul', { class: 'warnings' }, ...warnings.map(warningView)) : null,
    checklist ? el('h2', {}, l10n.t('Rollout checklist')) : null,
    checklist
      ? el(
          'ul',
          { class: 'rollout' },
          ...plan.rollout.map((r) => el('li', {}, el('span', { class: 'box', attrs: { 'aria-hidden': 'true' } }, '☐ '), r)),
        )
      : null,
  ]);
}
