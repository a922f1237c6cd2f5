import * as l10n from '@vscode/l10n';
import { optOutHint } from '../../migrations/tools/index';
import type { RuleModule } from './types';

export const concurrentIndexInTransaction = {
  id: 'concurrent-index-in-transaction',
  title: 'CREATE INDEX CONCURRENTLY inside a transaction',
  severity: 'error',
  help: "PostgreSQL refuses it inside a transaction block: run it in its own migration with the tool's no-transaction switch.",
  doc: 'PostgreSQL refuses CREATE INDEX CONCURRENTLY inside a transaction block — including the one a migration tool (dbmate, goose, Flyway…) wraps the file in.',
  examples: {
    bad: [{ sql: 'BEGIN; CREATE INDEX CONCURRENTLY i ON t (c); COMMIT;' }],
    good: [{ sql: 'CREATE INDEX CONCURRENTLY i ON t (c);' }],
  },
  on: { kinds: ['create-index'] },
  check: (s) => {
    if (s.engine !== 'postgres' || s.parsed.kind !== 'create-index' || !s.parsed.index!.concurrent || !s.inTransaction) return [];
    return [
      {
        severity: 'error',
        message: s.wraps
          ? l10n.t('CREATE INDEX CONCURRENTLY cannot run inside a transaction block: the migration tool runs this file in one transaction.')
          : l10n.t('CREATE INDEX CONCURRENTLY cannot run inside a transaction block.'),
        fix: l10n.t(
          "Put it alone in a migration with the tool's no-transaction switch ({0}).",
          (['dbmate', 'goose', 'flyway'] as const).map(optOutHint).join(', '),
        ),
      },
    ];
  },
} as const satisfies RuleModule;
