/** The lint rules: ids users filter and ignore by, with one line each for SARIF and the docs. */
import type { Severity } from '../types';

export interface LintRule {
  readonly id: string;
  readonly title: string;
  /** The severity before context (table size, transaction, version) adjusts it. */
  readonly severity: Severity;
  readonly help: string;
}

export const LINT_RULES = [
  { id: 'syntax-error', title: 'Statement does not parse', severity: 'error', help: "PostgreSQL's own parser rejected the statement; nothing after the error position was analysed." },
  { id: 'unterminated-text', title: 'Unterminated string, quoted name or block comment', severity: 'error', help: 'Close the quote or the /* comment: everything after it was read as its inside, so the statements there are neither checked nor run as written.' },
  { id: 'nul-byte', title: 'NUL byte in the SQL text', severity: 'error', help: 'Remove the NUL (U+0000) character: client libraries end the query text at it, so what follows is not what the server runs, and nothing after it was checked.' },
  { id: 'unparsed-statement', title: 'Statement not understood by the MySQL/MariaDB parser', severity: 'warning', help: 'The statement may be valid, but the linter could not read it, so its locks are not checked. Split it or check it by hand.' },
  { id: 'add-column-rewrite', title: 'ADD COLUMN rewrites the table', severity: 'error', help: 'Add the column without the default (or as a plain column), set the default separately, then backfill in batches.' },
  { id: 'add-column-required', title: 'ADD COLUMN NOT NULL without a default', severity: 'error', help: 'Add the column nullable, backfill in batches, then enforce NOT NULL with a validated CHECK; or give it a constant default.' },
  { id: 'add-column-not-instant', title: 'ADD COLUMN is not INSTANT on this server', severity: 'warning', help: 'Append the column last, avoid expression defaults / stored generated / auto-increment columns, and write ALGORITHM=INSTANT so the server refuses instead of copying.' },
  { id: 'instant-default-evaluated-once', title: 'MariaDB instant ADD COLUMN evaluates a non-constant default once', severity: 'warning', help: 'Every existing row gets the one value computed at ALTER time. Add the column without the default and backfill per row.' },
  { id: 'set-not-null-scan', title: 'SET NOT NULL scans the table under ACCESS EXCLUSIVE', severity: 'error', help: 'ADD CONSTRAINT … CHECK (c IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT in its own transaction, then SET NOT NULL (PostgreSQL 12+ skips the scan) and drop the CHECK.' },
  { id: 'constraint-not-valid-missing', title: 'New constraint validated while holding a blocking lock', severity: 'error', help: 'Add the CHECK / FOREIGN KEY with NOT VALID, then VALIDATE CONSTRAINT in a separate transaction.' },
  { id: 'unique-constraint-builds-index', title: 'UNIQUE / PRIMARY KEY builds its index under a blocking lock', severity: 'error', help: 'CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … UNIQUE USING INDEX.' },
  { id: 'validate-in-same-transaction', title: 'VALIDATE in the same transaction as its NOT VALID', severity: 'warning', help: 'Commit between ADD … NOT VALID and VALIDATE CONSTRAINT, or the strong lock of the ADD is held during the validation scan.' },
  { id: 'index-not-concurrent', title: 'CREATE INDEX blocks writes', severity: 'error', help: 'CREATE INDEX CONCURRENTLY (outside a transaction block); on MySQL/MariaDB ALGORITHM=INPLACE, LOCK=NONE.' },
  { id: 'concurrent-index-in-transaction', title: 'CREATE INDEX CONCURRENTLY inside a transaction', severity: 'error', help: 'PostgreSQL refuses it inside a transaction block: run it in its own migration with the tool\'s no-transaction switch.' },
  { id: 'missing-lock-timeout', title: 'DDL without a lock timeout', severity: 'warning', help: "SET lock_timeout (PostgreSQL) / SET SESSION lock_wait_timeout (MySQL/MariaDB) before the DDL, so a long transaction cannot queue every query behind it." },
  { id: 'algorithm-copy', title: 'ALGORITHM=COPY rebuilds the table and blocks writes', severity: 'error', help: 'Use ALGORITHM=INSTANT or INPLACE with LOCK=NONE, or an online schema change tool.' },
  { id: 'lock-blocks-writes', title: 'LOCK=SHARED / LOCK=EXCLUSIVE blocks concurrent writes', severity: 'error', help: 'Use LOCK=NONE (or omit LOCK with ALGORITHM=INSTANT).' },
  { id: 'instant-with-lock-clause', title: 'ALGORITHM=INSTANT with a LOCK clause', severity: 'error', help: 'MySQL rejects LOCK= other than DEFAULT with ALGORITHM=INSTANT (error 1221); drop the LOCK clause.' },
  { id: 'fails-on-server', title: 'The server refuses this statement as written', severity: 'error', help: 'The message says which version or clause is missing; see the safe alternative.' },
  { id: 'blocking-ddl', title: 'Statement holds a lock that blocks reads or writes while it works', severity: 'warning', help: 'See the lock and the safe alternative in the message.' },
] as const satisfies readonly LintRule[];

export type RuleId = (typeof LINT_RULES)[number]['id'];

export function ruleById(id: string): LintRule | undefined {
  return LINT_RULES.find((r) => r.id === id);
}
