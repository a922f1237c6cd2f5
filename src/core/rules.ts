import * as l10n from '@vscode/l10n';
/**
 * The one source of truth for lock impact: what a DDL operation locks, blocks, rewrites and scans on a given server.
 * The planner, `explain` and the SQL linter all ask `impactOf`. Pure.
 *
 * PostgreSQL facts: doc/src/sgml/ref/alter_table.sgml, create_index.sgml, mvcc.sgml (ALTER TABLE takes ACCESS EXCLUSIVE
 * unless noted; ADD FOREIGN KEY SHARE ROW EXCLUSIVE on both tables; VALIDATE CONSTRAINT SHARE UPDATE EXCLUSIVE;
 * CREATE INDEX SHARE; CONCURRENTLY SHARE UPDATE EXCLUSIVE). MySQL/MariaDB: the InnoDB online DDL tables, checked on
 * MariaDB 10.11 (see the field guide §b-2 and the probes of the database layer).
 */
import { capabilities, defaultVolatility, isSerialType, mariadbPerRowDefault, type Capabilities } from './dialects/index';
import type { ColumnSpec, LockLevel, MysqlAlgorithm, TableFacts, Target } from './types';
import { versionAtLeast } from './version';

export type ConstraintKind = 'check' | 'foreign' | 'unique' | 'primary' | 'not-null';

/** `ALGORITHM=` / `LOCK=` clauses written in a MySQL/MariaDB statement. */
export interface MysqlClauses {
  readonly algorithm?: MysqlAlgorithm | 'DEFAULT';
  readonly lock?: 'NONE' | 'SHARED' | 'EXCLUSIVE' | 'DEFAULT';
}

/** One DDL (or backfill) operation on the table, as the planner emits it or the linter reads it from SQL. */
export type DdlOperation = (
  | { readonly op: 'add-column'; readonly spec: ColumnSpec }
  | { readonly op: 'drop-column'; readonly column: string }
  /** PostgreSQL `ALTER COLUMN … SET NOT NULL`; MySQL/MariaDB `MODIFY … NOT NULL`. `provenByCheck`: a validated `CHECK (c IS NOT NULL)` exists. */
  | { readonly op: 'set-not-null'; readonly column: string; readonly provenByCheck?: boolean }
  | { readonly op: 'drop-not-null'; readonly column: string }
  /** MySQL/MariaDB `MODIFY c <another type>`: the column's data type changes (read against the live facts). */
  | { readonly op: 'change-type'; readonly column: string; readonly reason?: string }
  /** MySQL/MariaDB `MODIFY c varchar(m)` from varchar(n ≤ m) on the same side of the 255-byte length-prefix boundary. */
  | { readonly op: 'extend-varchar'; readonly column: string }
  /** MySQL/MariaDB `MODIFY c enum(…)` / `set(…)` that only appends members and keeps the column's storage size. */
  | { readonly op: 'extend-enum'; readonly column: string }
  | { readonly op: 'set-default'; readonly column: string; readonly volatile?: boolean }
  | { readonly op: 'drop-default'; readonly column: string }
  | {
      readonly op: 'add-constraint';
      readonly kind: ConstraintKind;
      readonly notValid: boolean;
      readonly usingIndex: boolean;
      readonly foreignKeyChecks?: boolean;
    }
  | { readonly op: 'validate-constraint'; readonly kind: ConstraintKind }
  | { readonly op: 'drop-constraint'; readonly kind?: ConstraintKind }
  /** `fulltext` / `spatial`: a MySQL/MariaDB FULLTEXT or SPATIAL index. */
  | {
      readonly op: 'create-index';
      readonly concurrent: boolean;
      readonly unique: boolean;
      readonly fulltext?: boolean;
      readonly spatial?: boolean;
    }
  | { readonly op: 'drop-index'; readonly concurrent: boolean }
  /** MySQL/MariaDB `DROP PRIMARY KEY`; `replaced`: the same ALTER TABLE adds a new primary key. */
  | { readonly op: 'drop-primary-key'; readonly replaced: boolean }
  /** MySQL/MariaDB `CONVERT TO CHARACTER SET`: every text column is converted. */
  | { readonly op: 'convert-charset'; readonly charset: string }
  /** MySQL/MariaDB `FORCE` / `ENGINE=` (the table's own engine): a null rebuild. `engine`: the engine named, when one is. */
  | { readonly op: 'rebuild'; readonly engine?: string }
  /** MySQL/MariaDB `RENAME INDEX|KEY a TO b`. */
  | { readonly op: 'rename-index' }
  /** PostgreSQL `COMMENT ON COLUMN`; MySQL/MariaDB a comment-only `MODIFY`. */
  | { readonly op: 'comment'; readonly column: string }
  /** A batched `UPDATE` filling the new column. */
  | { readonly op: 'backfill' }
) & { readonly mysql?: MysqlClauses };

export interface Impact {
  /** PostgreSQL lock mode on the table, or for MySQL/MariaDB the level concurrent DML gets (`NONE` = DML continues). */
  readonly lock: LockLevel;
  readonly algorithm?: MysqlAlgorithm;
  /** What other sessions cannot do while the step holds its lock. */
  readonly blocks: { readonly reads: boolean; readonly writes: boolean };
  /** The table (and its indexes) is rewritten or rebuilt. */
  readonly rewrite: boolean;
  /** Every row is read (validation, index build, rewrite). */
  readonly scan: boolean;
  readonly why: string;
  /** A foreign key also locks the referenced table at this level. */
  readonly referencedLock?: LockLevel;
  /** The server refuses the statement as written, and why. */
  readonly fails?: string;
}

/** Why `ALTER TABLE … ADD COLUMN …, ALGORITHM=INSTANT` is refused for this column and table, or null when it is allowed. */
export function instantAddProblem(spec: ColumnSpec, target: Target, facts?: TableFacts): string | null {
  const caps = capabilities(target);
  const maria = target.dialect === 'mariadb';
  const server = maria ? 'MariaDB' : 'MySQL';
  if (!caps.instantAddColumn)
    return l10n.t('{0} {1} has no instant ADD COLUMN ({2} and later)', server, target.version, maria ? 'MariaDB 10.3.2' : 'MySQL 8.0.12');
  const pos = spec.position?.kind ?? 'last';
  if (pos !== 'last' && !caps.instantAnyPosition)
    return l10n.t(
      '{0} {1} adds columns instantly only at the end (any position from {2})',
      server,
      target.version,
      maria ? 'MariaDB 10.4' : 'MySQL 8.0.29',
    );
  if (spec.autoIncrement) return l10n.t('an AUTO_INCREMENT column needs a rebuild that gives every row a value');
  // Probed on MariaDB 10.11: `ADD COLUMN c int UNIQUE` is refused with ALGORITHM=INSTANT and runs INPLACE with a rebuild.
  if (spec.unique) return l10n.t('a UNIQUE key added in the same ALTER TABLE is built by an in-place rebuild');
  if (spec.generated?.stored) return l10n.t('a STORED generated column is computed for every existing row by a table copy');
  if (spec.check && maria) return l10n.t('MariaDB does not check existing rows against a CHECK added with an instant ADD COLUMN');
  if (!maria && !spec.nullable && spec.default.kind === 'none' && /^(datetime|timestamp)$/.test(spec.type.name)) {
    return l10n.t('MySQL does not add a NOT NULL DATETIME/TIMESTAMP column without a DEFAULT instantly (existing rows need a zero date)');
  }
  if (spec.default.kind === 'expression') {
    const vol = defaultVolatility(spec.default.sql, target.dialect);
    if (!maria && !/^current_timestamp(\(\d*\))?$/i.test(spec.default.sql.trim()))
      return l10n.t('MySQL does not add a column with an expression DEFAULT instantly');
    if (maria) {
      const perRow = mariadbPerRowDefault(spec.default.sql);
      if (perRow)
        return l10n.t(
          'MariaDB refuses INSTANT and INPLACE for a DEFAULT calling {0}(): a table copy computes it for every existing row',
          perRow,
        );
      if (vol === 'unknown')
        return l10n.t(
          'MariaDB copies the table for a DEFAULT that reads another column or calls a function it cannot evaluate once (assumed for names the rules do not know)',
        );
      // RAND() and the other volatile functions: INSTANT, and every existing row gets the one value computed at ALTER time.
    }
  }
  if (facts?.engine && !/^innodb$/i.test(facts.engine))
    return l10n.t('the table uses the {0} engine; only InnoDB adds columns instantly', String(facts.engine));
  const indexes = facts?.indexes ?? [];
  if (indexes.some((i) => i.method.toUpperCase() === 'FULLTEXT'))
    return l10n.t('the table has a FULLTEXT index (hidden FTS_DOC_ID column)');
  if (facts?.rowFormat && facts.rowFormat.toUpperCase() === 'COMPRESSED') return l10n.t('the table uses ROW_FORMAT=COMPRESSED');
  if (!maria && indexes.some((i) => i.expression)) return l10n.t('the table has a functional index (hidden virtual columns)');
  if (
    caps.instantRowVersionLimit !== null &&
    facts?.instantRowVersions !== undefined &&
    facts.instantRowVersions >= caps.instantRowVersionLimit
  ) {
    return l10n.t(
      'the table already has {0} instant row versions (limit {1}); only a rebuild resets it',
      facts.instantRowVersions,
      caps.instantRowVersionLimit,
    );
  }
  if ((facts?.columns?.length ?? 0) + 1 > 1022) return l10n.t('the table would have more than 1022 columns');
  return null;
}

