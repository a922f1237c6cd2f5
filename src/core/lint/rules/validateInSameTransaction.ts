import * as l10n from '@vscode/l10n';
import { actionsOf } from './shared';
import type { RuleModule } from './types';

/** The safe way, in the language @vscode/l10n is configured with when called (the module's `help` is read at import: English, for docs and SARIF). */
const help = (): string =>
  l10n.t('Commit between ADD … NOT VALID and VALIDATE CONSTRAINT, or the strong lock of the ADD is held during the validation scan.');

export const validateInSameTransaction = {
  id: 'validate-in-same-transaction',
  title: 'VALIDATE in the same transaction as its NOT VALID',
  severity: 'warning',
  help: help(),
  doc: 'ADD … NOT VALID takes a short strong lock; VALIDATE CONSTRAINT scans under a weak one. In the same transaction, the strong lock is kept until COMMIT, through the whole scan — the split gains nothing.',
  examples: {
    bad: [
      {
        sql: "BEGIN; SET LOCAL lock_timeout = '2s'; ALTER TABLE t ADD CONSTRAINT k CHECK (a > 0) NOT VALID; ALTER TABLE t VALIDATE CONSTRAINT k; COMMIT;",
      },
    ],
    good: [
      { sql: "SET lock_timeout = '2s'; ALTER TABLE t ADD CONSTRAINT k CHECK (a > 0) NOT VALID; ALTER TABLE t VALIDATE CONSTRAINT k;" },
    ],
  },
  on: { actions: ['validate-constraint'] },
  check: (s) =>
    actionsOf(s, 'validate-constraint')
      .filter((a) => a.validatesInSameTransaction)
      .map((a) => ({
        severity: 'warning' as const,
        message: l10n.t(
          "VALIDATE CONSTRAINT {0} runs in the same transaction as its ADD … NOT VALID: the ADD's lock is held during the whole validation scan.",
          a.action.name,
        ),
        fix: help(),
      })),
} as const satisfies RuleModule;
