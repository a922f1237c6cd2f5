/**
 * Add Column (Quick): the keyboard path to the wizard. One input per step — name → type → NOT NULL / default →
 * index — each checked as it is typed by the wizard's own draft validation (`draftToSpec`, the same findings the form
 * shows next to its fields), then the wizard opens with that draft and shows its plan. Back (the title-bar button or
 * Escape in a later step) returns to the step before.
 */
import * as vscode from 'vscode';
import { EMPTY_DRAFT, TYPE_SUGGESTIONS, type ColumnDraft, type DraftField } from '../../protocol';
import type { Dialect } from '../../core/types';
import { draftToSpec } from '../../core/draft';

/** The first finding the wizard's validation has for one field of this draft, or undefined. */
export function fieldProblem(draft: ColumnDraft, dialect: Dialect, field: DraftField): string | undefined {
  return draftToSpec(draft, dialect).findings.find((f) => f.field === field && f.severity === 'error')?.message;
}

/** The nullability and default choices, in the order offered. */
export const NULLABILITY_CHOICES: readonly {
  readonly label: string;
  readonly detail: string;
  readonly nullable: boolean;
  readonly defaultKind: ColumnDraft['defaultKind'];
}[] = [
  { label: vscode.l10n.t('Nullable, no default'), detail: vscode.l10n.t('Existing rows get NULL.'), nullable: true, defaultKind: 'none' },
  {
    label: vscode.l10n.t('NOT NULL with a default value'),
    detail: vscode.l10n.t("A constant, e.g. 0, 'draft' or true."),
    nullable: false,
    defaultKind: 'literal',
  },
  {
    label: vscode.l10n.t('NOT NULL with a default expression'),
    detail: vscode.l10n.t('An SQL expression, e.g. now() or gen_random_uuid().'),
    nullable: false,
    defaultKind: 'expression',
  },
  {
    label: vscode.l10n.t('Nullable with a default value'),
    detail: vscode.l10n.t('New rows get the value; the plan says what existing rows get.'),
    nullable: true,
    defaultKind: 'literal',
  },
  {
    label: vscode.l10n.t('Nullable with a default expression'),
    detail: vscode.l10n.t("New rows get the expression's value; the plan says what existing rows get."),
    nullable: true,
    defaultKind: 'expression',
  },
  {
    label: vscode.l10n.t('NOT NULL, no default'),
    detail: vscode.l10n.t('Only for a table without rows: the plan says so otherwise.'),
    nullable: false,
    defaultKind: 'none',
  },
];

export const INDEX_CHOICES: readonly { readonly label: string; readonly index: boolean; readonly unique: boolean }[] = [
  { label: vscode.l10n.t('No index'), index: false, unique: false },
  { label: vscode.l10n.t('Index'), index: true, unique: false },
  { label: vscode.l10n.t('Unique'), index: false, unique: true },
];

const BACK = Symbol('back');
type Step<T> = Promise<T | typeof BACK | undefined>;

interface Item<T> extends vscode.QuickPickItem {
  readonly value: T;
}

/**
 * Show `box` as step `step` of four (with a Back button after the first); resolves with what `wire`'s handlers pass
 * to `finish`, BACK, or undefined when it is hidden.
 */
function showStep<V>(
  box: vscode.InputBox | vscode.QuickPick<vscode.QuickPickItem>,
  title: string,
  step: number,
  wire: (finish: (v: V | typeof BACK | undefined) => void) => void,
): Step<V> {
  box.title = title;
  box.step = step;
  box.totalSteps = 4;
  box.ignoreFocusOut = true;
  if (step > 1) box.buttons = [vscode.QuickInputButtons.Back];
  return new Promise((resolve) => {
    let done = false;
    const finish = (v: V | typeof BACK | undefined) => {
      if (!done) {
        done = true;
        resolve(v);
        box.dispose();
      }
    };
    wire(finish);
    box.onDidTriggerButton((b) => {
      if (b === vscode.QuickInputButtons.Back) finish(BACK);
    });
    box.onDidHide(() => finish(undefined));
    box.show();
  });
}

function input(title: string, step: number, prompt: string, value: string, validate: (v: string) => string | undefined): Step<string> {
  const box = vscode.window.createInputBox();
  box.prompt = prompt;
  box.value = value;
  return showStep<string>(box, title, step, (finish) => {
    box.onDidChangeValue((v) => {
      box.validationMessage = v === '' ? undefined : validate(v);
    });
    box.onDidAccept(() => {
      const problem = validate(box.value);
      if (problem) box.validationMessage = problem;
      else finish(box.value);
    });
  });
}

