import * as l10n from '@vscode/l10n';
import type { RuleModule } from './types';

/** Statements read and understood to take no lock worth a finding on an existing table's readers or writers. */
const UNDERSTOOD = new Set([
  'SELECT',
  'INSERT',
  'DELETE',
  'UPDATE',
  'COMMENT',
  'CREATEFUNCTION',
  'CREATESEQ',
  'ALTERSEQ',
  'GRANT',
  'GRANTROLE',
  'CREATESCHEMA',
  'CREATEEXTENSION',
  'CREATEENUM',
  'COMPOSITETYPE',
  'DO',
  'CREATETRIG',
  'VIEW',
  'CREATEDOMAIN',
  'DEFINE',
  'CREATEPOLICY',
  'ALTERPOLICY',
  'CREATEROLE',
  'ALTERROLE',
  'DROPROLE',
  'VACUUM',
  'ANALYZE',
  'ALTER DOMAIN',
  'CREATEEVENTTRIG',
  'ALTERDEFAULTPRIVILEGES',
  'CREATESTATS',
  'SECLABEL',
  'CREATECAST',
  'CALL',
  'EXPLAIN',
  'VARIABLESHOW',
  'DISCARD',
  'NOTIFY',
  'LISTEN',
  'COPY',
  'TRUNCATE',
  'CREATEPLANG',
  'CREATEOPCLASS',
  'CREATE TRIGGER',
  'CREATE PROCEDURE',
  'CREATE FUNCTION',
  'CREATE EVENT',
  'ANALYZE TABLE',
  'SET NAMES',
  'UNLOCK TABLES',
  'EMPTY',
  'SAVEPOINT',
  'RELEASE',
  'ROLLBACK_TO',
  'PREPARE',
  'REPLACE',
  'USE',
  'CREATE VIEW',
  'CREATE DATABASE',
  'CREATE SCHEMA',
  'CREATE USER',
  'ALTER USER',
  'DROP USER',
  'CREATE ROLE',
  'CREATE SEQUENCE',
  'CREATE TYPE',
  'CREATE EXTENSION',
  'CREATE DOMAIN',
]);

export const unknownStatement = {
  id: 'unknown-statement',
  title: 'Statement the linter has no lock verdict for',
  severity: 'info',
  help: 'Check its locks by hand (column-wizard explain --url runs it on an empty copy of the table) — or report it so a rule can be added.',
  doc: 'The statement parsed, but the linter knows nothing about the locks it takes. It says so instead of passing it over silently.',
  examples: {
    bad: [{ sql: 'CREATE PUBLICATION p FOR TABLE t;' }, { sql: 'ALTER TABLE t SET (fillfactor = 70);' }],
    good: [{ sql: 'SELECT 1;' }, { sql: 'INSERT INTO t VALUES (1);' }],
  },
  on: { kinds: ['other', 'alter-table'] },
  check: (s) => {
    const p = s.parsed;
    if (p.kind === 'other' && !p.statementOp && !UNDERSTOOD.has((p.label ?? '').toUpperCase())) {
      return [
        {
          severity: 'info',
          message: p.label
            ? l10n.t('No lock verdict for {0}: the linter does not know what it locks; check it by hand.', p.label)
            : l10n.t('No lock verdict for this statement: the linter does not know what it locks; check it by hand.'),
        },
      ];
    }
    if (p.kind === 'alter-table') {
      const unknown = p.actions.filter(
        (a) =>
          a.kind === 'other' &&
          !s.actions.some((m) => m.action === a) &&
          !/^RENAME\b|^(CONVERT|FORCE|ENGINE|COMMENT|AUTO_INCREMENT|DEFAULT CHARACTER SET)\b/i.test(a.description),
      );
      if (unknown.length && !s.newTable)
        return [
          {
            severity: 'info',
            message:
              s.engine === 'postgres'
                ? l10n.t(
                    "No lock verdict for ALTER TABLE {0}: PostgreSQL's default for ALTER TABLE is ACCESS EXCLUSIVE; check it by hand.",
                    unknown.map((a) => (a.kind === 'other' ? a.description : '')).join(', '),
                  )
                : l10n.t(
                    'No lock verdict for ALTER TABLE {0}: the server may copy the table; check it by hand.',
                    unknown.map((a) => (a.kind === 'other' ? a.description : '')).join(', '),
                  ),
          },
        ];
    }
    return [];
  },
} as const satisfies RuleModule;