/** Why the same ADD COLUMN cannot run `ALGORITHM=INPLACE, LOCK=NONE` (a rebuild that lets DML continue), or null. */
export function onlineAddProblem(
  spec: ColumnSpec,
  target: Target,
  facts?: TableFacts,
): { algorithm: MysqlAlgorithm; lock: 'SHARED' | 'EXCLUSIVE'; reason: string } | null {
  // Probed on MariaDB 10.11: an Aria table refuses INSTANT and INPLACE for ADD COLUMN; only COPY is accepted.
  if (facts?.engine && !/^innodb$/i.test(facts.engine))
    return {
      algorithm: 'COPY',
      lock: 'SHARED',
      reason: l10n.t('the {0} engine has no online ALTER: the table is copied while writes are blocked', String(facts.engine)),
    };
  if (spec.generated?.stored)
    return { algorithm: 'COPY', lock: 'SHARED', reason: l10n.t('a STORED generated column is added by a table copy that blocks writes') };
  if (spec.autoIncrement)
    return { algorithm: 'INPLACE', lock: 'SHARED', reason: l10n.t('adding an AUTO_INCREMENT column requires a lock that blocks writes') };
  if (spec.check)
    return { algorithm: 'COPY', lock: 'SHARED', reason: l10n.t('a CHECK constraint is verified by a table copy that blocks writes') };
  if (
    spec.default.kind === 'expression' &&
    defaultVolatility(spec.default.sql, target.dialect) !== 'immutable' &&
    !/^current_timestamp(\(\d*\))?$/i.test(spec.default.sql.trim())
  ) {
    return {
      algorithm: 'COPY',
      lock: 'SHARED',
      reason: l10n.t('a non-deterministic DEFAULT expression is filled in by a table copy that blocks writes'),
    };
  }
  if ((facts?.indexes ?? []).some((i) => i.method.toUpperCase() === 'FULLTEXT')) {
    return {
      algorithm: 'INPLACE',
      lock: 'SHARED',
      reason: l10n.t('the rebuild re-creates the FULLTEXT index, which requires a lock that blocks writes'),
    };
  }
  return null;
}

const AE: LockLevel = 'ACCESS EXCLUSIVE';
const blocksAll = { reads: true, writes: true } as const;
const blocksWrites = { reads: false, writes: true } as const;
const blocksNone = { reads: false, writes: false } as const;

/** The lock impact of one operation on the target server. `facts` refines MySQL/MariaDB INSTANT eligibility and row counts. */
/**
 * Statements outside ALTER TABLE … ADD/CREATE INDEX that lock a table (the linter reads them; the planner never emits
 * them). PostgreSQL lock modes from the manual's "Explicit Locking" table and each command's page; the ALTER TABLE
 * forms and REINDEX/CLUSTER on a table are checked by the probes in test/db/lintVsProbe.test.ts.
 */
export type StatementOperation =
  | { readonly op: 'drop-index'; readonly concurrent: boolean }
  | { readonly op: 'reindex'; readonly concurrent: boolean }
  | { readonly op: 'vacuum-full' }
  | { readonly op: 'cluster' }
  | { readonly op: 'refresh-matview'; readonly concurrent: boolean }
  | { readonly op: 'drop-table' }
  | { readonly op: 'truncate' }
  | {
      readonly op: 'rename';
      readonly object: 'column' | 'table' | 'schema' | 'constraint' | 'index' | 'enum value' | 'function' | 'type' | 'other';
      /** Column renames: the old name. Column and table renames: the new name (for the folder replay). */
      readonly from?: string;
      readonly to?: string;
    }
  | { readonly op: 'domain-constraint'; readonly notValid: boolean; readonly notNull?: boolean }
  /** LOCK TABLE … IN mode MODE (PostgreSQL), or LOCK TABLES … READ (`SHARED`) / WRITE (`EXCLUSIVE`) on MySQL/MariaDB. */
  | { readonly op: 'lock-table'; readonly mode: LockLevel }
  | { readonly op: 'set-logged' | 'set-tablespace' | 'set-access-method' }
  /**
   * DROP SCHEMA / FUNCTION / PROCEDURE / TYPE / DOMAIN / EXTENSION: ACCESS EXCLUSIVE on the object itself (an object lock,
   * which queries using it do not take); with CASCADE also on every table whose objects or columns go with it.
   */
  | {
      readonly op: 'drop-object';
      /** `procedure`: MySQL/MariaDB only (PostgreSQL locks a procedure as a function). */
      readonly object: 'schema' | 'function' | 'procedure' | 'type' | 'extension';
      readonly cascade: boolean;
    }
  | { readonly op: 'detach-partition'; readonly concurrent: boolean }
  /** ALTER FUNCTION / PROCEDURE / ROUTINE … options (SECURITY DEFINER, SET search_path, COST, …): no lock at all. */
  | { readonly op: 'alter-routine' }
  /**
   * ALTER FUNCTION / AGGREGATE / SCHEMA / TYPE / DOMAIN / … OWNER TO (ALTER TABLE / VIEW / SEQUENCE … OWNER TO are
   * catalog changes on the relation: `PG_CATALOG_SUBCOMMANDS`). `other`: the object kinds PostgreSQL locks the same way
   * as a routine (operators, collations, conversions, statistics, text search objects, languages).
   */
  | { readonly op: 'alter-owner'; readonly object: 'schema' | 'function' | 'type' | 'other' }
  /**
   * MySQL/MariaDB ALTER / DROP of a view, stored function, procedure, event or (MariaDB) sequence, CREATE OR REPLACE VIEW,
   * and ALTER DATABASE: an exclusive metadata lock on that object (DROP FUNCTION / PROCEDURE are `drop-object`). An open transaction that read a view or called a function holds a
   * lock on it that makes the statement wait; a CALL holds none once the procedure is loaded (test/db/lintVsProbe.test.ts,
   * MariaDB 10.11; MySQL 8 not checked here).
   */
  | {
      readonly op: 'mysql-object';
      readonly object: 'view' | 'function' | 'procedure' | 'event' | 'sequence' | 'database';
      readonly drop: boolean;
      /** CREATE OR REPLACE VIEW: of an existing view, locked as ALTER VIEW; a new one waits for nothing. */
      readonly replace?: boolean;
    }
  /** ALTER TYPE … ADD VALUE: EXCLUSIVE on the type itself; `value` is the new label. */
  | { readonly op: 'enum-add-value'; readonly value: string }
  | { readonly op: 'exclusion-constraint' }
  /** An ALTER TABLE subcommand that changes only the catalog (`PG_CATALOG_SUBCOMMANDS`, by libpg_query's AT_ name). */
  | { readonly op: 'catalog-change'; readonly subcommand: string }
  | { readonly op: 'alter-type-pg'; readonly coercible: boolean | undefined };

/**
 * PostgreSQL's statement operations; on MySQL/MariaDB only those the MySQL reader gives (DROP TABLE, TRUNCATE, RENAME
 * TABLE, LOCK TABLES: `mysqlStatementImpact`). ALTER TABLE on MySQL/MariaDB goes through `impactOf`.
 */
