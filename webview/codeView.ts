import * as l10n from '@vscode/l10n';
import type { CodeChecklist, CodeChecklistItem } from '../src/protocol';
import { el, replaceChildren } from './dom';

export interface CodeActions {
  open(file: string, line: number): void;
  preview(phase: 'expand' | 'final'): void;
  rescan(): void;
}

const MARK: Record<CodeChecklistItem['state'], string> = { done: '☑', todo: '☐', 'none-found': '☐', database: '☐' };
const NOTE: Record<CodeChecklistItem['state'], () => string> = {
  done: () => l10n.t('done in the code'),
  todo: () => l10n.t('places left in the code'),
  'none-found': () => l10n.t('nothing found in the code for this step'),
  database: () => l10n.t('a database step'),
};

function itemView(item: CodeChecklistItem, actions: CodeActions): HTMLElement {
  const places = item.places.map((p) => {
    const link = el(
      'a',
      { class: 'place-link', attrs: { href: '#', title: l10n.t('Open {0}', `${p.file}:${p.line}`) } },
      `${p.file}:${p.line}`,
    );
    link.addEventListener('click', (e) => {
      e.preventDefault();
      actions.open(p.file, p.line);
    });
    return el(
      'li',
      { class: `place ${p.done ? 'done' : 'todo'}` },
      el('span', { class: 'box', attrs: { 'aria-hidden': 'true' } }, p.done ? '✓ ' : '✗ '),
      link,
      ' ',
      p.text,
    );
  });
  return el(
    'li',
    { class: `check ${item.state}`, attrs: { 'data-kind': item.kind, 'data-state': item.state } },
    el(
      'span',
      { class: 'box', attrs: { role: 'img', 'aria-label': item.state === 'done' ? l10n.t('done') : l10n.t('not done') } },
      `${MARK[item.state]} `,
    ),
    item.text,
    el('span', { class: 'check-note' }, ` — ${NOTE[item.state]()}`),
    places.length ? el('ul', { class: 'places' }, ...places) : null,
  );
}

/** The rollout checklist linked to the code: each step's places (links), ticked when all are done, and the model edits on offer. */
export function renderCode(root: HTMLElement, c: CodeChecklist, actions: CodeActions): void {
  const buttons: HTMLElement[] = [];
  const button = (id: string, text: string, onClick: () => void, secondary = true) => {
    const b = el('vscode-button', { id, attrs: secondary ? { secondary: '' } : {} }, text);
    b.addEventListener('click', onClick);
    buttons.push(b);
  };
  if (c.modelEdits.expand)
    button('preview-expand', l10n.t('Preview model edit (add {0}, nullable)', c.column), () => actions.preview('expand'), false);
  if (c.modelEdits.final)
    button(
      'preview-final',
      c.notNullCheck
        ? l10n.t(
            'Preview final model edit ({0} stays optional, NOT NULL by CHECK {1}, after the constrain phase)',
            c.column,
            c.notNullCheck,
          )
        : l10n.t('Preview final model edit ({0} required, after the constrain phase)', c.column),
      () => actions.preview('final'),
    );
  button('rescan', l10n.t('Rescan code'), () => actions.rescan());
  replaceChildren(root, [
    el('h2', {}, l10n.t('Rollout checklist in the code')),
    el('p', { class: 'code-summary', id: 'code-summary' }, l10n.t('{0} ({1} files read)', c.summary, c.filesRead)),
    el('div', { class: 'actions', attrs: { role: 'toolbar', 'aria-label': l10n.t('Code actions') } }, ...buttons),
    el('ul', { class: 'rollout code-checklist', id: 'code-checklist' }, ...c.items.map((i) => itemView(i, actions))),
  ]);
}
