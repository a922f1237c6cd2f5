import type { Finding, Phase, Plan, Step } from '../src/core/types';
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

const BLOCK_TEXT: Record<BlockClass, string> = {
  'blocks-rw': 'blocks reads and writes',
  'blocks-w': 'blocks writes',
  'blocks-none': 'blocks nothing',
};

interface FlatStep { readonly phase: Phase; readonly phaseIndex: number; readonly step: Step; readonly stepIndex: number }

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
  const parts = [`${plan.phases.length} phase${plan.phases.length === 1 ? '' : 's'}`, `${steps.length} step${steps.length === 1 ? '' : 's'}`, `≈ ${formatSeconds(total)} in all`];
  if (rw > 0) parts.push(`blocks reads and writes ≈ ${formatSeconds(rw)}`);
  if (w > 0) parts.push(`blocks writes only ≈ ${formatSeconds(w)}`);
  if (rw === 0 && w === 0) parts.push('never blocks reads or writes');
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
    const label = `${formatSeconds(dur)}${f.step.estimate.lockSeconds > 0 && cls !== 'blocks-none' ? ` (lock ${formatSeconds(f.step.estimate.lockSeconds)})` : ''}`;
    const bar = el('div', { class: `bar ${cls}` });
    // Through CSSOM, not a style attribute: the CSP allows no inline styles.
    const l = Math.min(left, 99.2);
    bar.style.left = `${l.toFixed(2)}%`;
    bar.style.width = `${Math.min(width, 100 - l).toFixed(2)}%`;
    const aria = `Step ${stepLabel(f)}: ${BLOCK_TEXT[cls]}, ${label}${f.step.estimate.basis === 'default' ? ', a rough estimate (server not measured)' : `, ${describeBasis(f.step.estimate)}`}${verified ? (verified.agrees ? ', verified by a probe' : ', a probe disagreed') : ''}`;
    return el('div', { class: 'chart-row', attrs: { role: 'listitem', 'aria-label': aria, 'data-blocks': cls } },
      el('span', { class: 'chart-step' }, stepLabel(f)),
      el('div', { class: 'track' }, bar),
      el('span', { class: 'chart-label' },
        label,
        verified ? el('span', { class: verified.agrees ? 'verified' : 'disagrees', attrs: { title: verified.detail ?? '' } }, verified.agrees ? ' ✓ verified' : ' ✗ probe disagrees') : null),
    );
  });
  return el('div', { class: 'chart' },
    el('div', { class: 'chart-rows', attrs: { role: 'list', 'aria-label': 'Lock impact per step on a time axis' } }, ...rows),
    el('div', { class: 'axis' }, el('span', {}, '0 s'), el('span', {}, formatSeconds(total))),
    el('div', { class: 'legend', attrs: { 'aria-hidden': 'true' } },
      el('span', { class: 'key blocks-rw' }), 'blocks reads and writes',
      el('span', { class: 'key blocks-w' }), 'blocks writes',
      el('span', { class: 'key blocks-none' }), 'blocks nothing'),
  );
}

function stepView(f: FlatStep): HTMLElement {
  const s = f.step;
  const cls = blockClass(s);
  const facts: Child[] = [
    el('span', { class: `pill ${cls}` }, BLOCK_TEXT[cls]),
    el('span', { class: 'pill' }, `lock ${s.lock}`),
    s.algorithm ? el('span', { class: 'pill' }, `ALGORITHM=${s.algorithm}`) : null,
    s.rewrite ? el('span', { class: 'pill warn' }, 'rewrites the table') : null,
    el('span', { class: `pill estimate basis-${s.estimate.basis}`, attrs: { title: describeBasis(s.estimate) } },
      `≈ ${formatSeconds(s.estimate.totalSeconds)}${s.estimate.range ? ` (${formatSeconds(s.estimate.range[0])}–${formatSeconds(s.estimate.range[1])})` : ''} · ${s.estimate.basis === 'default' ? 'rough' : describeBasis(s.estimate)}`),
    s.storage ? el('span', { class: 'pill storage', attrs: { title: 'Predicted size of the table and its indexes after this step' } },
      `table after ≈ ${formatBytes(s.storage.tableBytes + s.storage.indexBytes)} (${s.storage.growthBytes >= 0 ? '+' : '−'}${formatBytes(Math.abs(s.storage.growthBytes))})${s.storage.tempBytes ? `, needs ≈ ${formatBytes(s.storage.tempBytes)} free` : ''}`) : null,
    s.verified ? el('span', { class: `pill ${s.verified.agrees ? 'verified' : 'disagrees'}` }, s.verified.agrees ? '✓ verified on the server' : `✗ probe saw ${s.verified.lock}${s.verified.rewrite ? ', rewrite' : ''}`) : null,
  ];
  return el('li', { class: 'step', attrs: { 'data-blocks': cls } },
    el('div', { class: 'step-facts' }, el('span', { class: 'step-no' }, stepLabel(f)), ...facts),
    s.lockTimeoutSql ? el('pre', { class: 'sql lock-timeout' }, s.lockTimeoutSql) : null,
    el('pre', { class: 'sql', attrs: { tabindex: '0' } }, s.backfill ? `-- in batches:\n${s.sql}` : s.sql),
    el('p', { class: 'why' }, s.why),
    s.unavoidable ? el('p', { class: 'unavoidable' }, `Unavoidable: ${s.unavoidable}`) : null,
  );
}

function phaseView(phase: Phase, phaseIndex: number): HTMLElement {
  return el('li', { class: 'phase' },
    el('h3', {}, `${phaseIndex + 1}. ${phase.title}`, el('span', { class: 'phase-kind' }, ` ${phase.kind}${phase.transactional ? ' · in a transaction' : ''}`)),
    el('ol', { class: 'steps' }, ...phase.steps.map((step, stepIndex) => stepView({ phase, phaseIndex, step, stepIndex }))),
  );
}

function warningView(w: Finding): HTMLElement {
  return el('li', { class: `finding ${w.severity}` },
    el('span', { class: 'severity' }, w.severity),
    ' ', w.message,
    w.fix ? el('div', { class: 'fix' }, 'Safe alternative: ', w.fix) : null,
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
    el('h2', {}, 'Lock impact'),
    chart(steps),
    el('h2', {}, 'Phases'),
    el('ol', { class: 'phases' }, ...plan.phases.map(phaseView)),
    warnings.length ? el('h2', {}, 'Warnings') : null,
    warnings.length ? el('ul', { class: 'warnings' }, ...warnings.map(warningView)) : null,
    checklist ? el('h2', {}, 'Rollout checklist') : null,
    checklist ? el('ul', { class: 'rollout' }, ...plan.rollout.map((r) => el('li', {}, el('span', { class: 'box', attrs: { 'aria-hidden': 'true' } }, '☐ '), r))) : null,
  ]);
}