export function statementOperationImpact(op: StatementOperation, target: Target): Impact {
  if (target.dialect !== 'postgres') return mysqlStatementImpact(op, target);
  switch (op.op) {
    case 'drop-index':
      return op.concurrent
        ? {
            lock: 'SHARE UPDATE EXCLUSIVE',
            blocks: blocksNone,
            rewrite: false,
            scan: false,
            why: l10n.t('DROP INDEX CONCURRENTLY waits for transactions using the index; reads and writes continue'),
          }
        : {
            lock: AE,
            blocks: blocksAll,
            rewrite: false,
            scan: false,
            why: l10n.t(
              'DROP INDEX takes ACCESS EXCLUSIVE on the table: it waits for every open transaction on the table, and every query queues behind it',
            ),
          };
    case 'reindex':
      if (op.concurrent && !versionAtLeast(target.version, '12'))
        return {
          lock: 'SHARE',
          blocks: blocksWrites,
          rewrite: false,
          scan: true,
          why: l10n.t('REINDEX CONCURRENTLY needs PostgreSQL 12'),
          fails: l10n.t('PostgreSQL {0} has no REINDEX CONCURRENTLY (PostgreSQL 12 and later)', target.version),
        };
      return op.concurrent
        ? {
            lock: 'SHARE UPDATE EXCLUSIVE',
            blocks: blocksNone,
            rewrite: false,
            scan: true,
            why: l10n.t(
              'REINDEX CONCURRENTLY builds a new index beside the old one under SHARE UPDATE EXCLUSIVE: reads and writes continue',
            ),
          }
        : {
            lock: 'SHARE',
            blocks: blocksWrites,
            rewrite: false,
            scan: true,
            why: l10n.t(
              'REINDEX takes SHARE on the table (writes wait for the whole rebuild) and ACCESS EXCLUSIVE on the index (queries that would use it wait too)',
            ),
          };
    case 'vacuum-full':
      return {
        lock: AE,
        blocks: blocksAll,
        rewrite: true,
        scan: true,
        why: l10n.t('VACUUM FULL writes a new copy of the table and its indexes under ACCESS EXCLUSIVE'),
      };
    case 'cluster':
      return {
        lock: AE,
        blocks: blocksAll,
        rewrite: true,
        scan: true,
        why: l10n.t('CLUSTER rewrites the table in index order under ACCESS EXCLUSIVE'),
      };
    case 'refresh-matview':
      return op.concurrent
        ? {
            lock: 'EXCLUSIVE',
            blocks: blocksWrites,
            rewrite: false,
            scan: true,
            why: l10n.t('REFRESH MATERIALIZED VIEW CONCURRENTLY takes EXCLUSIVE: reads of the view continue (it needs a unique index)'),
          }
        : {
            lock: AE,
            blocks: blocksAll,
            rewrite: true,
            scan: true,
            why: l10n.t('REFRESH MATERIALIZED VIEW takes ACCESS EXCLUSIVE: reads of the view wait until the query is re-run and stored'),
          };
    case 'drop-table':
      return {
        lock: AE,
        blocks: blocksAll,
        rewrite: false,
        scan: false,
        why: l10n.t('DROP TABLE takes ACCESS EXCLUSIVE (and a lock on every table its foreign keys reference); the data is gone'),
      };
    case 'truncate':
      return {
        lock: AE,
        blocks: blocksAll,
        rewrite: true,
        scan: false,
        why: l10n.t('TRUNCATE takes ACCESS EXCLUSIVE and replaces the table with an empty one'),
      };
    case 'rename':
      // An enum value: EXCLUSIVE on the type; a schema or routine: ACCESS EXCLUSIVE on it; a type or domain: none (a
      // composite type: ACCESS EXCLUSIVE on its row type). Queries take none of these locks; an index: SHARE UPDATE
      // EXCLUSIVE from PostgreSQL 12 (test/db/lintVsProbe.test.ts reads them from pg_locks).
      if (op.object === 'index' && versionAtLeast(target.version, '12'))
        return {
          lock: 'SHARE UPDATE EXCLUSIVE',
          blocks: blocksNone,
          rewrite: false,
          scan: false,
          why: l10n.t(
            'renaming an index takes SHARE UPDATE EXCLUSIVE on the index (PostgreSQL 12 and later): reads and writes continue; queries still using the old name fail from then on',
          ),
        };
      return {
        lock: op.object === 'enum value' ? 'EXCLUSIVE' : op.object === 'type' ? 'NONE' : AE,
        blocks: ['enum value', 'schema', 'function', 'type'].includes(op.object) ? blocksNone : blocksAll,
        rewrite: false,
        scan: false,
        why: renameWhy(op.object),
      };
    case 'lock-table': {
      const rank = PG_LOCK_RANK[op.mode];
      return {
        lock: op.mode,
        blocks: { reads: op.mode === AE, writes: rank >= PG_LOCK_RANK.SHARE },
        rewrite: false,
        scan: false,
        why: l10n.t('LOCK TABLE … IN {0} MODE holds that lock until the transaction ends', op.mode),
      };
    }
    case 'domain-constraint':
      if (op.notNull)
        return {
          lock: 'SHARE',
          blocks: blocksWrites,
          rewrite: false,
          scan: true,
          why: l10n.t(
            'ALTER DOMAIN … SET NOT NULL checks every column of every table using the domain, holding SHARE on those tables (writes wait); it has no NOT VALID form',
          ),
        };
      return op.notValid
        ? {
            lock: 'SHARE',
            blocks: blocksWrites,
            rewrite: false,
            scan: false,
            why: l10n.t('ALTER DOMAIN … ADD CONSTRAINT … NOT VALID only records the constraint'),
          }
        : {
            lock: 'SHARE',
            blocks: blocksWrites,
            rewrite: false,
            scan: true,
            why: l10n.t(
              'ALTER DOMAIN … ADD CONSTRAINT checks every column of every table using the domain, holding SHARE on those tables (writes wait)',
            ),
          };
    case 'set-logged':
      return {
        lock: AE,
        blocks: blocksAll,
        rewrite: true,
        scan: true,
        why: l10n.t('SET LOGGED / UNLOGGED rewrites the table (and writes it all to the WAL) under ACCESS EXCLUSIVE'),
      };
    case 'set-access-method':
      if (!versionAtLeast(target.version, '15'))
        return {
          lock: AE,
          blocks: blocksAll,
          rewrite: false,
          scan: false,
          why: l10n.t('ALTER TABLE … SET ACCESS METHOD needs PostgreSQL 15'),
          fails: l10n.t('PostgreSQL {0} has no ALTER TABLE … SET ACCESS METHOD (PostgreSQL 15 and later)', target.version),
        };
      return {
        lock: AE,
        blocks: blocksAll,
        rewrite: true,
        scan: true,
        why: l10n.t('SET ACCESS METHOD rewrites the table into the new access method under ACCESS EXCLUSIVE'),
      };
    case 'drop-object':
      return op.cascade
        ? {
            lock: AE,
            blocks: blocksAll,
            rewrite: false,
            scan: false,
            why: l10n.t(
              'DROP … CASCADE also drops every object that depends on it (tables, columns, indexes, views, defaults), taking ACCESS EXCLUSIVE on each table it touches; their data is gone',
            ),
          }
        : {
            lock: AE,
            blocks: blocksNone,
            rewrite: false,
            scan: false,
            why: l10n.t(
              'DROP takes ACCESS EXCLUSIVE on the object only (queries using it take no lock on it, so they continue, and fail once it is gone); it fails if anything else depends on it',
            ),
          };
    case 'set-tablespace':
      return {
        lock: AE,
        blocks: blocksAll,
        rewrite: true,
        scan: true,
        why: l10n.t("SET TABLESPACE copies the table's files to the new tablespace under ACCESS EXCLUSIVE"),
      };
    case 'detach-partition':
      if (op.concurrent && !versionAtLeast(target.version, '14'))
        return {
          lock: AE,
          blocks: blocksAll,
          rewrite: false,
          scan: false,
          why: l10n.t('DETACH PARTITION CONCURRENTLY needs PostgreSQL 14'),
          fails: l10n.t('PostgreSQL {0} has no DETACH PARTITION CONCURRENTLY (PostgreSQL 14 and later)', target.version),
        };
      return op.concurrent
        ? {
            lock: 'SHARE UPDATE EXCLUSIVE',
            blocks: blocksNone,
            rewrite: false,
            scan: false,
            why: l10n.t('DETACH PARTITION CONCURRENTLY takes SHARE UPDATE EXCLUSIVE on the parent (it cannot run in a transaction block)'),
          }
        : {
            lock: AE,
            blocks: blocksAll,
            rewrite: false,
            scan: false,
            why: l10n.t('DETACH PARTITION takes ACCESS EXCLUSIVE on the parent table (every query on any partition waits)'),
          };
    case 'catalog-change': {
      const fact = PG_CATALOG_SUBCOMMANDS[op.subcommand]!;
      const lock = op.subcommand === 'AttachPartition' && !versionAtLeast(target.version, '12') ? AE : fact.lock;
      return {
        lock,
        blocks: { reads: lock === AE, writes: PG_LOCK_RANK[lock] >= PG_LOCK_RANK.SHARE },
        rewrite: false,
        scan: fact.scan === true,
        why: fact.statement
          ? l10n.t('{0} takes {1}: {2}', fact.sql, lock, fact.what())
          : l10n.t('ALTER TABLE … {0} takes {1}: {2}', fact.sql, lock, fact.what()),
      };
    }
    case 'mysql-object':
      return mysqlStatementImpact(op, target);
    case 'alter-routine':
      return {
        lock: 'NONE',
        blocks: blocksNone,
        rewrite: false,
        scan: false,
        why: l10n.t(
          'ALTER FUNCTION / PROCEDURE … changes only the catalog and takes no lock: calls already running keep the old settings, later calls use the new ones',
        ),
      };
    case 'alter-owner':
      if (op.object === 'schema' || op.object === 'type')
        return {
          lock: 'NONE',
          blocks: blocksNone,
          rewrite: false,
          scan: false,
          why:
            op.object === 'schema'
              ? l10n.t(
                  'ALTER SCHEMA … OWNER TO changes only the catalog and takes no lock; whatever the old owner could do as owner (create in it, drop its objects) it can no longer do',
                )
              : l10n.t(
                  'ALTER TYPE … OWNER TO changes only the catalog and takes no lock that queries wait for (a composite type: ACCESS EXCLUSIVE on its own row type, which queries do not take)',
                ),
        };
      return {
        lock: AE,
        blocks: blocksNone,
        rewrite: false,
        scan: false,
        why: l10n.t(
          'ALTER … OWNER TO takes ACCESS EXCLUSIVE on the object only: queries using it take no lock on it and continue; whatever the old owner could do as owner it can no longer do',
        ),
      };
    case 'enum-add-value':
      return {
        lock: 'EXCLUSIVE',
        blocks: blocksNone,
        rewrite: false,
        scan: false,
        why: versionAtLeast(target.version, '12')
          ? l10n.t(
              'ALTER TYPE … ADD VALUE takes EXCLUSIVE on the type only (queries using it continue); the new value cannot be used until the transaction that adds it commits',
            )
          : l10n.t(
              'ALTER TYPE … ADD VALUE takes EXCLUSIVE on the type only (queries using it continue); before PostgreSQL 12 it cannot run inside a transaction block',
            ),
      };
    case 'exclusion-constraint':
      return {
        lock: AE,
        blocks: blocksAll,
        rewrite: false,
        scan: true,
        why: l10n.t(
          'ADD CONSTRAINT … EXCLUDE builds its index and checks every row under ACCESS EXCLUSIVE; it has no NOT VALID or USING INDEX form',
        ),
      };
    case 'alter-type-pg':
      return op.coercible
        ? {
            lock: AE,
            blocks: blocksAll,
            rewrite: false,
            scan: false,
            why: l10n.t(
              'the new type is binary-coercible from the old one (e.g. a longer varchar, varchar → text): catalog-only under ACCESS EXCLUSIVE',
            ),
          }
        : {
            lock: AE,
            blocks: blocksAll,
            rewrite: true,
            scan: true,
            why:
              op.coercible === undefined
                ? l10n.t(
                    'ALTER COLUMN … TYPE rewrites the table and rebuilds its indexes under ACCESS EXCLUSIVE (unless the types are binary-coercible, which needs the current type to know)',
                  )
                : l10n.t('ALTER COLUMN … TYPE rewrites the table and rebuilds its indexes under ACCESS EXCLUSIVE'),
          };
  }
}

const continues = () => l10n.t('reads and writes continue');
const writesWait = () => l10n.t('writes wait for a moment');
const catalogOnly = () => l10n.t('a catalog change; every query waits for a moment');
const dropped = () => l10n.t('every query using it waits, and fails once it is gone');
const catalogOnlyExisting = () => l10n.t('a catalog change (existing rows keep theirs); every query waits for a moment');

/**
 * PostgreSQL ALTER TABLE subcommands (and, marked `statement`, whole statements on a table) that change only the catalog,
 * with the lock the PostgreSQL 15 manual gives each (checked by test/db/lintVsProbe.test.ts). ATTACH PARTITION takes
 * ACCESS EXCLUSIVE before 12.
 */
export const PG_CATALOG_SUBCOMMANDS: Readonly<
  Record<
    string,
    { readonly sql: string; readonly lock: LockLevel; readonly what: () => string; readonly scan?: boolean; readonly statement?: boolean }
  >
