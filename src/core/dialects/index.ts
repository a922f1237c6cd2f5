/**
 * What a server can do, as named flags — one same-shaped file per dialect family (Kysely `DialectAdapter` style).
 * `capabilities(target)` is the only entry point the planner, `explain` and the linter use.
 */
import { DIALECTS, type Dialect, type Target } from '../types';
import { parseVersion, type Version } from '../version';
import { postgresCapabilities, POSTGRES_RESERVED, POSTGRES_TYPES } from './postgres';
export { isSerialType, requiresOutsideTransaction } from './postgres';
export { mariadbPerRowDefault } from './mysql';
export { defaultVolatility, type FunctionVolatility, type Volatility } from './functions';
import { mysqlCapabilities, MYSQL_RESERVED, MYSQL_TYPES } from './mysql';

/** `value` names one of the DIALECTS (a setting, a flag, a stored or read entry). */
export function isDialect(value: unknown): value is Dialect {
  return typeof value === 'string' && (DIALECTS as readonly string[]).includes(value);
}

export interface Capabilities {
  readonly family: 'postgres' | 'mysql';
  /** DDL runs inside a transaction and rolls back with it (PostgreSQL yes; MySQL/MariaDB commit implicitly). */
  readonly transactionalDdl: boolean;
  /** `ADD COLUMN … DEFAULT <non-volatile>` is stored in the catalog, no rewrite (PostgreSQL ≥ 11). MySQL/MariaDB: same as `instantAddColumn`. */
  readonly fastDefault: boolean;
  /** `SET NOT NULL` skips its scan when a validated `CHECK (c IS NOT NULL)` exists (PostgreSQL ≥ 12). */
  readonly setNotNullUsesCheck: boolean;
  /** `ADD CONSTRAINT n NOT NULL c NOT VALID` + `VALIDATE CONSTRAINT` (PostgreSQL ≥ 18). */
  readonly notNullNotValid: boolean;
  /** `CHECK`/`FOREIGN KEY … NOT VALID` then `VALIDATE CONSTRAINT` (PostgreSQL). */
  readonly notValidConstraints: boolean;
  /** `ADD CONSTRAINT … UNIQUE USING INDEX` (PostgreSQL). */
  readonly constraintUsingIndex: boolean;
  /** `CREATE INDEX CONCURRENTLY` (PostgreSQL). */
  readonly concurrentIndex: boolean;
  /** PostgreSQL 14.0–14.3: `CREATE INDEX CONCURRENTLY` / `REINDEX CONCURRENTLY` can silently corrupt indexes (fixed in 14.4). */
  readonly cicCorruptionRisk: boolean;
  /** Online secondary index build with concurrent DML: `ALGORITHM=INPLACE, LOCK=NONE` (MySQL/MariaDB). */
  readonly onlineIndex: boolean;
  /** `ADD COLUMN … ALGORITHM=INSTANT` as the last column (MySQL ≥ 8.0.12, MariaDB ≥ 10.3.2). */
  readonly instantAddColumn: boolean;
  /** INSTANT add at any position, `FIRST`/`AFTER` (MySQL ≥ 8.0.29, MariaDB ≥ 10.4). */
  readonly instantAnyPosition: boolean;
  /** Instant add/drop creates a row version; this many are allowed before a rebuild is needed (MySQL ≥ 8.0.29: 64). Null: no limit known. */
  readonly instantRowVersionLimit: number | null;
  /** MySQL 8.0.29–8.0.31: tables with instantly added columns hit backup (xtrabackup) and crash bugs; 8.0.32 fixes them. */
  readonly instantBackupRisk: boolean;
  /** MariaDB: an instantly added non-constant default is evaluated once, and that one value is given to every existing row. */
  readonly instantDefaultEvaluatedOnce: boolean;
  /** MySQL/MariaDB: `ADD COLUMN … NOT NULL` without DEFAULT gives existing rows the type's zero value instead of failing. */
  readonly notNullFillsZeroValue: boolean;
  /** `DEFAULT (expression)` (MySQL ≥ 8.0.13, MariaDB ≥ 10.2.1; PostgreSQL always). */
  readonly expressionDefaults: boolean;
  /** CHECK constraints are enforced (PostgreSQL; MySQL ≥ 8.0.16; MariaDB ≥ 10.2.1). */
  readonly checkConstraints: boolean;
  /** Generated columns that are not stored (PostgreSQL ≥ 18 `VIRTUAL`; MySQL/MariaDB always). */
  readonly virtualGeneratedColumns: boolean;
  /** Stored generated columns (PostgreSQL ≥ 12; MySQL/MariaDB always). */
  readonly storedGeneratedColumns: boolean;
  /** `FIRST` / `AFTER col` in ADD COLUMN (MySQL/MariaDB). */
  readonly columnPosition: boolean;
  /** `ADD FOREIGN KEY` runs INPLACE (no copy) only with `foreign_key_checks = 0` (MySQL/MariaDB). */
  readonly foreignKeyInplaceNeedsChecksOff: boolean;
  /** `DROP COLUMN` is instant (MySQL ≥ 8.0.29, MariaDB ≥ 10.4; PostgreSQL always metadata-only). */
  readonly instantDropColumn: boolean;
  /** Identifier limit and its unit (PostgreSQL 63 bytes, longer names are truncated; MySQL/MariaDB 64 characters, longer is an error). */
  readonly identifierMaxLength: number;
  readonly identifierLengthUnit: 'bytes' | 'characters';
}

const knownCapabilities = new Map<string, Capabilities>();

/** The capabilities of a server: `capabilities({ dialect: 'postgres', version: '15.4' }).fastDefault === true`. */
export function capabilities(target: Target): Capabilities {
  // Asked once per linted statement for the same target: remember the answer (frozen, as it is shared).
  const cacheKey = `${target.dialect} ${target.version}`;
  const known = knownCapabilities.get(cacheKey);
  if (known) return known;
  const v = parseVersion(target.version);
  const caps = Object.freeze(target.dialect === 'postgres' ? postgresCapabilities(v) : mysqlCapabilities(target.dialect, v));
  if (knownCapabilities.size >= 64) knownCapabilities.clear();
  knownCapabilities.set(cacheKey, caps);
  return caps;
}

export function isReservedWord(dialect: Dialect, word: string): boolean {
  return (dialect === 'postgres' ? POSTGRES_RESERVED : MYSQL_RESERVED).has(word.toLowerCase());
}

/** Built-in type names of the dialect (lower case, multi-word names with single spaces). */
export function knownTypes(dialect: Dialect): ReadonlySet<string> {
  return dialect === 'postgres' ? POSTGRES_TYPES : MYSQL_TYPES;
}

/** The lock timeout set before every DDL step unless the user chose another: 2 seconds. The one default for the planner, the runner, the connections and the settings. */
export const DEFAULT_LOCK_TIMEOUT_MS = 2_000;

/** `SET lock_timeout = '2s'` / `SET SESSION lock_wait_timeout = 2` (MySQL/MariaDB take whole seconds, at least 1). */
export function lockTimeoutSql(dialect: Dialect, ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`lock timeout must be a positive number of milliseconds, got ${ms}`);
  if (dialect === 'postgres') {
    const whole = Math.round(ms);
    return whole % 1000 === 0 ? `SET lock_timeout = '${whole / 1000}s'` : `SET lock_timeout = '${whole}ms'`;
  }
  return `SET SESSION lock_wait_timeout = ${Math.max(1, Math.ceil(ms / 1000))}`;
}

export type { Version };