function pick<T>(
  title: string,
  step: number,
  placeholder: string,
  items: Item<T>[],
  options: { custom?: (text: string) => Item<T>; active?: (v: T) => boolean } = {},
): Step<T> {
  const qp = vscode.window.createQuickPick<Item<T>>();
  qp.placeholder = placeholder;
  qp.items = items;
  const active = options.active && items.find((i) => options.active!(i.value));
  if (active) qp.activeItems = [active];
  return showStep<T>(qp, title, step, (finish) => {
    if (options.custom) {
      // The typed text is offered first as its own item, so any type the server knows can be entered.
      const custom = options.custom;
      qp.onDidChangeValue((v) => {
        qp.items = v.trim() && !items.some((i) => i.label === v.trim()) ? [custom(v), ...items] : items;
      });
    }
    qp.onDidAccept(() => {
      const chosen = qp.selectedItems[0] ?? qp.activeItems[0];
      if (chosen) finish(chosen.value);
    });
  });
}

/**
 * Ask for the column step by step; undefined when the user cancels. `existing` are the table's columns (a name
 * clash is caught at the first step, as the form does).
 */
export async function askColumn(table: string, dialect: Dialect, existing: readonly string[]): Promise<ColumnDraft | undefined> {
  const title = vscode.l10n.t('Column Wizard: Add Column to {0}', table);
  let draft: ColumnDraft = { ...EMPTY_DRAFT };
  let step = 1;
  for (;;) {
    if (step === 1) {
      const name = await input(
        title,
        1,
        vscode.l10n.t('Name of the new column'),
        draft.name,
        (v) => draftToSpec({ ...draft, name: v }, dialect, existing).findings.find((f) => f.field === 'name')?.message,
      );
      if (name === undefined || name === BACK) return undefined;
      draft = { ...draft, name: name.trim() };
      step = 2;
    } else if (step === 2) {
      const typeItem = (t: string): Item<string> => ({ label: t, value: t });
      const custom = (text: string): Item<string> => {
        const problem = fieldProblem({ ...draft, type: text }, dialect, 'type');
        return { label: text.trim(), description: problem ? `$(warning) ${problem}` : vscode.l10n.t('as typed'), value: text.trim() };
      };
      const type = await pick(
        title,
        2,
        vscode.l10n.t('Type (pick one or type any type the server knows)'),
        TYPE_SUGGESTIONS[dialect].map(typeItem),
        { custom, active: (v) => v === draft.type },
      );
      if (type === undefined) return undefined;
      if (type === BACK) {
        step = 1;
        continue;
      }
      const problem = fieldProblem({ ...draft, type }, dialect, 'type');
      if (problem) {
        void vscode.window.showWarningMessage(vscode.l10n.t('Column Wizard: {0}', problem));
        continue;
      }
      draft = { ...draft, type };
      step = 3;
    } else if (step === 3) {
      const choice = await pick(
        title,
        3,
        vscode.l10n.t('NOT NULL and default'),
        NULLABILITY_CHOICES.map((c) => ({ label: c.label, detail: c.detail, value: c })),
        { active: (c) => c.nullable === draft.nullable && c.defaultKind === draft.defaultKind },
      );
      if (choice === undefined) return undefined;
      if (choice === BACK) {
        step = 2;
        continue;
      }
      let defaultText = '';
      if (choice.defaultKind !== 'none') {
        const next = { ...draft, nullable: choice.nullable, defaultKind: choice.defaultKind };
        const text = await input(
          title,
          3,
          choice.defaultKind === 'literal' ? vscode.l10n.t('Default value') : vscode.l10n.t('Default expression (SQL)'),
          draft.defaultKind === choice.defaultKind ? draft.defaultText : '',
          (v) => fieldProblem({ ...next, defaultText: v }, dialect, 'default'),
        );
        if (text === undefined) return undefined;
        if (text === BACK) continue;
        defaultText = text;
      }
      draft = { ...draft, nullable: choice.nullable, defaultKind: choice.defaultKind, defaultText };
      step = 4;
    } else {
      const choice = await pick(
        title,
        4,
        vscode.l10n.t('Index on the new column'),
        INDEX_CHOICES.map((c) => ({ label: c.label, value: c })),
        { active: (c) => c.index === draft.index && c.unique === draft.unique },
      );
      if (choice === undefined) return undefined;
      if (choice === BACK) {
        step = 3;
        continue;
      }
      return { ...draft, index: choice.index, unique: choice.unique };
    }
  }
}
