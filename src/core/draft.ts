/**
 * The wizard's form (`ColumnDraft`, text as typed) and the `ColumnSpec` the planner takes, both ways: `draftToSpec`
 * and `planDraft` from the form to a spec and a plan, `specToDraft` from a column read out of SQL back to the form.
 * Pure: the extension, the unit tests and the webview tests' host side use it as it is.
 */
import * as l10n from '@vscode/l10n';
import { columnExists, sameColumnName } from './columnSpec';
import type { FindingCode } from './findings';
import { planColumn, type PlanOptions } from './plan';
import { quoteLiteral } from './sql';
import type {
  ColumnDefault,
  ColumnPosition,
  ColumnSpec,
  ColumnType,
  Dialect,
  Finding,
  ForeignKeySpec,
  Plan,
  TableFacts,
  Target,
} from './types';

/** The wizard's form exactly as typed. The host turns it into a `ColumnSpec` (parsing the type, quoting literals). */
export interface ColumnDraft {
  readonly name: string;
  /** As typed, e.g. `varchar(40)`, `numeric(10,2)`, `int unsigned`, `text[]`. */
  readonly type: string;
  readonly nullable: boolean;
  readonly defaultKind: 'none' | 'literal' | 'expression';
  /** A literal value (`42`, `abc`, `'abc'`, `true`) or an SQL expression (`now()`), per `defaultKind`. */
  readonly defaultText: string;
  readonly unique: boolean;
  readonly index: boolean;
  readonly references: Pick<ForeignKeySpec, 'schema' | 'table' | 'column' | 'onDelete'> | null;
  readonly check: string;
  /** MySQL/MariaDB only; ignored on PostgreSQL. */
  readonly position: ColumnPosition;
}

export interface DraftSpec {
  /** Null when the draft cannot become a spec yet (the findings say why, next to their fields). */
  readonly spec: ColumnSpec | null;
  readonly findings: readonly Finding[];
}

const TYPE_RE =
  /^\s*([a-z_][a-z0-9_]*(?:\s+[a-z_][a-z0-9_]*)*?)\s*(?:\(\s*([^)]*?)\s*\))?\s*((?:\s*(?:unsigned|with(?:out)?\s+time\s+zone))*)\s*(\[\])?\s*$/i;

/** Parse a type as typed in the form: `varchar(40)`, `numeric(10, 2)`, `int unsigned`, `text[]`, `enum('a','b')`. */
export function parseTypeText(text: string): ColumnType | string {
  const m = TYPE_RE.exec(text);
  if (!m) return `"${text.trim()}" is not a type the wizard can read; write it like varchar(40), numeric(10,2) or timestamptz.`;
  const base = (m[1] ?? '').toLowerCase().replace(/\s+/g, ' ');
  const suffix = (m[3] ?? '').toLowerCase().replace(/\s+/g, ' ').trim();
  const name = suffix.includes('time zone') ? `${base} ${suffix.replace(/\s*unsigned\s*/, '').trim()}` : base;
  const inner = m[2];
  let params: number[] = [];
  let values: string[] | undefined;
  if (inner !== undefined && inner !== '') {
    if (base === 'enum' || base === 'set') {
      values = [];
      const re = /'((?:[^']|'')*)'\s*(,|$)/gy;
      let v: RegExpExecArray | null;
      let pos = 0;
      while ((v = re.exec(inner)) !== null) {
        values.push((v[1] ?? '').replace(/''/g, "'"));
        pos = re.lastIndex;
        if (v[2] === '') break;
      }
      if (pos !== inner.length || values.length === 0)
        return l10n.t(
          'The values of {0}(…) must be quoted strings separated by commas, e.g. {1}.',
          base.toUpperCase(),
          `${base}('draft','published')`,
        );
    } else {
      const parts = inner.split(',').map((p) => p.trim());
      if (parts.some((p) => !/^\d+$/.test(p))) return l10n.t('Type parameters must be whole numbers: "{0}" in {1}.', inner, text.trim());
      params = parts.map(Number);
    }
  } else if (base === 'enum' || base === 'set') {
    return l10n.t('{0} needs its values, e.g. {1}.', base.toUpperCase(), `${base}('draft','published')`);
  }
  return {
    name,
    params,
    ...(m[4] ? { array: true } : {}),
    ...(suffix.includes('unsigned') ? { unsigned: true } : {}),
    ...(values ? { values } : {}),
  };
}

/** A literal default as SQL text: numbers, booleans and NULL as they are, anything else as a quoted string. */
export function literalSql(text: string, dialect: Dialect): string {
  const t = text.trim();
  if (/^'(?:[^'\\]|'')*'$/.test(t)) return t;
  if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return t;
  if (/^(true|false)$/i.test(t)) return t.toLowerCase();
  if (/^null$/i.test(t)) return 'NULL';
  // core/sql's quoting: the same text whatever the session's settings (E'…' on PostgreSQL, a hex literal on
  // MySQL/MariaDB when there is a backslash).
  return quoteLiteral(dialect, text);
}

function error(field: NonNullable<Finding['field']>, code: FindingCode, message: string): Finding {
  return { code, severity: 'error', field, message };
}