> = {
  SetStatistics: { sql: 'SET STATISTICS', lock: 'SHARE UPDATE EXCLUSIVE', what: continues },
  SetOptions: { sql: 'ALTER COLUMN … SET (…)', lock: 'SHARE UPDATE EXCLUSIVE', what: continues },
  ResetOptions: { sql: 'ALTER COLUMN … RESET (…)', lock: 'SHARE UPDATE EXCLUSIVE', what: continues },
  ClusterOn: { sql: 'CLUSTER ON', lock: 'SHARE UPDATE EXCLUSIVE', what: continues },
  DropCluster: { sql: 'SET WITHOUT CLUSTER', lock: 'SHARE UPDATE EXCLUSIVE', what: continues },
  EnableTrig: { sql: 'ENABLE TRIGGER', lock: 'SHARE ROW EXCLUSIVE', what: writesWait },
  DisableTrig: { sql: 'DISABLE TRIGGER', lock: 'SHARE ROW EXCLUSIVE', what: writesWait },
  EnableTrigAll: { sql: 'ENABLE TRIGGER ALL', lock: 'SHARE ROW EXCLUSIVE', what: writesWait },
  DisableTrigAll: { sql: 'DISABLE TRIGGER ALL', lock: 'SHARE ROW EXCLUSIVE', what: writesWait },
  EnableTrigUser: { sql: 'ENABLE TRIGGER USER', lock: 'SHARE ROW EXCLUSIVE', what: writesWait },
  DisableTrigUser: { sql: 'DISABLE TRIGGER USER', lock: 'SHARE ROW EXCLUSIVE', what: writesWait },
  EnableRowSecurity: { sql: 'ENABLE ROW LEVEL SECURITY', lock: AE, what: catalogOnly },
  DisableRowSecurity: { sql: 'DISABLE ROW LEVEL SECURITY', lock: AE, what: catalogOnly },
  ForceRowSecurity: { sql: 'FORCE ROW LEVEL SECURITY', lock: AE, what: catalogOnly },
  NoForceRowSecurity: { sql: 'NO FORCE ROW LEVEL SECURITY', lock: AE, what: catalogOnly },
  ReplicaIdentity: { sql: 'REPLICA IDENTITY', lock: AE, what: catalogOnly },
  ChangeOwner: { sql: 'OWNER TO', lock: AE, what: catalogOnly },
  SetStorage: { sql: 'SET STORAGE', lock: AE, what: catalogOnlyExisting },
  SetCompression: {
    sql: 'SET COMPRESSION',
    lock: AE,
    what: catalogOnlyExisting,
  },
  AddInherit: { sql: 'INHERIT', lock: AE, what: catalogOnly },
  DropInherit: { sql: 'NO INHERIT', lock: AE, what: catalogOnly },
  AddIdentity: { sql: 'ADD GENERATED … AS IDENTITY', lock: AE, what: catalogOnly },
  SetIdentity: { sql: 'SET GENERATED / sequence options', lock: AE, what: catalogOnly },
  DropExpression: { sql: 'DROP EXPRESSION', lock: AE, what: catalogOnlyExisting },
  AlterConstraint: { sql: 'ALTER CONSTRAINT', lock: AE, what: catalogOnly },
  CreateTrigger: { sql: 'CREATE TRIGGER', statement: true, lock: 'SHARE ROW EXCLUSIVE', what: writesWait },
  DropTrigger: { sql: 'DROP TRIGGER', statement: true, lock: AE, what: catalogOnly },
  DropPolicy: { sql: 'DROP POLICY', statement: true, lock: AE, what: catalogOnly },
  CreateRule: { sql: 'CREATE RULE', statement: true, lock: AE, what: catalogOnly },
  CreatePolicy: { sql: 'CREATE POLICY', statement: true, lock: AE, what: catalogOnly },
  AlterPolicy: { sql: 'ALTER POLICY', statement: true, lock: AE, what: catalogOnly },
  CreateStats: { sql: 'CREATE STATISTICS', statement: true, lock: 'SHARE UPDATE EXCLUSIVE', what: continues },
  AlterSequence: {
    sql: 'ALTER SEQUENCE',
    statement: true,
    lock: 'SHARE ROW EXCLUSIVE',
    what: () => l10n.t('nextval() on the sequence (inserts that use it) waits for a moment'),
  },
  DropView: { sql: 'DROP VIEW', statement: true, lock: AE, what: dropped },
  DropMatview: { sql: 'DROP MATERIALIZED VIEW', statement: true, lock: AE, what: dropped },
  DropSequence: { sql: 'DROP SEQUENCE', statement: true, lock: AE, what: dropped },
  DropIdentity: { sql: 'DROP IDENTITY', lock: AE, what: catalogOnly },
  ChangeOwnerView: { sql: 'ALTER VIEW … OWNER TO', statement: true, lock: AE, what: catalogOnly },
  ChangeOwnerMatview: { sql: 'ALTER MATERIALIZED VIEW … OWNER TO', statement: true, lock: AE, what: catalogOnly },
  ChangeOwnerSequence: {
    sql: 'ALTER SEQUENCE … OWNER TO',
    statement: true,
    lock: AE,
    what: () => l10n.t('a catalog change; nextval() on the sequence (inserts that use it) waits for a moment'),
  },
  AttachPartition: {
    sql: 'ATTACH PARTITION',
    lock: 'SHARE UPDATE EXCLUSIVE',
    what: () =>
      l10n.t('on the parent (ACCESS EXCLUSIVE on the new partition, which is scanned unless a valid CHECK constraint implies the bound)'),
    scan: true,
  },
};

/** The MySQL/MariaDB statements with a lock of their own: each takes an exclusive metadata lock on its tables (MySQL 8.0 manual, "Metadata Locking"). */
function mysqlStatementImpact(op: StatementOperation, target: Target): Impact {
  switch (op.op) {
    case 'drop-table':
      return {
        lock: 'EXCLUSIVE',
        blocks: blocksAll,
        rewrite: false,
        scan: false,
        why: l10n.t(
          'DROP TABLE takes an exclusive metadata lock (it waits for every open transaction on the table, and every query queues behind it); the data is gone',
        ),
      };
    case 'truncate':
      return {
        lock: 'EXCLUSIVE',
        blocks: blocksAll,
        rewrite: true,
        scan: false,
        why: l10n.t('TRUNCATE TABLE drops and re-creates the table under an exclusive metadata lock'),
      };
    case 'drop-object':
      return op.object === 'procedure'
        ? {
            lock: 'EXCLUSIVE',
            blocks: blocksNone,
            rewrite: false,
            scan: false,
            why: l10n.t(
              'DROP PROCEDURE takes an exclusive metadata lock on the procedure only for a moment: a CALL holds a lock on it only while loading it, not while it runs nor until its transaction ends; calls made afterwards fail',
            ),
          }
        : {
            lock: 'EXCLUSIVE',
            blocks: blocksAll,
            rewrite: false,
            scan: false,
            why: l10n.t(
              'DROP FUNCTION takes an exclusive metadata lock on the function: it waits for every open transaction that called it, later statements calling it queue behind it, and fail once it is gone',
            ),
          };
    case 'mysql-object':
      // MariaDB 10.11, two sessions (test/db/lintVsProbe.test.ts): ALTER DATABASE waited only for LOCK TABLES … WRITE
      // (and DDL) in the database, and only DDL there queued behind it; ALTER / DROP SEQUENCE waited for a transaction
      // that had called NEXTVAL or read the sequence, and NEXTVAL queued behind it.
      if (op.object === 'database')
        return {
          lock: 'EXCLUSIVE',
          blocks: blocksNone,
          rewrite: false,
          scan: false,
          why: l10n.t(
            'ALTER DATABASE takes an exclusive metadata lock on the database only: it waits for DDL and LOCK TABLES … WRITE running in the database, and DDL there queues behind it; queries and transactions neither wait for it nor hold it up',
          ),
        };
      if (op.object === 'sequence')
        return {
          lock: 'EXCLUSIVE',
          blocks: blocksAll,
          rewrite: false,
          scan: false,
          ...(target.dialect === 'mysql' ? { fails: l10n.t('MySQL has no sequences (MariaDB 10.3 and later has)') } : {}),
          why: op.drop
            ? l10n.t(
                'DROP SEQUENCE takes an exclusive metadata lock on the sequence: it waits for every open transaction that used the sequence (NEXTVAL or a read), NEXTVAL calls queue behind it, and fail once it is gone',
              )
            : l10n.t(
                'ALTER SEQUENCE takes an exclusive metadata lock on the sequence: it waits for every open transaction that used the sequence (NEXTVAL or a read), and NEXTVAL calls queue behind it',
              ),
        };
      if (op.object === 'event')
        return {
          lock: 'EXCLUSIVE',
          blocks: blocksNone,
          rewrite: false,
          scan: false,
          why: op.drop
            ? l10n.t('DROP EVENT takes an exclusive metadata lock on the event only; no query uses an event')
            : l10n.t('ALTER EVENT takes an exclusive metadata lock on the event only; no query uses an event'),
        };
      if (op.object === 'view')
        return {
          lock: 'EXCLUSIVE',
          blocks: blocksAll,
          rewrite: false,
          scan: false,
          why: op.drop
            ? l10n.t(
                'DROP VIEW takes an exclusive metadata lock on the view: it waits for every open transaction that read the view, queries on the view queue behind it, and fail once it is gone',
              )
            : op.replace
              ? l10n.t(
                  'CREATE OR REPLACE VIEW of an existing view takes an exclusive metadata lock on the view: it waits for every open transaction that read the view, and queries on the view queue behind it (a new view waits for nothing)',
                )
              : l10n.t(
                  'ALTER VIEW takes an exclusive metadata lock on the view: it waits for every open transaction that read the view, and queries on the view queue behind it',
                ),
        };
      return op.object === 'procedure'
        ? {
            lock: 'EXCLUSIVE',
            blocks: blocksNone,
            rewrite: false,
            scan: false,
            why: l10n.t(
              'ALTER PROCEDURE takes an exclusive metadata lock on the procedure only for a moment: a CALL holds a lock on it only while loading it, not while it runs nor until its transaction ends',
            ),
          }
        : {
            lock: 'EXCLUSIVE',
            blocks: blocksAll,
            rewrite: false,
            scan: false,
            why: l10n.t(
              'ALTER FUNCTION takes an exclusive metadata lock on the function: it waits for every open transaction that called it, and later statements calling it queue behind it',
            ),
          };
    case 'lock-table':
      return op.mode === 'SHARED'
        ? {
            lock: 'SHARED',
            blocks: blocksWrites,
            rewrite: false,
            scan: false,
            why: l10n.t("LOCK TABLES … READ blocks every other session's writes until UNLOCK TABLES"),
          }
        : {
            lock: 'EXCLUSIVE',
            blocks: blocksAll,
            rewrite: false,
            scan: false,
            why: l10n.t("LOCK TABLES … WRITE blocks every other session's reads and writes until UNLOCK TABLES"),
          };
    default:
      return {
        lock: 'EXCLUSIVE',
        blocks: blocksAll,
        rewrite: false,
        scan: false,
        why: l10n.t(
          'RENAME TABLE is a catalog change under an exclusive metadata lock, for a moment; queries still using the old name fail from then on',
        ),
      };
  }
}

