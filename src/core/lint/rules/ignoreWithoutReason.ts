import type { RuleModule } from './types';

/** Reported by the driver (../analyze.ts), which reads the ignore comments: no `check` of its own. */
export const ignoreWithoutReason = {
  id: 'ignore-without-reason',
  title: 'Ignore comment without a reason',
  byDriver: true,
  severity: 'warning',
  help: 'Say why the finding does not apply: `-- column-wizard-ignore rule-id: the table holds 40 rows`.',
  doc: 'An ignore comment (`-- column-wizard-ignore rule-id` before a statement, `-- column-wizard-ignore-file rule-id` for the file) takes a reason after a colon. Without one a reviewer cannot tell a considered exception from a silenced warning. The ignore still applies; this finding asks for the reason.',
  examples: {
    bad: [{ sql: '-- column-wizard-ignore index-not-concurrent\nCREATE INDEX i ON t (c);' }],
    good: [{ sql: '-- column-wizard-ignore index-not-concurrent: t is created empty by the previous migration\nCREATE INDEX i ON t (c);' }],
  },
} as const satisfies RuleModule;
