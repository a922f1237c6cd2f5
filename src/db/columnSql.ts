/**
 * The column definition the server judges during server-side validation: core's own rendering (the text the plan
 * will run), and core's checks for what cannot be written or sent at all, turned into findings before any query.
 */
import { renderColumnDefinition, renderDefault, renderType, validateColumn, type RenderPart } from '../core/columnSpec';
import { expressionProblem, SqlTextError } from '../core/sql';
import type { BlamedField } from '../core/findings';
import type { ColumnSpec, Finding, Target } from '../core/types';

/**
 * Core findings meaning the definition cannot be sent as asked: the text would not stay one expression, or core's
 * renderer would write something other than the spec (it drops `[]` on MySQL, UNSIGNED on PostgreSQL and NOT NULL on
 * a MariaDB generated column).
 */
const UNWRITABLE = new Set(['expression-invalid', 'array-unsupported', 'unsigned-unsupported', 'generated-not-null']);

/**
 * Parts left out of the definition the server judges: the foreign key is checked separately (a temporary copy cannot
 * reference a permanent table), and FIRST/AFTER is checked offline against the table's columns.
 */
export const SERVER_CHECK_OMIT: readonly RenderPart[] = ['references', 'position'];

/** What stops the definition from being written, as findings; empty when `serverCheckDefinition` can render it. */
export function unwritableFindings(spec: ColumnSpec, target: Target): Finding[] {
  const { dialect } = target;
  const out = validateColumn(spec, target).filter((f) => f.severity === 'error' && UNWRITABLE.has(f.code));
  try {
    renderType(dialect, spec.type);
  } catch (err) {
    if (!(err instanceof SqlTextError)) throw err;
    out.push({ code: 'unknown-type', severity: 'error', field: 'type', message: `The type cannot be used: ${err.message}.` });
  }
  if (spec.default.kind === 'literal') {
    const problem = expressionProblem(dialect, spec.default.value);
    if (problem)
      out.push({
        code: 'expression-invalid',
        severity: 'error',
        field: 'default',
        message: `The DEFAULT value cannot be used: ${problem}.`,
      });
    else {
      try {
        renderDefault(dialect, spec.default);
      } catch (err) {
        if (!(err instanceof SqlTextError)) throw err;
        out.push({ code: 'default-invalid', severity: 'error', field: 'default', message: `The default cannot be used: ${err.message}.` });
      }
    }
  }
  if (out.length === 0) {
    try {
      serverCheckDefinition(spec, target);
    } catch (err) {
      if (!(err instanceof SqlTextError)) throw err;
      out.push({ code: 'definition-invalid', severity: 'error', message: `The column definition cannot be written: ${err.message}.` });
    }
  }
  return out;
}

/** `ADD COLUMN` text for the server to judge on a temporary copy: core's rendering less `SERVER_CHECK_OMIT` and `omit`. */
export function serverCheckDefinition(spec: ColumnSpec, target: Target, omit: readonly RenderPart[] = []): string {
  return renderColumnDefinition(target.dialect, spec, { omit: [...SERVER_CHECK_OMIT, ...omit] });
}

/** The optional parts of a definition, each with the field it comes from and whether the spec has it. */
const OPTIONAL_PARTS: readonly (readonly [RenderPart, BlamedField, (spec: ColumnSpec) => boolean])[] = [
  ['generated', 'generated', (s) => s.generated !== undefined],
  ['check', 'check', (s) => s.check !== undefined],
  ['default', 'default', (s) => s.default.kind !== 'none'],
  ['unique', 'unique', (s) => s.unique === true],
  ['autoIncrement', 'autoIncrement', (s) => s.autoIncrement === true],
  ['notNull', 'nullable', (s) => !s.nullable],
  ['comment', 'comment', (s) => s.comment !== undefined],
];

/**
 * The field a rejected definition is blamed on: the first optional part without which the server accepts it
 * (`rejects(omit)` asks the server again), else the type. Asked only after a rejection.
 */
export async function blamedField(spec: ColumnSpec, rejects: (omit: readonly RenderPart[]) => Promise<boolean>): Promise<BlamedField> {
  for (const [part, field, present] of OPTIONAL_PARTS) {
    if (present(spec) && !(await rejects([part]))) return field;
  }
  return 'type';
}