export function impactOf(op: DdlOperation, target: Target, facts?: TableFacts): Impact {
  const caps = capabilities(target);
  return caps.family === 'postgres' ? postgresImpact(op, target, caps, facts) : mysqlImpact(op, target, caps, facts);
}

function postgresImpact(op: DdlOperation, target: Target, caps: Capabilities, facts?: TableFacts): Impact {
  const rows = facts?.rows;
  switch (op.op) {
    case 'add-column': {
      const s = op.spec;
      if (s.generated?.stored)
        return {
          lock: AE,
          blocks: blocksAll,
          rewrite: true,
          scan: true,
          why: l10n.t(
            'a stored generated column is computed for every row: the table and its indexes are rewritten under ACCESS EXCLUSIVE',
          ),
        };
      if (s.generated && !s.generated.stored && !caps.virtualGeneratedColumns) {
        return {
          lock: AE,
          blocks: blocksAll,
          rewrite: false,
          scan: false,
          why: l10n.t('virtual generated columns need PostgreSQL 18'),
          fails: l10n.t('PostgreSQL {0} has no VIRTUAL generated columns (PostgreSQL 18 and later)', target.version),
        };
      }
      if (s.autoIncrement || isSerialType(s.type.name))
        return {
          lock: AE,
          blocks: blocksAll,
          rewrite: true,
          scan: true,
          why: l10n.t(
            'an identity or serial column gives every existing row a value: the table and its indexes are rewritten under ACCESS EXCLUSIVE',
          ),
        };
      let rewrite = false;
      let why = l10n.t('catalog-only change under ACCESS EXCLUSIVE: blocks reads and writes for the moment it holds the lock');
      if (s.default.kind !== 'none' && !(s.default.kind === 'literal' && s.default.value.toUpperCase() === 'NULL')) {
        const volatility = s.default.kind === 'literal' ? 'immutable' : defaultVolatility(s.default.sql, 'postgres');
        if (volatility === 'volatile' || volatility === 'unknown') {
          rewrite = true;
          why =
            volatility === 'volatile'
              ? l10n.t(
                  'a volatile DEFAULT is evaluated for every existing row: the table and its indexes are rewritten under ACCESS EXCLUSIVE',
                )
              : l10n.t(
                  'the DEFAULT calls a function whose volatility is not known offline; if it is volatile the table is rewritten under ACCESS EXCLUSIVE (assumed here)',
                );
        } else if (!caps.fastDefault) {
          rewrite = true;
          why = l10n.t(
            'PostgreSQL {0} (before 11) rewrites the table to store a DEFAULT in every row, under ACCESS EXCLUSIVE',
            target.version,
          );
        } else {
          why = l10n.t(
            'PostgreSQL 11+ stores a non-volatile DEFAULT in the catalog: no rewrite, ACCESS EXCLUSIVE only for the moment of the change',
          );
        }
      }
      let fails: string | undefined;
      if (!s.nullable && s.default.kind === 'none' && rows !== undefined && rows !== 0)
        fails = l10n.t('NOT NULL without a DEFAULT fails on a table with rows (existing rows would be NULL)');
      const constraintScan = Boolean(s.unique || s.check || s.references);
      if (constraintScan)
        why += '; ' + l10n.t('the inline constraint is checked (or its index built) against every row while the lock is held');
      return {
        lock: AE,
        blocks: blocksAll,
        rewrite,
        scan: rewrite || constraintScan,
        why,
        ...(s.references ? { referencedLock: 'SHARE ROW EXCLUSIVE' as LockLevel } : {}),
        ...(fails ? { fails } : {}),
      };
    }
    case 'drop-column':
      return {
        lock: AE,
        blocks: blocksAll,
        rewrite: false,
        scan: false,
        why: l10n.t('DROP COLUMN only marks the column dropped in the catalog, under ACCESS EXCLUSIVE'),
      };
    case 'set-not-null': {
      const skip = caps.setNotNullUsesCheck && op.provenByCheck === true;
      return {
        lock: AE,
        blocks: blocksAll,
        rewrite: false,
        scan: !skip,
        why: skip
          ? l10n.t('PostgreSQL 12+ skips the scan because a validated CHECK (c IS NOT NULL) proves there are no NULLs')
          : caps.setNotNullUsesCheck
            ? l10n.t('SET NOT NULL scans the whole table under ACCESS EXCLUSIVE (no validated CHECK (c IS NOT NULL) to prove it)')
            : l10n.t(
                'SET NOT NULL scans the whole table under ACCESS EXCLUSIVE (PostgreSQL {0} cannot use a CHECK to skip it; 12+ can)',
                target.version,
              ),
      };
    }
    case 'drop-not-null':
      return { lock: AE, blocks: blocksAll, rewrite: false, scan: false, why: l10n.t('catalog-only change under ACCESS EXCLUSIVE') };
    case 'change-type':
      return {
        lock: AE,
        blocks: blocksAll,
        rewrite: true,
        scan: true,
        why: l10n.t(
          'ALTER COLUMN … TYPE rewrites the table and its indexes under ACCESS EXCLUSIVE (unless the types are binary-coercible)',
        ),
      };
    case 'set-default':
    case 'drop-default':
      return {
        lock: AE,
        blocks: blocksAll,
        rewrite: false,
        scan: false,
        why: l10n.t('a column default applies to future rows only: catalog-only change under ACCESS EXCLUSIVE'),
      };
    case 'add-constraint': {
      if (op.kind === 'foreign') {
        return {
          lock: 'SHARE ROW EXCLUSIVE',
          blocks: blocksWrites,
          rewrite: false,
          scan: !op.notValid,
          referencedLock: 'SHARE ROW EXCLUSIVE',
          why: op.notValid
            ? l10n.t(
                'FOREIGN KEY … NOT VALID: SHARE ROW EXCLUSIVE on this and the referenced table, briefly; existing rows are not checked',
              )
            : l10n.t(
                'FOREIGN KEY: SHARE ROW EXCLUSIVE on this and the referenced table while every row is checked (writes blocked on both)',
              ),
          ...(op.notValid && facts?.partitioned ? { fails: l10n.t('foreign keys on partitioned tables cannot be NOT VALID') } : {}),
        };
      }
      if (op.kind === 'unique' || op.kind === 'primary') {
        return op.usingIndex
          ? {
              lock: AE,
              blocks: blocksAll,
              rewrite: false,
              scan: op.kind === 'primary',
              why:
                op.kind === 'primary'
                  ? l10n.t('PRIMARY KEY USING INDEX: ACCESS EXCLUSIVE; on nullable columns it also runs a SET NOT NULL scan')
                  : l10n.t('UNIQUE USING INDEX: attaches an existing valid index, ACCESS EXCLUSIVE only briefly'),
            }
          : {
              lock: AE,
              blocks: blocksAll,
              rewrite: false,
              scan: true,
              why: l10n.t(
                '{0} builds its index while holding ACCESS EXCLUSIVE (reads and writes blocked for the whole build)',
                op.kind === 'unique' ? 'UNIQUE' : 'PRIMARY KEY',
              ),
            };
      }
      if (op.kind === 'not-null') {
        if (!caps.notNullNotValid && op.notValid) {
          return {
            lock: AE,
            blocks: blocksAll,
            rewrite: false,
            scan: false,
            why: l10n.t('NOT NULL … NOT VALID needs PostgreSQL 18'),
            fails: l10n.t('PostgreSQL {0} has no NOT NULL … NOT VALID (PostgreSQL 18 and later)', target.version),
          };
        }
        return {
          lock: AE,
          blocks: blocksAll,
          rewrite: false,
          scan: !op.notValid,
          why: op.notValid
            ? l10n.t(
                'NOT NULL … NOT VALID (PostgreSQL 18+): catalog-only, ACCESS EXCLUSIVE briefly; existing rows are checked later by VALIDATE',
              )
            : l10n.t('a NOT NULL constraint scans the whole table under ACCESS EXCLUSIVE'),
        };
      }
      return {
        lock: AE,
        blocks: blocksAll,
        rewrite: false,
        scan: !op.notValid,
        why: op.notValid
          ? l10n.t('CHECK … NOT VALID: catalog-only, ACCESS EXCLUSIVE briefly; existing rows are checked later by VALIDATE')
          : l10n.t('CHECK scans the whole table while holding ACCESS EXCLUSIVE'),
      };
    }
    case 'validate-constraint':
      return {
        lock: 'SHARE UPDATE EXCLUSIVE',
        blocks: blocksNone,
        rewrite: false,
        scan: true,
        why: l10n.t('VALIDATE CONSTRAINT scans under SHARE UPDATE EXCLUSIVE: reads and writes continue (other DDL and VACUUM wait)'),
        ...(op.kind === 'foreign' ? { referencedLock: 'ROW SHARE' as LockLevel } : {}),
      };
    case 'drop-constraint':
      return { lock: AE, blocks: blocksAll, rewrite: false, scan: false, why: l10n.t('catalog-only change under ACCESS EXCLUSIVE') };
    case 'create-index':
      return op.concurrent
        ? {
            lock: 'SHARE UPDATE EXCLUSIVE',
            blocks: blocksNone,
            rewrite: false,
            scan: true,
            why: l10n.t(
              'CREATE INDEX CONCURRENTLY: two scans under SHARE UPDATE EXCLUSIVE, reads and writes continue; cannot run inside a transaction block; a failure leaves an INVALID index to drop',
            ),
          }
        : {
            lock: 'SHARE',
            blocks: blocksWrites,
            rewrite: false,
            scan: true,
            why: l10n.t('CREATE INDEX takes SHARE: writes are blocked for the whole build'),
          };
    case 'drop-index':
      return op.concurrent
        ? {
            lock: 'SHARE UPDATE EXCLUSIVE',
            blocks: blocksNone,
            rewrite: false,
            scan: false,
            why: l10n.t('DROP INDEX CONCURRENTLY waits for transactions using the index; reads and writes continue'),
          }
        : {
            lock: AE,
            blocks: blocksAll,
            rewrite: false,
            scan: false,
            why: l10n.t('DROP INDEX takes ACCESS EXCLUSIVE on the table, briefly'),
          };
    case 'drop-primary-key':
    case 'rename-index':
      return { lock: AE, blocks: blocksAll, rewrite: false, scan: false, why: l10n.t('catalog-only change under ACCESS EXCLUSIVE') };
    case 'extend-varchar':
    case 'extend-enum':
      return { lock: AE, blocks: blocksAll, rewrite: false, scan: false, why: l10n.t('catalog-only change under ACCESS EXCLUSIVE') };
    case 'convert-charset':
    case 'rebuild':
      return { lock: AE, blocks: blocksAll, rewrite: true, scan: true, why: l10n.t('rewrites the table under ACCESS EXCLUSIVE') };
    case 'comment':
      return {
        lock: 'SHARE UPDATE EXCLUSIVE',
        blocks: blocksNone,
        rewrite: false,
        scan: false,
        why: l10n.t('COMMENT ON takes SHARE UPDATE EXCLUSIVE: catalog only, reads and writes continue'),
      };
    case 'backfill':
      return {
        lock: 'ROW EXCLUSIVE',
        blocks: blocksNone,
        rewrite: false,
        scan: true,
        why: l10n.t('batched UPDATEs take ROW EXCLUSIVE and row locks on each batch only; each batch commits on its own'),
      };
  }
}

