import * as l10n from '@vscode/l10n';
/** Small helpers several rule modules share. Pure. */
import type { ColumnFacts, Target } from '../../types';
import type { NameRef } from '../model';
import type { ActionImpact, StatementContext } from './types';

export function tableName(t: NameRef | undefined): string {
  return t ? (t.schema ? `${t.schema}.${t.name}` : t.name) : l10n.t('the table');
}

export function serverName(t: Target): string {
  return `${t.dialect === 'postgres' ? 'PostgreSQL' : t.dialect === 'mariadb' ? 'MariaDB' : 'MySQL'} ${t.version}`;
}

export function isBlockingLock(lock: string | undefined): boolean {
  return lock === 'SHARED' || lock === 'EXCLUSIVE';
}

/** The subcommands of one kind the server accepts (a refused one is fails-on-server's alone). */
export function actionsOf<K extends ActionImpact['action']['kind']>(
  s: StatementContext,
  kind: K,
): (ActionImpact & { action: Extract<ActionImpact['action'], { kind: K }> })[] {
  return s.actions.filter(
    (a): a is ActionImpact & { action: Extract<ActionImpact['action'], { kind: K }> } => a.action.kind === kind && !a.fails,
  );
}

/** Whether the column has a default: MariaDB's information_schema prints `NULL` for a column without one. */
export function hasDefault(c: ColumnFacts): boolean {
  return c.default !== null && c.default !== undefined && !/^null$/i.test(c.default.trim());
}

/**
 * PostgreSQL `ADD COLUMN … NOT NULL` without a default on an existing table known to be empty: nothing to say about
 * the column at all (no rows to fail on, no rows to rewrite).
 */
export function requiredOnEmptyTable(s: StatementContext, a: ActionImpact): boolean {
  if (a.action.kind !== 'add-column' || s.engine !== 'postgres' || s.newTable) return false;
  const spec = a.action.spec;
  return !spec.nullable && spec.default.kind === 'none' && !spec.autoIncrement && s.rows === 0;
}
