import type { RuleModule } from './types';

/** Reported by the driver (../analyze.ts), which knows which findings each ignore comment silenced: no `check` of its own. */
export const unusedIgnore = {
  id: 'unused-ignore',
  title: 'Ignore comment that silences nothing',
  byDriver: true,
  severity: 'info',
  help: 'Remove the ignore comment (or correct the rule id it names).',
  doc: 'An ignore comment whose statement (or file, for `column-wizard-ignore-file`) has no finding of the rules it names, or that names no existing rule. Left in place it would silently hide a later, unreviewed finding of that rule. A misspelt rule id is a warning.',
  examples: {
    bad: [
      { sql: "-- column-wizard-ignore index-not-concurrent: small table\nSET lock_timeout = '2s';" },
      { sql: '-- column-wizard-ignore no-such-rule: typo\nSELECT 1;' },
    ],
    good: [
      {
        sql: "SET lock_timeout = '2s';\n-- column-wizard-ignore index-not-concurrent: t is created empty by the previous migration\nCREATE INDEX i ON t (c);",
      },
    ],
  },
} as const satisfies RuleModule;