function mysqlImpact(op: DdlOperation, target: Target, caps: Capabilities, facts?: TableFacts): Impact {
  const maria = target.dialect === 'mariadb';
  const requested = op.mysql?.algorithm && op.mysql.algorithm !== 'DEFAULT' ? op.mysql.algorithm : undefined;
  const requestedLock = op.mysql?.lock && op.mysql.lock !== 'DEFAULT' ? op.mysql.lock : undefined;
  const instant = (why: string): Impact => ({ lock: 'NONE', algorithm: 'INSTANT', blocks: blocksNone, rewrite: false, scan: false, why });
  const inplace = (rebuild: boolean, why: string, lock: 'NONE' | 'SHARED' | 'EXCLUSIVE' = 'NONE'): Impact => ({
    lock: lock === 'NONE' ? 'NONE' : lock === 'SHARED' ? 'SHARED' : 'EXCLUSIVE',
    algorithm: 'INPLACE',
    blocks: lock === 'NONE' ? blocksNone : lock === 'SHARED' ? blocksWrites : blocksAll,
    rewrite: rebuild,
    scan: rebuild,
    why,
  });
  const copy = (why: string): Impact => ({
    lock: requestedLock === 'EXCLUSIVE' ? 'EXCLUSIVE' : 'SHARED',
    algorithm: 'COPY',
    blocks: requestedLock === 'EXCLUSIVE' ? blocksAll : blocksWrites,
    rewrite: true,
    scan: true,
    why,
  });
  // A change the data dictionary alone records: INSTANT where the server has it (MySQL 8.0.12, MariaDB 10.3.2), else the same
  // metadata-only change as INPLACE without a rebuild.
  const metadataOnly = (instantWhy: string, inplaceWhy: string): Impact =>
    caps.instantAddColumn ? instant(instantWhy) : inplace(false, inplaceWhy);

  let best: Impact;
  switch (op.op) {
    case 'add-column': {
      const instantWhy = instantAddProblem(op.spec, target, facts);
      const online = onlineAddProblem(op.spec, target, facts);
      if (instantWhy === null) {
        const d = op.spec.default;
        const once =
          maria && d.kind === 'expression' && defaultVolatility(d.sql, target.dialect) === 'volatile'
            ? `; ${l10n.t('MariaDB evaluates DEFAULT {0} once: every existing row gets the same value', d.sql)}`
            : '';
        best = instant(
          `${l10n.t('ALGORITHM=INSTANT changes only the data dictionary: no rebuild, DML continues (a brief metadata lock at the start and end)')}${once}`,
        );
      } else if (online === null) {
        best = inplace(true, l10n.t('not INSTANT ({0}): ALGORITHM=INPLACE, LOCK=NONE rebuilds the table while DML continues', instantWhy));
      } else if (online.algorithm === 'COPY') {
        best = copy(`${online.reason}; ALGORITHM=COPY, LOCK=SHARED`);
      } else {
        best = inplace(true, `${online.reason}; ALGORITHM=INPLACE, LOCK=${online.lock}`, online.lock);
      }
      if (!op.spec.nullable && op.spec.default.kind === 'none' && facts !== undefined && facts.rows !== 0) {
        best = {
          ...best,
          why: `${best.why}; ${l10n.t("NOT NULL without DEFAULT gives existing rows the type's zero value, and later INSERTs that omit the column fail in strict mode")}`,
        };
      }
      break;
    }
    case 'drop-column': {
      // Probed on MariaDB 10.11: dropping the only column of an index drops the index too, NOCOPY (no rebuild; "Reason: DROP INDEX");
      // a column of a multi-column index rebuilds INPLACE; a primary-key column only by COPY.
      const column = op.column.toLowerCase();
      const indexes = (facts?.indexes ?? []).filter((i) => i.columns.some((c) => c.toLowerCase() === column));
      if (indexes.some((i) => i.primary) || (facts?.primaryKey ?? []).some((c) => c.toLowerCase() === column)) {
        best = copy(
          l10n.t('dropping a primary-key column copies the table (the server refuses INSTANT and INPLACE without a new primary key)'),
        );
      } else if (indexes.some((i) => i.columns.length > 1)) {
        best = inplace(true, l10n.t('dropping a column of a multi-column index rebuilds the table (INPLACE, LOCK=NONE)'));
      } else if (indexes.length > 0) {
        best = inplace(
          !maria,
          maria
            ? l10n.t('dropping an indexed column also drops its index, so it is not INSTANT: in place without a rebuild (NOCOPY)')
            : l10n.t('dropping an indexed column also drops its index, so it is not INSTANT: INPLACE, LOCK=NONE rebuilds the table'),
        );
      } else {
        best = caps.instantDropColumn
          ? instant(l10n.t('DROP COLUMN … ALGORITHM=INSTANT'))
          : inplace(true, l10n.t('DROP COLUMN rebuilds the table (INPLACE, LOCK=NONE)'));
      }
      break;
    }
    case 'set-not-null':
      // Seen on MariaDB 10.11: with a STORED generated column in the table, NULL → NOT NULL is refused INPLACE ("Try ALGORITHM=COPY").
      best =
        maria && (facts?.columns ?? []).some((c) => c.generated === 'stored')
          ? copy(l10n.t('MariaDB changes NULL to NOT NULL only with a table copy when the table has a STORED generated column'))
          : inplace(
              true,
              l10n.t('MODIFY … NOT NULL rebuilds the table (INPLACE, LOCK=NONE) and fails if a NULL remains; needs a strict sql_mode'),
            );
      break;
    case 'drop-not-null':
      best = inplace(true, l10n.t('MODIFY … NULL rebuilds the table (INPLACE, LOCK=NONE)'));
      break;
    case 'change-type':
      // Probed on MariaDB 10.11: MODIFY int → bigint (with or without NOT NULL) refuses INSTANT and INPLACE ("Cannot change column type").
      best = copy(l10n.t('{0} copies the table (ALGORITHM=COPY blocks writes)', op.reason ?? l10n.t("changing a column's data type")));
      break;
    case 'extend-varchar':
      // Probed on MariaDB 10.11: varchar(60) → varchar(63) utf8mb4 (252 bytes) INSTANT; latin1 250 → 255 INSTANT.
      best =
        maria && caps.instantAddColumn
          ? instant(l10n.t('a longer VARCHAR that keeps its 1- or 2-byte length prefix changes only the data dictionary'))
          : inplace(
              false,
              l10n.t('a longer VARCHAR that keeps its 1- or 2-byte length prefix changes only metadata (INPLACE, LOCK=NONE, no rebuild)'),
            );
      break;
    case 'extend-enum':
      // MySQL 8.0 manual (online DDL, column operations): appending ENUM/SET members without changing the storage size is
      // metadata-only (INSTANT from 8.0.12); probed on MariaDB 10.11: INSTANT.
      best = metadataOnly(
        l10n.t('new ENUM/SET members at the end of the list, with the same storage size, change only the data dictionary'),
        l10n.t('new ENUM/SET members at the end of the list change only metadata (INPLACE, LOCK=NONE, no rebuild)'),
      );
      break;
    case 'set-default':
    case 'drop-default':
      best = metadataOnly(
        l10n.t('ALTER COLUMN … SET/DROP DEFAULT changes only the data dictionary'),
        l10n.t('ALTER COLUMN … SET/DROP DEFAULT changes only metadata (INPLACE, no rebuild)'),
      );
      break;
    case 'add-constraint':
      if (op.kind === 'foreign') {
        best =
          op.foreignKeyChecks === false
            ? inplace(
                false,
                l10n.t('ADD FOREIGN KEY with foreign_key_checks = 0 runs INPLACE without checking existing rows, DML continues'),
              )
            : copy(l10n.t('ADD FOREIGN KEY with foreign_key_checks on copies the table (COPY blocks writes)'));
      } else if (op.kind === 'unique' || op.kind === 'primary') {
        best = inplace(
          op.kind === 'primary',
          op.kind === 'primary'
            ? l10n.t('ADD PRIMARY KEY rebuilds INPLACE, LOCK=NONE')
            : l10n.t('ADD UNIQUE builds an index INPLACE, LOCK=NONE'),
        );
      } else {
        best = copy(l10n.t('ADD CHECK verifies every row with a table copy that blocks writes'));
      }
      break;
    case 'validate-constraint':
      best = { ...copy(l10n.t('MySQL/MariaDB have no VALIDATE CONSTRAINT')), fails: l10n.t('MySQL/MariaDB have no VALIDATE CONSTRAINT') };
      break;
    case 'drop-constraint':
      best = inplace(false, l10n.t('DROP CONSTRAINT / FOREIGN KEY / INDEX changes metadata only (INPLACE)'));
      break;
    case 'create-index':
      // Probed on MariaDB 10.11: ADD FULLTEXT refuses LOCK=NONE and runs INPLACE, LOCK=SHARED; the first FULLTEXT index of a
      // table also rebuilds it (a new table id: the hidden FTS_DOC_ID column), a second one does not. MySQL's manual says the same.
      if (op.fulltext) {
        const first = !(facts?.indexes ?? []).some((i) => i.method.toUpperCase() === 'FULLTEXT');
        best = inplace(
          first,
          first
            ? l10n.t(
                "a FULLTEXT index cannot be built with LOCK=NONE: INPLACE, LOCK=SHARED blocks writes for the whole build and, as the table's first FULLTEXT index, rebuilds the table to add the hidden FTS_DOC_ID column",
              )
            : l10n.t('a FULLTEXT index cannot be built with LOCK=NONE: INPLACE, LOCK=SHARED blocks writes for the whole build'),
          'SHARED',
        );
        break;
      }
      // MySQL 8.0 manual (online DDL, index operations): a SPATIAL index is built in place without a rebuild, but concurrent DML is
      // not permitted; MariaDB's INPLACE page says the same (LOCK=SHARED).
      if (op.spatial) {
        best = inplace(
          false,
          l10n.t('a SPATIAL index cannot be built with LOCK=NONE: INPLACE, LOCK=SHARED blocks writes for the whole build'),
          'SHARED',
        );
        break;
      }
      best = inplace(
        false,
        l10n.t(
          '{0} builds online (INPLACE, LOCK=NONE, no rebuild); replicas apply it after the primary commits, as lag',
          op.unique ? 'ADD UNIQUE INDEX' : 'ADD INDEX',
        ),
      );
      break;
    case 'drop-index':
      best = inplace(false, l10n.t('DROP INDEX changes metadata only (INPLACE)'));
      break;
    case 'drop-primary-key':
      // Probed on MariaDB 10.11: DROP PRIMARY KEY alone refuses INSTANT/NOCOPY/INPLACE (COPY, LOCK=SHARED); with ADD PRIMARY KEY
      // in the same statement it runs INPLACE, LOCK=NONE with a rebuild. MySQL's online DDL table says the same.
      best = op.replaced
        ? inplace(true, l10n.t('DROP PRIMARY KEY with ADD PRIMARY KEY in the same statement rebuilds the table INPLACE, LOCK=NONE'))
        : copy(
            l10n.t(
              'DROP PRIMARY KEY without a new primary key copies the table (ALGORITHM=COPY blocks writes); InnoDB then clusters rows by a hidden row id',
            ),
          );
      break;
    case 'convert-charset':
      // Probed on MariaDB 10.11: refuses INSTANT, NOCOPY and INPLACE; COPY, LOCK=SHARED.
      // Probed: when every text column already has that character set, it is INSTANT (nothing to convert).
      {
        const text = (facts?.columns ?? []).filter((c) => c.charset);
        best =
          text.length > 0 && text.every((c) => c.charset!.toLowerCase() === op.charset.toLowerCase())
            ? instant(l10n.t('every text column is already {0}: CONVERT TO CHARACTER SET changes only the data dictionary', op.charset))
            : copy(
                facts?.columns
                  ? l10n.t('CONVERT TO CHARACTER SET converts every text column by copying the table (ALGORITHM=COPY blocks writes)')
                  : l10n.t(
                      'CONVERT TO CHARACTER SET converts every text column by copying the table (ALGORITHM=COPY blocks writes); INSTANT only when every text column already has that character set',
                    ),
              );
      }
      break;
    case 'rebuild':
      // Probed on MariaDB 10.11: FORCE runs INPLACE, LOCK=NONE with a new table id. Another engine than the table's is a copy.
      best =
        op.engine && facts?.engine && op.engine.toLowerCase() !== facts.engine.toLowerCase()
          ? copy(
              l10n.t(
                'changing the engine from {0} to {1} copies the table (ALGORITHM=COPY blocks writes)',
                String(facts.engine),
                op.engine,
              ),
            )
          : op.engine && !/^innodb$/i.test(op.engine)
            ? copy(l10n.t('ENGINE={0} copies the table (only InnoDB rebuilds in place; ALGORITHM=COPY blocks writes)', op.engine))
            : inplace(
                true,
                l10n.t(
                  '{0} rebuilds the table (INPLACE, LOCK=NONE: DML continues, the whole table is rewritten)',
                  op.engine ? `ENGINE=${op.engine}` : 'FORCE',
                ),
              );
      break;
    case 'rename-index':
      // Probed on MariaDB 10.11: RENAME INDEX is INSTANT (same table id). MySQL 8.0: metadata only.
      best = metadataOnly(
        l10n.t('RENAME INDEX changes only the data dictionary'),
        l10n.t('RENAME INDEX changes only metadata (INPLACE, no rebuild)'),
      );
      break;
    case 'comment':
      best = metadataOnly(
        l10n.t('changing only a column comment is a data-dictionary change'),
        l10n.t('changing only a column comment is a metadata change (INPLACE, no rebuild)'),
      );
      break;
    case 'backfill':
      return {
        lock: 'NONE',
        blocks: blocksNone,
        rewrite: false,
        scan: true,
        why: l10n.t('batched UPDATEs lock only the rows of each batch; each batch commits on its own'),
      };
  }
  // Probed on MariaDB 10.11 (Aria): only ALTER COLUMN SET/DROP DEFAULT stays instant; indexes, MODIFY and DROP copy the table.
  if (
    facts?.engine &&
    !/^innodb$/i.test(facts.engine) &&
    !['add-column', 'set-default', 'drop-default', 'comment'].includes(op.op) &&
    best.algorithm !== 'COPY'
  ) {
    best = copy(l10n.t('the {0} engine has no online ALTER: the table is copied while writes are blocked', String(facts.engine)));
  }
  return applyRequested(best, requested, requestedLock, maria);
}

