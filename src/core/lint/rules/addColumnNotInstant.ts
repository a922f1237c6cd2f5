import * as l10n from '@vscode/l10n';
import { actionsOf, isBlockingLock, serverName } from './shared';
import type { RuleFinding, RuleModule } from './types';

export const addColumnNotInstant = {
  id: 'add-column-not-instant',
  title: 'ADD COLUMN is not INSTANT on this server',
  severity: 'warning',
  help: 'Append the column last, avoid expression defaults / stored generated / auto-increment columns, and write ALGORITHM=INSTANT so the server refuses instead of copying.',
  doc: 'On MySQL 8.0.12+ and MariaDB 10.3+ most ADD COLUMNs are INSTANT (metadata only). When this one is not — on this version, or because another subcommand of the same ALTER TABLE is not — it rebuilds the table in place: writes continue, but it takes time and I/O proportional to the table.',
  examples: {
    bad: [
      { sql: 'SET SESSION lock_wait_timeout = 2; ALTER TABLE t ADD COLUMN c int, ADD INDEX i (b);', dialect: 'mysql', version: '8.0.36' },
    ],
    good: [{ sql: 'SET SESSION lock_wait_timeout = 2; ALTER TABLE t ADD COLUMN c int;', dialect: 'mysql', version: '8.0.36' }],
  },
  on: { actions: ['add-column'] },
  check: (s) => {
    if (s.engine !== 'mysql') return [];
    const out: RuleFinding[] = [];
    for (const a of actionsOf(s, 'add-column')) {
      const explicitCopy = s.parsed.algorithm === 'COPY';
      const { impact } = a;
      const rewrite =
        (!explicitCopy && impact.algorithm === 'COPY') || (impact.blocks.writes && !explicitCopy && !isBlockingLock(s.parsed.lock));
      if (!rewrite && impact.algorithm !== 'INSTANT' && !explicitCopy && !impact.blocks.writes) {
        out.push({
          blocking: true,
          op: a,
          message: l10n.t('ADD COLUMN {0} is not INSTANT on {1}: {2}.', a.action.spec.name, serverName(s.target), impact.why),
        });
      }
    }
    // Several subcommands run as one statement, with the slowest algorithm any of them needs.
    const whole = s.whole;
    if (s.parsed.kind === 'alter-table' && whole?.algorithm && whole.algorithm !== 'INSTANT' && !whole.fails) {
      for (const o of s.operations) {
        if (o.op.op !== 'add-column' || o.impact.algorithm !== 'INSTANT') continue;
        out.push({
          blocking: true,
          op: o,
          message: l10n.t('ADD COLUMN {0} would be INSTANT alone, but not in this statement: {1}.', o.op.spec.name, whole.why),
          fix: l10n.t('Put the ADD COLUMN in an ALTER TABLE of its own (INSTANT), and the other changes in a second statement.'),
        });
      }
    }
    return out;
  },
} as const satisfies RuleModule;
