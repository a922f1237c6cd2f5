import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import * as l10n from '@vscode/l10n';
import type { Finding, TableRef } from '../src/core/types';
import { DRAFT_FIELDS, TYPE_SUGGESTIONS, draftFieldOf, type ColumnDraft, type DraftField, type WizardContext } from '../src/protocol';
import { el, replaceChildren } from './dom';

/** The properties of the vscode-elements controls this form reads and writes. */
type TextControl = HTMLElement & { value: string; invalid: boolean };
type CheckControl = HTMLElement & { checked: boolean };
type SelectControl = HTMLElement & { value: string; invalid: boolean };

const NO_TABLE = '';

export interface WizardForm {
  readonly root: HTMLElement;
  read(): ColumnDraft;
  write(draft: ColumnDraft): void;
  /** Put each finding next to its field; findings without a field are returned for the general area. */
  showFindings(findings: readonly Finding[]): Finding[];
  /** Replace the foreign-key column choices (after the host listed the referenced table's columns). */
  setReferenceColumns(columns: readonly string[], selected: string): void;
  /** The table chosen for the foreign key, or null. */
  referencedTable(): TableRef | null;
}

export interface FormEvents {
  /** Any field changed. */
  onChange(): void;
  /** The foreign-key table changed: the caller fetches its columns. */
  onReferenceTable(table: TableRef | null): void;
}

function textfield(id: string, placeholder: string, label: string): TextControl {
  return el('vscode-textfield', { id, attrs: { placeholder, 'aria-label': label } }) as TextControl;
}

function checkbox(id: string, label: string): CheckControl {
  return el('vscode-checkbox', { id, attrs: { label } }) as CheckControl;
}

function option(value: string, text: string, selected: boolean): HTMLElement {
  return el('vscode-option', { attrs: selected ? { value, selected: '' } : { value } }, text);
}

function field(name: DraftField, label: string, forId: string, ...controls: HTMLElement[]): HTMLElement {
  return el(
    'div',
    { class: 'field', attrs: { 'data-field': name } },
    el('vscode-label', { attrs: { for: forId } }, label),
    ...controls,
    el('div', { class: 'msg', id: `msg-${name}`, attrs: { 'aria-live': 'polite' } }),
  );
}