/** MySQL/MariaDB algorithms, fastest first; NOCOPY ranks with INPLACE (a rebuild shows in `rewrite`). */
export const ALGO_RANK: Readonly<Record<MysqlAlgorithm, number>> = { INSTANT: 0, NOCOPY: 1, INPLACE: 1, COPY: 2 };

/** What the server does with explicit ALGORITHM / LOCK clauses: a weaker algorithm is used as asked; a stronger one is refused. */
/**
 * `maria`: MariaDB reads ALGORITHM as the least efficient algorithm allowed, so INPLACE/NOCOPY on an INSTANT-capable change
 * still runs instantly (probed on 10.11: the InnoDB table id does not change); MySQL rebuilds in place.
 */
function applyRequested(best: Impact, algorithm?: MysqlAlgorithm, lock?: 'NONE' | 'SHARED' | 'EXCLUSIVE', maria = false): Impact {
  let out = best;
  if (algorithm && best.algorithm && algorithm !== best.algorithm) {
    if (ALGO_RANK[algorithm] < ALGO_RANK[best.algorithm]) {
      return { ...best, fails: l10n.t('ALGORITHM={0} is not supported for this operation ({1})', algorithm, best.why) };
    }
    out =
      algorithm === 'COPY'
        ? {
            lock: 'SHARED',
            algorithm: 'COPY',
            blocks: blocksWrites,
            rewrite: true,
            scan: true,
            why: l10n.t('ALGORITHM=COPY copies the table and blocks writes'),
          }
        : {
            ...best,
            algorithm,
            rewrite: algorithm === 'INPLACE' && !maria ? best.rewrite || best.algorithm === 'INSTANT' : best.rewrite,
            why: l10n.t('ALGORITHM={0} as written; {1}', algorithm, best.why),
          };
  }
  if (lock) {
    const order = { NONE: 0, SHARED: 1, EXCLUSIVE: 2 } as const;
    const current = out.lock === 'EXCLUSIVE' ? 2 : out.lock === 'SHARED' ? 1 : 0;
    if (order[lock] < current) return { ...out, fails: l10n.t('LOCK={0} is not supported for this operation ({1})', lock, out.why) };
    if (order[lock] > current)
      out = {
        ...out,
        lock: lock === 'SHARED' ? 'SHARED' : 'EXCLUSIVE',
        blocks: lock === 'SHARED' ? blocksWrites : blocksAll,
        why: l10n.t('LOCK={0} as written; {1}', lock, out.why),
      };
  }
  return out;
}

/** PostgreSQL table lock levels, weakest first (the order of the lock-conflict table). */
export const PG_LOCK_RANK: Readonly<Record<LockLevel, number>> = {
  NONE: 0,
  'ACCESS SHARE': 1,
  'ROW SHARE': 2,
  'ROW EXCLUSIVE': 3,
  'SHARE UPDATE EXCLUSIVE': 4,
  SHARE: 5,
  'SHARE ROW EXCLUSIVE': 6,
  EXCLUSIVE: 7,
  'ACCESS EXCLUSIVE': 8,
  SHARED: 5,
};
/** MySQL/MariaDB LOCK= levels, weakest first. */
export const MY_LOCK_RANK: Readonly<Partial<Record<LockLevel, number>>> = { NONE: 0, SHARED: 1, EXCLUSIVE: 2 };