/** Turn the draft into a spec, with the findings the form can show before any planning. */
export function draftToSpec(draft: ColumnDraft, dialect: Dialect, existingColumns: readonly string[] = []): DraftSpec {
  const findings: Finding[] = [];
  const name = draft.name.trim();
  if (name === '') findings.push(error('name', 'draft.name-missing', l10n.t('Name the column.')));
  else {
    const existing = existingColumns.find((c) => sameColumnName(dialect, c, name));
    if (existing !== undefined) findings.push(columnExists(existing));
  }
  let type: ColumnType | null = null;
  if (draft.type.trim() === '')
    findings.push(
      error(
        'type',
        'draft.type-missing',
        l10n.t(
          'Choose a type, e.g. {0} or {1}.',
          dialect === 'postgres' ? 'text' : 'varchar(255)',
          dialect === 'postgres' ? 'timestamptz' : 'datetime',
        ),
      ),
    );
  else {
    const parsed = parseTypeText(draft.type);
    if (typeof parsed === 'string') findings.push(error('type', 'draft.type-unreadable', parsed));
    else type = parsed;
  }
  let def: ColumnDefault = { kind: 'none' };
  if (draft.defaultKind !== 'none') {
    if (draft.defaultText.trim() === '') {
      findings.push(
        error(
          'default',
          'draft.default-missing',
          draft.defaultKind === 'literal'
            ? l10n.t('Type the default value, or choose "No default".')
            : l10n.t('Type the default expression, e.g. now(), or choose "No default".'),
        ),
      );
    } else if (draft.defaultKind === 'literal') def = { kind: 'literal', value: literalSql(draft.defaultText, dialect) };
    else def = { kind: 'expression', sql: draft.defaultText.trim() };
  }
  if (draft.references && draft.references.column.trim() === '') {
    findings.push(
      error('references', 'draft.fk-column-missing', l10n.t('Choose the column of {0} the foreign key points at.', draft.references.table)),
    );
  }
  if (findings.length > 0 || type === null) return { spec: null, findings };
  const check = draft.check.trim();
  const spec: ColumnSpec = {
    name,
    type,
    nullable: draft.nullable,
    default: def,
    ...(draft.unique ? { unique: true } : {}),
    ...(draft.index ? { index: true } : {}),
    ...(draft.references ? { references: { ...draft.references } } : {}),
    ...(check ? { check } : {}),
    ...(dialect !== 'postgres' && draft.position.kind !== 'last' ? { position: draft.position } : {}),
  };
  return { spec, findings };
}

/**
 * Plan a draft against the table's facts: the draft's own findings, then the planner's. Findings about a field go to
 * `findings` (shown next to the field); the plan keeps all its warnings.
 */
export function planDraft(
  draft: ColumnDraft,
  facts: TableFacts,
  target: Target,
  options: PlanOptions = {},
): { findings: Finding[]; plan: Plan | null } {
  const { spec, findings } = draftToSpec(draft, target.dialect);
  if (!spec) return { findings: [...findings], plan: null };
  const plan = planColumn(spec, facts, target, options);
  return { findings: [...findings, ...plan.warnings.filter((w) => w.field !== undefined)], plan };
}

/** All statements of a plan in order, as a script a person can read (Copy SQL). */
export function planScript(plan: Plan): string {
  return (
    plan.phases
      .map((phase, i) =>
        [
          `-- Phase ${i + 1}: ${phase.title}${phase.transactional ? '' : ' (outside a transaction)'}`,
          ...phase.steps.map((s) =>
            [
              s.lockTimeoutSql,
              ...(s.session?.before ?? []),
              s.backfill ? `-- in batches, repeated until no row is updated:\n${s.sql}` : s.sql,
              ...(s.session?.after ?? []),
            ]
              .filter((x): x is string => Boolean(x))
              .map((x) => (/;\s*$/.test(x) ? x : `${x};`))
              .join('\n'),
          ),
        ].join('\n'),
      )
      .join('\n\n') + '\n'
  );
}

/** `varchar(20)`, `numeric(10,2)`, `text[]`, `int unsigned`, `enum('a','b')` — what the form's type field accepts. */
export function typeText(t: ColumnType): string {
  const params = t.values?.length
    ? `(${t.values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',')})`
    : t.params.length
      ? `(${t.params.join(',')})`
      : '';
  return `${t.name}${params}${t.unsigned ? ' unsigned' : ''}${t.array ? '[]' : ''}`;
}

const PLAIN_LITERAL = /^('(?:[^']|'')*'|[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?|true|false|null)$/i;

/** A column read from a hand-written ADD COLUMN as the form's draft (the linter's "Preview plan" opens the wizard prefilled). */
export function specToDraft(spec: ColumnSpec): ColumnDraft {
  const d = spec.default;
  // A literal with a cast (`'x'::text`) is not a plain form literal: keep it as the expression it is.
  const [defaultKind, defaultText] =
    d.kind === 'none'
      ? ['none', '']
      : d.kind === 'literal'
        ? PLAIN_LITERAL.test(d.value.trim())
          ? ['literal', d.value.trim()]
          : ['expression', d.value.trim()]
        : ['expression', d.sql];
  return {
    name: spec.name,
    type: typeText(spec.type),
    nullable: spec.nullable,
    defaultKind: defaultKind as ColumnDraft['defaultKind'],
    defaultText,
    unique: spec.unique === true,
    index: spec.index === true,
    references: spec.references
      ? {
          table: spec.references.table,
          column: spec.references.column,
          ...(spec.references.schema ? { schema: spec.references.schema } : {}),
          ...(spec.references.onDelete ? { onDelete: spec.references.onDelete } : {}),
        }
      : null,
    check: spec.check ?? '',
    position: spec.position ?? { kind: 'last' },
  };
}
