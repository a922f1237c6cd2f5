import type { CodeChecklist, CodeChecklistItem } from '../src/protocol';
import { el, replaceChildren } from './dom';

export interface CodeActions {
  open(file: string, line: number): void;
  preview(phase: 'expand' | 'final'): void;
  rescan(): void;
}

const MARK: Record<CodeChecklistItem['state'], string> = { done: '☑', todo: '☐', 'none-found': '☐', database: '☐' };
const NOTE: Record<CodeChecklistItem['state'], string> = {
  done: 'done in the code',
  todo: 'places left in the code',
  'none-found': 'nothing found in the code for this step',
  database: 'a database step',
};

function itemView(item: CodeChecklistItem, actions: CodeActions): HTMLElement {
  const places = item.places.map((p) => {
    const link = el('a', { class: 'place-link', attrs: { href: '#', title: `Open ${p.file}:${p.line}` } }, `${p.file}:${p.line}`);
    link.addEventListener('click', (e) => { e.preventDefault(); actions.open(p.file, p.line); });
    return el('li', { class: `place ${p.done ? 'done' : 'todo'}` }, el('span', { class: 'box', attrs: { 'aria-hidden': 'true' } }, p.done ? '✓ ' : '✗ '), link, ' ', p.text);
  });
  return el('li', { class: `check ${item.state}`, attrs: { 'data-kind': item.kind, 'data-state': item.state } },
    el('span', { class: 'box', attrs: { role: 'img', 'aria-label': item.state === 'done' ? 'done' : 'not done' } }, `${MARK[item.state]} `),
    item.text,
    el('span', { class: 'check-note' }, ` — ${NOTE[item.state]}`),
    places.length ? el('ul', { class: 'places' }, ...places) : null);
}

/** The rollout checklist linked to the code: each step's places (links), ticked when all are done, and the model edits on offer. */
export function renderCode(root: HTMLElement, c: CodeChecklist, actions: CodeActions): void {
  const buttons: HTMLElement[] = [];
  const button = (id: string, text: string, onClick: () => void, secondary = true) => {
    const b = el('vscode-button', { id, attrs: secondary ? { secondary: '' } : {} }, text);
    b.addEventListener('click', onClick);
    buttons.push(b);
  };
  if (c.modelEdits.expand) button('preview-expand', `Preview model edit (add ${c.column}, nullable)`, () => actions.preview('expand'), false);
  if (c.modelEdits.final) button('preview-final', `Preview final model edit (${c.column} required, after the constrain phase)`, () => actions.preview('final'));
  button('rescan', 'Rescan code', () => actions.rescan());
  replaceChildren(root, [
    el('h2', {}, 'Rollout checklist in the code'),
    el('p', { class: 'code-summary', id: 'code-summary' }, `${c.summary} (${c.filesRead} files read)`),
    el('div', { class: 'actions', attrs: { role: 'toolbar', 'aria-label': 'Code actions' } }, ...buttons),
    el('ul', { class: 'rollout code-checklist', id: 'code-checklist' }, ...c.items.map((i) => itemView(i, actions))),
  ]);
}
