/** Helpers for the rules about statements with a lock verdict of their own (rules.ts `StatementOperation`). */
import type { StatementOperation } from '../../rules';
import type { OperationImpact, StatementContext } from './types';

/** The statement's (or its ALTER TABLE subcommands') operations of one kind, with their impacts (MySQL/MariaDB: only the kinds its reader gives). */
export function statementOps<K extends StatementOperation['op']>(
  s: StatementContext,
  op: K,
): (OperationImpact & { op: Extract<StatementOperation, { op: K }> })[] {
  return s.operations.filter(
    (o): o is OperationImpact & { op: Extract<StatementOperation, { op: K }> } =>
      o.op.op === op && !o.impact.fails && (s.parsed.kind === 'other' || s.parsed.kind === 'alter-table'),
  );
}
