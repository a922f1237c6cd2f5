import * as l10n from '@vscode/l10n';
import { statementOps } from './statementOps';
import type { RuleModule } from './types';

export const dropObject = {
  id: 'drop-object',
  title: 'DROP SCHEMA / FUNCTION / PROCEDURE / TYPE / EXTENSION breaks code that still uses it (CASCADE also drops what depends on it)',
  severity: 'warning',
  help: 'Deploy code that no longer uses the object first, and drop without CASCADE so the server refuses while anything still depends on it.',
  doc: 'DROP SCHEMA, FUNCTION, PROCEDURE, TYPE, DOMAIN and EXTENSION take ACCESS EXCLUSIVE on the object itself. Queries take no lock on a function, type or schema they use, so they are not blocked: they fail once it is gone. Without CASCADE the DROP fails while another object depends on it. With CASCADE every dependent object goes too (the tables of a schema, the columns of a type, the indexes using an extension), each table under ACCESS EXCLUSIVE, and its data is lost. On MySQL/MariaDB, DROP FUNCTION and DROP PROCEDURE take an exclusive metadata lock on the routine: they wait for the statements using it (a transaction that called a function holds that lock until it ends), later calls queue behind them, and fail once the routine is gone; nothing stops the DROP while other code still calls it.',
  examples: {
    bad: [
      { sql: "SET lock_timeout = '2s'; DROP SCHEMA reporting CASCADE;" },
      { sql: 'DROP FUNCTION order_total(int);' },
      { sql: 'DROP EXTENSION citext;' },
    ],
    good: [
      { sql: 'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;' },
      { sql: 'CREATE SCHEMA scratch; CREATE TABLE scratch.t (id int); DROP SCHEMA scratch CASCADE;' },
    ],
  },
  on: { ops: ['drop-object'] },
  check: (s) =>
    // An object created earlier in this file is used by no running code (and, for CASCADE, nothing existing depends on it).
    // A MySQL/MariaDB routine dropped to be created again (CREATE OR REPLACE does not exist for MySQL procedures) is replaced.
    (s.newObject || s.recreatedLater ? [] : statementOps(s, 'drop-object')).map((o) => ({
      severity: 'warning' as const,
      message: o.op.cascade
        ? l10n.t(
            '{0} … CASCADE also drops every object that depends on it (tables, columns, indexes, views), each table under ACCESS EXCLUSIVE; their data is gone.',
            s.parsed.label ?? 'DROP',
          )
        : s.engine === 'mysql'
          ? l10n.t('{0}: queries and code that still call it fail once it is gone.', s.parsed.label ?? 'DROP')
          : l10n.t(
              '{0}: queries and code that still use it fail once it is gone; the DROP itself fails while another object depends on it.',
              s.parsed.label ?? 'DROP',
            ),
    })),
} as const satisfies RuleModule;
