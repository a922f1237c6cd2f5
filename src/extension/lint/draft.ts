/** A column read from a hand-written ADD COLUMN, as the wizard's form draft ("Preview plan" opens the wizard prefilled). Pure. */
import type { ColumnSpec, ColumnType } from '../../core/types';
import type { ColumnDraft } from '../../protocol';

/** `varchar(20)`, `numeric(10,2)`, `text[]`, `int unsigned`, `enum('a','b')` — what the form's type field accepts. */
export function typeText(t: ColumnType): string {
  const params = t.values?.length ? `(${t.values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',')})` : t.params.length ? `(${t.params.join(',')})` : '';
  return `${t.name}${params}${t.unsigned ? ' unsigned' : ''}${t.array ? '[]' : ''}`;
}

const PLAIN_LITERAL = /^('(?:[^']|'')*'|[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?|true|false|null)$/i;

export function specToDraft(spec: ColumnSpec): ColumnDraft {
  const d = spec.default;
  // A literal with a cast (`'x'::text`) is not a plain form literal: keep it as the expression it is.
  const [defaultKind, defaultText] = d.kind === 'none' ? ['none', '']
    : d.kind === 'literal' ? (PLAIN_LITERAL.test(d.value.trim()) ? ['literal', d.value.trim()] : ['expression', d.value.trim()])
      : ['expression', d.sql];
  return {
    name: spec.name,
    type: typeText(spec.type),
    nullable: spec.nullable,
    defaultKind: defaultKind as ColumnDraft['defaultKind'],
    defaultText,
    unique: spec.unique === true,
    index: spec.index === true,
    references: spec.references ? { table: spec.references.table, column: spec.references.column, ...(spec.references.schema ? { schema: spec.references.schema } : {}), ...(spec.references.onDelete ? { onDelete: spec.references.onDelete } : {}) } : null,
    check: spec.check ?? '',
    position: spec.position ?? { kind: 'last' },
  };
}
