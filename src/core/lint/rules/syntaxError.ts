import * as l10n from '@vscode/l10n';
import type { RuleModule, StatementContext } from './types';

export const syntaxError = {
  id: 'syntax-error',
  title: 'Statement does not parse',
  severity: 'error',
  help: "PostgreSQL's own parser rejected the statement; nothing after the error position was analysed.",
  doc: "PostgreSQL's parser (libpg-query, the server's grammar compiled to WebAssembly) rejects the statement. The finding starts at the parser's error position; the statement's locks are not checked.",
  examples: { bad: [{ sql: 'ALTER TABLE t ADD COLUMN;' }], good: [{ sql: "SET lock_timeout = '2s'; ALTER TABLE t ADD COLUMN c text;" }] },
  on: { kinds: ['unparsed'] },
  check: (s) => {
    if (s.parsed.kind !== 'unparsed' || s.engine !== 'postgres') return [];
    return [
      {
        severity: 'error',
        message: l10n.t(
          "PostgreSQL's parser rejects this statement: {0}; nothing in it was checked.",
          s.parsed.error?.message ?? l10n.t('not parsed'),
        ),
        range: errorRange(s),
      },
    ];
  },
} as const satisfies RuleModule;

/** From the parser's error position to the end of the statement (at least one character). */
export function errorRange(s: StatementContext): { start: number; end: number } {
  const at = s.parsed.error?.offset !== undefined ? s.start + s.parsed.error.offset : s.start;
  return { start: at, end: Math.max(at + 1, s.end) };
}