export function createForm(context: WizardContext, events: FormEvents): WizardForm {
  const dialect = context.connection.dialect;
  const name = textfield('f-name', l10n.t('e.g. {0}', 'archived_at'), l10n.t('Column name'));
  const type = textfield('f-type', l10n.t('e.g. {0}', dialect === 'postgres' ? 'timestamptz' : 'datetime'), l10n.t('Column type'));
  const suggestions = el(
    'div',
    { class: 'suggestions', attrs: { role: 'group', 'aria-label': l10n.t('Common types') } },
    ...TYPE_SUGGESTIONS[dialect].map((t) => {
      const b = el('button', { class: 'chip', attrs: { type: 'button' } }, t);
      b.addEventListener('click', () => {
        type.value = t;
        events.onChange();
        type.focus();
      });
      return b;
    }),
  );
  const notNull = checkbox('f-notnull', 'NOT NULL');
  const kinds = (['none', 'literal', 'expression'] as const).map(
    (k) =>
      el('vscode-radio', {
        id: `f-default-${k}`,
        attrs: {
          name: 'default-kind',
          value: k,
          label: k === 'none' ? l10n.t('No default') : k === 'literal' ? l10n.t('Value') : l10n.t('Expression'),
        },
      }) as CheckControl & { value: string },
  );
  const defaultKind = el('vscode-radio-group', { id: 'f-default-kind', attrs: { 'aria-label': l10n.t('Default kind') } }, ...kinds);
  const defaultText = textfield('f-default', l10n.t('e.g. {0}', "0, 'draft', now()"), l10n.t('Default value or expression'));
  const unique = checkbox('f-unique', 'UNIQUE');
  const index = checkbox('f-index', l10n.t('Index'));
  const check = textfield('f-check', l10n.t('e.g. {0}', 'price >= 0'), l10n.t('CHECK expression'));

  const refTable = el(
    'vscode-single-select',
    { id: 'f-ref-table', attrs: { 'aria-label': l10n.t('Referenced table') } },
    option(NO_TABLE, l10n.t('(no foreign key)'), true),
    ...context.tables.map((t, i) => option(String(i), `${t.schema}.${t.name}`, false)),
  ) as SelectControl;
  // Choices of the selects are tracked here: a freshly built select applies a value set in code only after its
  // first render, and reports '' until then.
  let refColumn = '';
  let refTableValue = NO_TABLE;
  let positionValue = 'last';
  const refColumnSlot = el('div', { class: 'ref-column' });

  const isMysql = dialect !== 'postgres';
  const positionSelect = el(
    'vscode-single-select',
    { id: 'f-position', attrs: { 'aria-label': l10n.t('Position') } },
    option('last', l10n.t('at the end'), true),
    option('first', l10n.t('first'), false),
    ...context.columns.map((c, i) => option(`after:${i}`, l10n.t('after {0}', c), false)),
  ) as SelectControl;

  const root = el(
    'form',
    { class: 'column-form', attrs: { 'aria-label': l10n.t('Column definition'), novalidate: '' } },
    field('name', l10n.t('Name'), 'f-name', name),
    field('type', l10n.t('Type'), 'f-type', type, suggestions),
    field('nullable', l10n.t('Nullability'), 'f-notnull', notNull),
    field('default', l10n.t('Default'), 'f-default-kind', defaultKind, defaultText),
    el(
      'div',
      { class: 'field-row' },
      field('unique', l10n.t('Uniqueness'), 'f-unique', unique),
      field('index', l10n.t('Index'), 'f-index', index),
    ),
    field('references', l10n.t('Foreign key'), 'f-ref-table', refTable, refColumnSlot),
    field('check', l10n.t('Check constraint'), 'f-check', check),
    isMysql ? field('position', l10n.t('Position'), 'f-position', positionSelect) : null,
  );
  root.addEventListener('submit', (e) => e.preventDefault());

  const changed = (): void => events.onChange();
  for (const c of [name, type, defaultText, check]) c.addEventListener('input', changed);
  for (const c of [notNull, unique, index]) c.addEventListener('change', changed);
  positionSelect.addEventListener('change', () => {
    positionValue = positionSelect.value;
    changed();
  });
  for (const k of kinds)
    k.addEventListener('change', () => {
      syncDefault();
      changed();
    });
  refTable.addEventListener('change', () => {
    refTableValue = refTable.value;
    events.onReferenceTable(referencedTable());
    changed();
  });

  function defaultKindValue(): ColumnDraft['defaultKind'] {
    const on = kinds.find((k) => k.checked);
    return (on?.value as ColumnDraft['defaultKind'] | undefined) ?? 'none';
  }
  function syncDefault(): void {
    const none = defaultKindValue() === 'none';
    defaultText.toggleAttribute('disabled', none);
  }

  function referencedTable(): TableRef | null {
    const i = refTableValue === NO_TABLE ? -1 : Number(refTableValue);
    return context.tables[i] ?? null;
  }

  function read(): ColumnDraft {
    const ref = referencedTable();
    const posValue = positionValue;
    const afterIndex = posValue.startsWith('after:') ? Number(posValue.slice(6)) : -1;
    const afterColumn = context.columns[afterIndex];
    return {
      name: name.value,
      type: type.value,
      nullable: !notNull.checked,
      defaultKind: defaultKindValue(),
      defaultText: defaultText.value,
      unique: unique.checked,
      index: index.checked,
      references: ref ? { schema: ref.schema, table: ref.name, column: refColumn } : null,
      check: check.value,
      position: !isMysql
        ? { kind: 'last' }
        : posValue === 'first'
          ? { kind: 'first' }
          : afterColumn !== undefined
            ? { kind: 'after', column: afterColumn }
            : { kind: 'last' },
    };
  }

  function write(d: ColumnDraft): void {
    name.value = d.name;
    type.value = d.type;
    notNull.checked = !d.nullable;
    for (const k of kinds) k.checked = k.value === d.defaultKind;
    defaultText.value = d.defaultText;
    unique.checked = d.unique;
    index.checked = d.index;
    check.value = d.check;
    const ti = d.references
      ? context.tables.findIndex(
          (t) => t.name === d.references?.table && (d.references.schema === undefined || t.schema === d.references.schema),
        )
      : -1;
    refTableValue = ti >= 0 ? String(ti) : NO_TABLE;
    refTable.value = refTableValue;
    // Kept as drafted until the host lists the table's columns (setReferenceColumns).
    refColumn = ti >= 0 ? (d.references?.column ?? '') : '';
    if (isMysql) {
      const ai = d.position.kind === 'after' ? context.columns.indexOf(d.position.column) : -1;
      positionValue = d.position.kind === 'first' ? 'first' : ai >= 0 ? `after:${ai}` : 'last';
      positionSelect.value = positionValue;
    }
    syncDefault();
  }

  function setReferenceColumns(columns: readonly string[], selected: string): void {
    const next = el(
      'vscode-single-select',
      { id: 'f-ref-column', attrs: { 'aria-label': l10n.t('Referenced column') } },
      ...columns.map((c) => option(c, c, c === selected)),
    ) as SelectControl;
    next.addEventListener('change', () => {
      refColumn = next.value;
      changed();
    });
    refColumn = columns.includes(selected) ? selected : '';
    replaceChildren(refColumnSlot, columns.length ? [next] : []);
  }

  const controls: Partial<Record<DraftField, { invalid: boolean }>> = {
    name,
    type,
    default: defaultText,
    references: refTable,
    check,
    position: positionSelect,
  };

  function showFindings(findings: readonly Finding[]): Finding[] {
    const general: Finding[] = [];
    const byField = new Map<DraftField, Finding[]>();
    for (const f of findings) {
      const at = draftFieldOf(f.field);
      if (!at) {
        general.push(f);
        continue;
      }
      byField.set(at, [...(byField.get(at) ?? []), f]);
    }
    for (const fieldName of DRAFT_FIELDS) {
      const box = root.querySelector(`#msg-${fieldName}`);
      if (!box) continue;
      const list = (byField.get(fieldName) ?? []).sort((a, b) => rank(a) - rank(b));
      replaceChildren(
        box,
        list.map((f) =>
          el(
            'div',
            { class: `msg-line ${f.severity}`, attrs: { 'data-code': f.code } },
            f.message,
            f.fix ? el('span', { class: 'fix' }, ` ${f.fix}`) : null,
          ),
        ),
      );
      const control = controls[fieldName];
      if (control) control.invalid = list.some((f) => f.severity === 'error');
    }
    return general;
  }

  syncDefault();
  return { root, read, write, showFindings, setReferenceColumns, referencedTable };
}

function rank(f: Finding): number {
  return f.severity === 'error' ? 0 : f.severity === 'warning' ? 1 : 2;
}
