/**
 * What a parsed statement means for locking, independent of the parser that read it. Pure data.
 * The analysis maps these onto the planner's DDL operations and asks the dialect rules for their impact.
 */
import type { StatementOperation } from '../rules';
import type { ColumnDefault, ColumnSpec } from '../types';

/** A readonly model type being built: its optional properties assigned one by one, in key order. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface NameRef {
  readonly schema?: string;
  readonly name: string;
}

export type ConstraintKind = 'check' | 'foreign' | 'unique' | 'primary' | 'not-null' | 'exclusion';

export type LintAction =
  | {
      readonly kind: 'add-column';
      readonly spec: ColumnSpec;
      readonly ifNotExists: boolean;
      readonly defaultText?: string;
      readonly domain?: boolean;
      /** MySQL/MariaDB: the column's `CHARACTER SET` (or the one its `COLLATE` names), lower case. */
      readonly charset?: string;
    }
  | { readonly kind: 'set-not-null'; readonly column: string }
  | { readonly kind: 'set-default'; readonly column: string; readonly default: ColumnDefault }
  | {
      readonly kind: 'add-constraint';
      readonly constraint: ConstraintKind;
      readonly name?: string;
      readonly notValid: boolean;
      /** `ADD CONSTRAINT … UNIQUE|PRIMARY KEY USING INDEX idx` */
      readonly usingIndex?: string;
      readonly columns: readonly string[];
      readonly refTable?: NameRef;
      /** A CHECK of the form `c IS NOT NULL`: the column it proves. */
      readonly provesNotNull?: string;
    }
  | { readonly kind: 'validate-constraint'; readonly name: string }
  /**
   * `type`: PostgreSQL `varchar(40)`, `numeric(10,2)`…; MySQL the new type with its length and `unsigned`, then ` NOT NULL`
   * when written. `using`: a USING expression. `charset`: MySQL `CHARACTER SET` written in the new definition.
   */
  | {
      readonly kind: 'alter-type';
      readonly column: string;
      readonly type: string;
      readonly using?: boolean;
      readonly charset?: string;
      /** MySQL/MariaDB MODIFY/CHANGE: what else the new definition writes (what it leaves out, the column loses). */
      readonly restated?: { readonly default: boolean; readonly autoIncrement: boolean };
      /** MySQL/MariaDB `CHANGE old new …` with another name. */
      readonly renameTo?: string;
    }
  /** MySQL `ADD INDEX` inside ALTER TABLE. */
  | {
      readonly kind: 'add-index';
      readonly name?: string;
      readonly unique: boolean;
      readonly fulltext: boolean;
      /** MySQL/MariaDB `ADD SPATIAL INDEX`. */
      readonly spatial?: boolean;
      readonly columns: readonly string[];
    }
  | { readonly kind: 'drop-column'; readonly column: string }
  | { readonly kind: 'drop-not-null'; readonly column: string }
  | { readonly kind: 'drop-default'; readonly column: string }
  | { readonly kind: 'drop-constraint'; readonly name: string }
  /** A PostgreSQL subcommand with a lock verdict of its own (SET LOGGED, SET TABLESPACE, DETACH PARTITION). */
  | { readonly kind: 'statement-op'; readonly op: StatementOperation }
  /** MySQL/MariaDB ALTER TABLE clauses with a verdict of their own. */
  | { readonly kind: 'drop-primary-key' }
  | { readonly kind: 'convert-charset'; readonly charset: string }
  | { readonly kind: 'rebuild'; readonly engine?: string }
  | { readonly kind: 'rename-index'; readonly from: string; readonly to: string }
  | { readonly kind: 'other'; readonly description: string };

/**
 * A schema, routine, type (enum, domain, composite…), extension or (MySQL/MariaDB) event, by its unqualified name
 * (PostgreSQL: lower-case unless quoted).
 */
export interface ObjectRef {
  readonly kind: ObjectKind;
  readonly name: string;
}

export type ObjectKind = 'schema' | 'function' | 'type' | 'extension' | 'event';

export type StatementKind =
  'alter-table' | 'create-index' | 'create-table' | 'begin' | 'commit' | 'rollback' | 'set' | 'other' | 'unparsed';

export interface ParsedStatement {
  readonly kind: StatementKind;
  readonly table?: NameRef;
  readonly actions: readonly LintAction[];
  readonly index?: {
    readonly name?: string;
    readonly concurrent: boolean;
    readonly unique: boolean;
    readonly ifNotExists: boolean;
    readonly columns: readonly string[];
    /** MySQL/MariaDB `CREATE FULLTEXT INDEX`. */
    readonly fulltext?: boolean;
    /** MySQL/MariaDB `CREATE SPATIAL INDEX`. */
    readonly spatial?: boolean;
  };
  /** MySQL/MariaDB `ALGORITHM=` / `LOCK=` clauses, upper-case. */
  readonly algorithm?: string;
  readonly lock?: string;
  /** `SET [LOCAL|SESSION] name = value`. */
  readonly setting?: { readonly name: string; readonly value: string; readonly local: boolean };
  /** A statement outside ALTER TABLE / CREATE INDEX with a lock verdict (DROP INDEX, REINDEX, VACUUM FULL, renames…). */
  readonly statementOp?: StatementOperation;
  /** A short description for messages, e.g. `VACUUM`, `INSERT`. */
  readonly label?: string;
  /** The schemas, routines, types or extensions (not tables) the statement drops or alters. */
  readonly objects?: readonly ObjectRef[];
  /** The schema, routine, type or extension a plain CREATE (no OR REPLACE, no IF NOT EXISTS) makes. */
  readonly creates?: ObjectRef;
  /** CREATE TABLE: its columns (as add-column) and table constraints (as add-constraint), for the folder replay (./replay.ts). */
  readonly definition?: readonly LintAction[];
  /** MySQL/MariaDB CREATE TABLE: the table's default character set, when written. */
  readonly charset?: string;
  /** Why the statement could not be read, and where (offset in the statement text, UTF-16). */
  readonly error?: { readonly message: string; readonly offset?: number };
}
