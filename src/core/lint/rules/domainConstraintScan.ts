import { statementOps } from './statementOps';
import type { RuleModule } from './types';

export const domainConstraintScan = {
  id: 'domain-constraint-scan',
  title: 'ALTER DOMAIN … ADD CONSTRAINT checks every table using the domain',
  severity: 'warning',
  help: 'ALTER DOMAIN … ADD CONSTRAINT … NOT VALID, then ALTER DOMAIN … VALIDATE CONSTRAINT in a later migration.',
  doc: 'Adding a constraint to a domain verifies every column of every table that uses the domain, holding SHARE on those tables: their writes wait for the whole check.',
  examples: {
    bad: [{ sql: "SET lock_timeout = '2s'; ALTER DOMAIN positive ADD CONSTRAINT positive_check CHECK (VALUE > 0);" }],
    good: [{ sql: "SET lock_timeout = '2s'; ALTER DOMAIN positive ADD CONSTRAINT positive_check CHECK (VALUE > 0) NOT VALID;" }],
  },
  on: { ops: ['domain-constraint'] },
  check: (s) =>
    statementOps(s, 'domain-constraint')
      .filter((o) => !o.op.notValid)
      .map((o) => ({ blocking: true, op: o, message: `${o.impact.why}.` })),
} as const satisfies RuleModule;
