import * as l10n from '@vscode/l10n';
import type { RuleFinding, RuleModule } from './types';

export const failsOnServer = {
  id: 'fails-on-server',
  title: 'The server refuses this statement as written',
  severity: 'error',
  help: 'The message says which version or clause is missing; see the safe alternative.',
  doc: 'The target server version refuses the statement (a clause it does not have, an algorithm it cannot use), or runs it with a known defect (CREATE INDEX CONCURRENTLY on PostgreSQL 14.0–14.3).',
  examples: {
    bad: [{ sql: 'CREATE INDEX CONCURRENTLY i ON t (c);', version: '14.2' }],
    good: [{ sql: 'CREATE INDEX CONCURRENTLY i ON t (c);', version: '14.4' }],
  },
  on: { kinds: ['create-index', 'alter-table', 'other'] },
  check: (s) => {
    const out: RuleFinding[] = [];
    if (s.engine === 'postgres' && s.parsed.kind === 'create-index' && s.parsed.index!.concurrent && s.caps.cicCorruptionRisk) {
      out.push({
        severity: 'error',
        message: l10n.t('PostgreSQL {0}: CREATE INDEX CONCURRENTLY can silently corrupt the index (fixed in 14.4).', s.target.version),
        fix: l10n.t('Upgrade to PostgreSQL 14.4 or later first.'),
      });
    }
    for (const a of s.actions) if (a.fails) out.push({ severity: 'error', message: `${a.impact.fails}.` });
    if (s.parsed.kind === 'other')
      for (const o of s.operations) if (o.impact.fails) out.push({ severity: 'error', message: `${o.impact.fails}.` });
    return out;
  },
} as const satisfies RuleModule;
