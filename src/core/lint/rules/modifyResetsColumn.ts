import * as l10n from '@vscode/l10n';
import { hasDefault, tableName } from './shared';
import type { RuleFinding, RuleModule } from './types';

/** The safe way, in the language @vscode/l10n is configured with when called (`help` is read at import: English, for docs and SARIF). */
const help = (): string =>
  l10n.t(
    'Restate the column in full — its type, NOT NULL, DEFAULT and AUTO_INCREMENT as they are now (SHOW CREATE TABLE prints them) — changing only what you mean to change.',
  );

export const modifyResetsColumn = {
  id: 'modify-resets-column',
  title: 'MODIFY/CHANGE restates the whole column: what it leaves out is dropped',
  severity: 'warning',
  help: help(),
  doc: "On MySQL/MariaDB, `MODIFY c …` and `CHANGE c c …` replace the column's whole definition. A DEFAULT, NOT NULL or AUTO_INCREMENT the column has now but the new definition does not repeat is silently removed: INSERTs from code that leaves the column out then get NULL or fail, or no longer get a generated id. Needs the column's current definition (a connection, a snapshot, or the folder's earlier migrations).",
  examples: {
    bad: [
      {
        dialect: 'mariadb',
        earlier: "CREATE TABLE t (id int PRIMARY KEY, status varchar(20) NOT NULL DEFAULT 'new') DEFAULT CHARSET=utf8mb4;",
        sql: 'SET SESSION lock_wait_timeout = 2;\nALTER TABLE t MODIFY status varchar(20), ALGORITHM=INPLACE, LOCK=NONE;',
      },
    ],
    good: [
      {
        dialect: 'mariadb',
        earlier: "CREATE TABLE t (id int PRIMARY KEY, status varchar(20) NOT NULL DEFAULT 'new') DEFAULT CHARSET=utf8mb4;",
        sql: "SET SESSION lock_wait_timeout = 2;\nALTER TABLE t MODIFY status varchar(20) NOT NULL DEFAULT 'new', ALGORITHM=INPLACE, LOCK=NONE;",
      },
    ],
  },
  on: { actions: ['alter-type'] },
  check: (s) => {
    if (s.engine !== 'mysql') return [];
    const out: RuleFinding[] = [];
    for (const a of s.parsed.actions) {
      if (a.kind !== 'alter-type' || !a.restated) continue;
      const now = s.facts?.columns?.find((c) => c.name.toLowerCase() === a.column.toLowerCase());
      if (!now) continue;
      const lost: string[] = [];
      if (hasDefault(now) && !a.restated.default)
        lost.push(l10n.t('its DEFAULT {0} (INSERTs that leave the column out get NULL, or fail)', now.default!));
      const inKey = (s.facts?.primaryKey ?? []).some((c) => c.toLowerCase() === a.column.toLowerCase());
      if (!now.nullable && !/ NOT NULL$/.test(a.type) && !inKey) lost.push(l10n.t('NOT NULL (the column becomes nullable)'));
      if (now.autoIncrement && !a.restated.autoIncrement)
        lost.push(l10n.t('AUTO_INCREMENT (INSERTs that leave the column out no longer get a new value)'));
      if (lost.length)
        out.push({
          message: l10n.t('MODIFY {0} on {1} restates the whole column and leaves out {2}.', a.column, tableName(s.table), lost.join('; ')),
          fix: help(),
        });
    }
    return out;
  },
} as const satisfies RuleModule;