/**
 * The impact of ONE statement made of several operations (`ALTER TABLE t ADD COLUMN i int, ADD INDEX (i)`). One operation: `impactOf`.
 * PostgreSQL: "the lock acquired will be the strictest one required by any subcommand" (ALTER TABLE docs); the statement
 * rewrites or scans when any part does. MySQL/MariaDB: the whole statement runs with one algorithm, the slowest any part
 * needs, so a part that is INSTANT alone is done by that algorithm too: an ADD/DROP COLUMN done INPLACE rebuilds the table
 * (probed on MariaDB 10.11: `ADD COLUMN i int, ADD INDEX (i)` refuses INSTANT and NOCOPY and runs INPLACE, LOCK=NONE with a
 * new table id; with `ADD INDEX` and `SET DEFAULT` NOCOPY is accepted, no rebuild). The lock is the strongest any part
 * needs; the statement's ALGORITHM=/LOCK= clauses are then checked against the whole (a weaker one is refused).
 */
export function statementImpact(ops: readonly DdlOperation[], target: Target, facts?: TableFacts): Impact | undefined {
  if (ops.length <= 1) return ops[0] && impactOf(ops[0], target, facts);
  const caps = capabilities(target);
  if (caps.family === 'postgres') {
    const parts = ops.map((op) => impactOf(op, target, facts));
    const top = parts.reduce((a, b) => (PG_LOCK_RANK[b.lock] > PG_LOCK_RANK[a.lock] ? b : a));
    const referenced = parts
      .map((p) => p.referencedLock)
      .filter((l): l is LockLevel => l !== undefined)
      .reduce<LockLevel | undefined>((a, b) => (a === undefined || PG_LOCK_RANK[b] > PG_LOCK_RANK[a] ? b : a), undefined);
    const fails = parts.find((p) => p.fails)?.fails;
    return {
      lock: top.lock,
      blocks: { reads: parts.some((p) => p.blocks.reads), writes: parts.some((p) => p.blocks.writes) },
      rewrite: parts.some((p) => p.rewrite),
      scan: parts.some((p) => p.scan),
      why: l10n.t('one ALTER TABLE takes the strictest lock any subcommand needs ({0}): {1}', top.lock, parts.map((p) => p.why).join('; ')),
      ...(referenced ? { referencedLock: referenced } : {}),
      ...(fails ? { fails } : {}),
    };
  }
  const maria = target.dialect === 'mariadb';
  const clauses = ops.find((o) => o.mysql)?.mysql;
  const natural = ops.map((op) => impactOf({ ...op, mysql: undefined }, target, facts));
  const fails = natural.find((p) => p.fails)?.fails;
  const algos = natural.map((p) => p.algorithm).filter((a): a is MysqlAlgorithm => a !== undefined);
  const algorithm = algos.reduce<MysqlAlgorithm>((a, b) => (ALGO_RANK[b] > ALGO_RANK[a] ? b : a), 'INSTANT');
  const slowest = natural.find((p) => p.algorithm === algorithm) ?? natural[0]!;
  const forced: string[] = [];
  const parts = natural.map((p, i): Impact => {
    if (!p.algorithm || p.algorithm === algorithm || ALGO_RANK[p.algorithm] === ALGO_RANK[algorithm]) return p;
    const op = ops[i]!;
    forced.push(op.op);
    if (algorithm === 'COPY') return { lock: 'SHARED', algorithm: 'COPY', blocks: blocksWrites, rewrite: true, scan: true, why: p.why };
    // INSTANT alone, now done in place: changing the row format (add/drop a column) needs a rebuild; metadata changes do not.
    const rebuild = op.op === 'add-column' || op.op === 'drop-column';
    return { ...p, algorithm: 'INPLACE', rewrite: rebuild, scan: rebuild };
  });
  const lockOf = (p: Impact) => MY_LOCK_RANK[p.lock] ?? 0;
  const strongest = parts.reduce((a, b) => (lockOf(b) > lockOf(a) ? b : a));
  const lock = strongest.lock === 'EXCLUSIVE' ? 'EXCLUSIVE' : strongest.lock === 'SHARED' ? 'SHARED' : 'NONE';
  const combined: Impact = {
    lock,
    algorithm,
    blocks: lock === 'NONE' ? blocksNone : lock === 'SHARED' ? blocksWrites : blocksAll,
    // Probed on MariaDB 10.11: an ADD/DROP COLUMN in a statement that is not INSTANT rebuilds, even where the parts alone
    // would not (ADD INDEX (a) + DROP COLUMN of a column indexed alone: each NOCOPY alone, together a rebuild).
    rewrite: parts.some((p) => p.rewrite) || (algorithm !== 'INSTANT' && ops.some((o) => o.op === 'add-column' || o.op === 'drop-column')),
    scan:
      parts.some((p) => p.scan || p.rewrite) ||
      (algorithm !== 'INSTANT' && ops.some((o) => o.op === 'add-column' || o.op === 'drop-column')),
    why:
      forced.length > 0
        ? forced.some((o) => o === 'add-column' || o === 'drop-column') && algorithm !== 'COPY'
          ? l10n.t(
              'one ALTER TABLE runs all its parts with the slowest algorithm any part needs, ALGORITHM={0} with a table rebuild ({1} would be INSTANT alone): {2}',
              algorithm,
              forced.join(', '),
              slowest.why,
            )
          : l10n.t(
              'one ALTER TABLE runs all its parts with the slowest algorithm any part needs, ALGORITHM={0} ({1} would be INSTANT alone): {2}',
              algorithm,
              forced.join(', '),
              slowest.why,
            )
        : parts.map((p) => p.why).join('; '),
    ...(fails ? { fails } : {}),
  };
  if (fails) return combined;
  const requested = clauses?.algorithm && clauses.algorithm !== 'DEFAULT' ? clauses.algorithm : undefined;
  const requestedLock = clauses?.lock && clauses.lock !== 'DEFAULT' ? clauses.lock : undefined;
  return applyRequested(combined, requested, requestedLock, maria);
}

/** Bytes per character of the usual MySQL/MariaDB character sets. */
const CHARSET_MAXLEN: Readonly<Record<string, number>> = {
  latin1: 1,
  ascii: 1,
  binary: 1,
  latin2: 1,
  cp1252: 1,
  utf8: 3,
  utf8mb3: 3,
  utf8mb4: 4,
  ucs2: 2,
  utf16: 4,
  utf16le: 4,
  utf32: 4,
};

/** A MySQL/MariaDB VARCHAR type (`varchar(60)`), whose character set decides its byte length. */
export function isVarchar(type: string): boolean {
  return /^\s*varchar\s*\(/i.test(type);
}

/** Why a RENAME of this kind of object takes the lock it takes (one sentence per object, for the translations). */
function renameWhy(object: Extract<StatementOperation, { op: 'rename' }>['object']): string {
  switch (object) {
    case 'enum value':
      return l10n.t('renaming an enum value is a catalog change; queries still using the old name fail from then on');
    case 'schema':
      return l10n.t('renaming a schema is a catalog change; queries still using the old name fail from then on');
    case 'function':
      return l10n.t(
        'renaming a routine takes ACCESS EXCLUSIVE on the routine only (calls take no lock on it); code still calling the old name fails from then on',
      );
    case 'type':
      return l10n.t(
        'renaming a type takes no lock that queries wait for (a composite type: ACCESS EXCLUSIVE on its own row type, which queries do not take); code still naming the old type fails from then on',
      );
    case 'column':
      return l10n.t(
        'renaming a column is a catalog change under ACCESS EXCLUSIVE, for a moment; queries still using the old name fail from then on',
      );
    case 'table':
      return l10n.t(
        'renaming a table is a catalog change under ACCESS EXCLUSIVE, for a moment; queries still using the old name fail from then on',
      );
    case 'constraint':
      return l10n.t(
        'renaming a constraint is a catalog change under ACCESS EXCLUSIVE, for a moment; queries still using the old name fail from then on',
      );
    case 'index':
      return l10n.t(
        'renaming an index is a catalog change under ACCESS EXCLUSIVE, for a moment; queries still using the old name fail from then on',
      );
    case 'other':
      return l10n.t(
        'renaming an object is a catalog change under ACCESS EXCLUSIVE, for a moment; queries still using the old name fail from then on',
      );
  }
}

/** The VARCHAR length prefix is 1 byte up to this many bytes, 2 above. */
export const VARCHAR_PREFIX_BYTES = 255;

/**
 * A VARCHAR MODIFY read against the column's current type and character set (probed on MariaDB 10.11: a longer varchar
 * that stays at ≤ 255 or > 255 bytes is INSTANT; crossing 255 bytes, a shorter one or another character set copies):
 * 'extend', 'same', or why it copies; undefined when either side is not a VARCHAR or the character set is not known.
 */
export function varcharChange(
  from: string,
  to: string,
  charsetNow: string | undefined,
  charsetNext: string | undefined,
): string | 'extend' | 'same' | undefined {
  const len = (t: string) => {
    const m = /^\s*varchar\s*\(\s*(\d+)\s*\)/i.exec(t);
    return m ? Number(m[1]) : undefined;
  };
  const a = len(from);
  const b = len(to);
  if (a === undefined || b === undefined || !charsetNow) return undefined;
  if (charsetNext && charsetNext.toLowerCase() !== charsetNow.toLowerCase())
    return l10n.t('changing the character set of a VARCHAR ({0} → {1})', charsetNow, charsetNext);
  const m = CHARSET_MAXLEN[charsetNow.toLowerCase()];
  if (m === undefined) return undefined;
  if (b === a) return 'same';
  if (b < a) return l10n.t('shortening VARCHAR({0}) to VARCHAR({1})', a, b);
  if (a * m <= VARCHAR_PREFIX_BYTES && b * m > VARCHAR_PREFIX_BYTES) {
    // Completed by the caller's "{0} copies the table …".
    return m > 1
      ? l10n.t(
          'VARCHAR({0}) → VARCHAR({1}) in {2} ({3} bytes a character) crosses {4} bytes, so the length prefix grows from 1 to 2 bytes: this',
          a,
          b,
          charsetNow,
          m,
          VARCHAR_PREFIX_BYTES,
        )
      : l10n.t(
          'VARCHAR({0}) → VARCHAR({1}) in {2} (1 byte a character) crosses {3} bytes, so the length prefix grows from 1 to 2 bytes: this',
          a,
          b,
          charsetNow,
          VARCHAR_PREFIX_BYTES,
        );
  }
  return 'extend';
}
