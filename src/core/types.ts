/**
 * The shared vocabulary of Column Wizard: plain, JSON-serializable data that crosses
 * from core to db, extension, CLI and webview unchanged. No behaviour lives here.
 */
import type { ReportedCode } from './findings';

export type Dialect = 'postgres' | 'mysql' | 'mariadb';
export const DIALECTS: readonly Dialect[] = ['postgres', 'mysql', 'mariadb'];

/** The server a plan or a rule is for: its flavor and its version text ("15.4", "8.0.36", "10.11.6-MariaDB"). */
export interface Target {
  readonly dialect: Dialect;
  readonly version: string;
}

export type Severity = 'error' | 'warning' | 'info';

/** A finding from validation, planning or lint: a code to filter on (./findings.ts) and a message that says what to do. */
export interface Finding {
  readonly code: ReportedCode;
  readonly severity: Severity;
  readonly message: string;
  /** The field of the column spec the finding is about, for the wizard to show it next to that field. */
  readonly field?: keyof ColumnSpec;
  /** The safe alternative, when there is one. */
  readonly fix?: string;
}

export interface ColumnType {
  /** Lower-case base name as written, e.g. `varchar`, `timestamp with time zone`, `bigint`. */
  readonly name: string;
  /** Type parameters, e.g. `[255]` for varchar(255), `[10, 2]` for numeric(10,2). */
  readonly params: readonly number[];
  /** `int[]` in PostgreSQL. */
  readonly array?: boolean;
  /** MySQL `UNSIGNED`. */
  readonly unsigned?: boolean;
  /** MySQL/MariaDB `ENUM('a','b')` / `SET(…)` values, unquoted. */
  readonly values?: readonly string[];
}

export type ColumnDefault =
  | { readonly kind: 'none' }
  /** A literal value; `value` is the SQL literal text exactly as it will be rendered, e.g. `'abc'`, `42`, `true`, `NULL`. */
  | { readonly kind: 'literal'; readonly value: string }
  /** An expression, e.g. `now()`, `gen_random_uuid()`, `(UUID())`. */
  | { readonly kind: 'expression'; readonly sql: string };

export interface ForeignKeySpec {
  readonly table: string;
  readonly schema?: string;
  readonly column: string;
  readonly onDelete?: 'NO ACTION' | 'RESTRICT' | 'CASCADE' | 'SET NULL' | 'SET DEFAULT';
}

export type ColumnPosition = { readonly kind: 'last' } | { readonly kind: 'first' } | { readonly kind: 'after'; readonly column: string };

/**
 * An identity column's generation and sequence options. `always`: INSERT may not give a value (without OVERRIDING
 * SYSTEM VALUE); otherwise it may. Option values are whole numbers as decimal text (they may exceed 2^53).
 */
export interface IdentitySpec {
  readonly always: boolean;
  readonly start?: string;
  readonly increment?: string;
  readonly minValue?: string;
  readonly maxValue?: string;
  readonly cache?: string;
  readonly cycle?: boolean;
}

/** The column being added. */
export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly default: ColumnDefault;
  readonly unique?: boolean;
  readonly index?: boolean;
  readonly references?: ForeignKeySpec;
  readonly check?: string;
  readonly generated?: { readonly expression: string; readonly stored: boolean };
  /** PostgreSQL `GENERATED … AS IDENTITY`, `serial`, MySQL `AUTO_INCREMENT`. */
  readonly autoIncrement?: boolean;
  /** PostgreSQL `GENERATED ALWAYS|BY DEFAULT AS IDENTITY (options)` as written (with `autoIncrement`). */
  readonly identity?: IdentitySpec;
  /** Unquoted names the parser folded as the server does (PostgreSQL: to lower case), as typed and as folded. */
  readonly folded?: readonly { readonly typed: string; readonly name: string }[];
  readonly position?: ColumnPosition;
  readonly comment?: string;
  /** `COLLATE x` as written (an identifier). */
  readonly collation?: string;
}

export interface TableRef {
  /** PostgreSQL schema, or MySQL/MariaDB database. */
  readonly schema: string;
  readonly name: string;
}

export interface ColumnFacts {
  readonly name: string;
  /** The type as the server prints it, e.g. `character varying(20)`, `int(11)`. */
  readonly type: string;
  readonly nullable: boolean;
  readonly default: string | null;
  readonly generated?: 'stored' | 'virtual' | null;
  readonly autoIncrement?: boolean;
  /** MySQL/MariaDB: the column's character set (`utf8mb4`, `latin1`…), for text columns. */
  readonly charset?: string;
}

export interface IndexFacts {
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
  readonly primary: boolean;
  /** `btree`, `hash`, `gin`, `FULLTEXT`, `SPATIAL`, … */
  readonly method: string;
  /** An expression (functional) index. */
  readonly expression?: boolean;
  readonly valid?: boolean;
  readonly bytes?: number;
  /**
   * Rows per distinct key, for a single-column index whose column the server has statistics for (PostgreSQL:
   * pg_stats.n_distinct after ANALYZE). A backfill's cost per index entry depends on it (see Calibration.backfillIndexSeconds).
   */
  readonly rowsPerKey?: number;
}

export interface ConstraintFacts {
  readonly name: string;
  readonly kind: 'check' | 'unique' | 'primary' | 'foreign' | 'not-null' | 'exclusion';
  readonly definition: string;
  readonly validated: boolean;
}

export interface ForeignKeyFacts {
  readonly name: string;
  readonly columns: readonly string[];
  readonly refTable: TableRef;
  readonly refColumns: readonly string[];
}

/** A session that can make a DDL step wait and queue everyone behind it. */
export interface LockRisk {
  readonly pid: number;
  readonly ageSeconds: number;
  readonly state: string;
  readonly query: string;
  /** The lock it holds on the table, when known (`AccessShareLock`, `SHARED_READ`…); absent for a plain long transaction. */
  readonly lockMode?: string;
  /** The session's database user and application name (PostgreSQL application_name), when the server shows them. */
  readonly user?: string;
  readonly application?: string;
}

export interface ReplicaFacts {
  readonly name: string;
  /** Seconds behind, when known. */
  readonly lagSeconds?: number | null;
  readonly lagBytes?: number | null;
}

export interface ReplicationFacts {
  /** PostgreSQL: hot standbys streaming from this server; MySQL/MariaDB: replicas (from the primary's view or configured). */
  readonly replicas: readonly ReplicaFacts[];
  readonly isReplica?: boolean;
  /** PostgreSQL */
  readonly maxStandbyStreamingDelayMs?: number;
  readonly hotStandbyFeedback?: boolean;
  /** MySQL/MariaDB */
  readonly binlogFormat?: string | null;
}

/** What the planner knows about the live table. Everything but `table` is optional: the planner works offline too. */
export interface TableFacts {
  readonly table: TableRef;
  readonly rows: number;
  readonly bytes: number;
  readonly indexBytes?: number;
  readonly columns?: readonly ColumnFacts[];
  readonly primaryKey?: readonly string[];
  readonly indexes?: readonly IndexFacts[];
  readonly constraints?: readonly ConstraintFacts[];
  readonly foreignKeysOut?: readonly ForeignKeyFacts[];
  readonly foreignKeysIn?: readonly ForeignKeyFacts[];
  /** MySQL/MariaDB */
  readonly engine?: string;
  readonly rowFormat?: string;
  readonly partitioned?: boolean;
  /** MySQL ≥ 8.0.29 `INNODB_TABLES.TOTAL_ROW_VERSIONS`. */
  readonly instantRowVersions?: number;
  /** Rows written per second (inserts + updates + deletes), sampled. */
  readonly writesPerSecond?: number;
  readonly lockRisks?: readonly LockRisk[];
  readonly replication?: ReplicationFacts;
}

/** Server throughput figures the estimates are computed from. */
export interface Calibration {
  /** `measured` on the server, or the rough offline `default`s. (`learned` per kind of work: see `learned`.) */
  readonly basis: 'measured' | 'default';
  readonly scanBytesPerSecond: number;
  /** Heap bytes per second a VALIDATE CONSTRAINT (CHECK / NOT NULL) scans. */
  readonly validateBytesPerSecond?: number;
  /**
   * The same, for the first scan after a backfill wrote every row (PostgreSQL: it sets the hint bits of each new row
   * version and dirties every page; measured: 2.5–3× the time of the scans after it).
   */
  readonly firstScanBytesPerSecond?: number;
  /**
   * Seconds one call of a volatile function costs, per function (lower-case name): a backfill evaluates its value once
   * per row (measured on PostgreSQL 15: gen_random_uuid() ≈ 10 µs, md5(…) ≈ 4 µs, clock_timestamp() < 1 µs).
   */
  readonly functionSeconds?: { readonly [name: string]: number };
  /**
   * PostgreSQL: the runner's backfill rate on the sample with the primary key as its only index, and the seconds per row
   * one more (secondary) index adds, measured with indexes of different numbers of distinct keys. A non-HOT UPDATE inserts
   * an entry into every index; where it lands matters: on PostgreSQL 15's 100k sample, an int index with 1000 keys cost ~11 µs per row,
   * with 100 keys ~3 µs, with 316 keys ~3–5 µs (see backfillIndexSecondsPerRow for how keys and rows per key each count).
   */
  readonly backfillBaseRowsPerSecond?: number;
  /**
   * PostgreSQL: seconds per heap byte a scan pays on top of the sample's when its pages come from the operating system's
   * cache instead of shared buffers (the sample's copy as a temporary table larger than temp_buffers, against the sample),
   * and the server's shared_buffers in bytes. A sequential scan of a table larger than a quarter of shared_buffers reads
   * through a small ring of buffers, so every page comes from the OS (measured on PostgreSQL 15, 128 MB shared_buffers:
   * VALIDATE 1.1 GB/s on a 506 MB heap against 2–2.8 GB/s on the 100k sample).
   */
  readonly osReadSecondsPerByte?: number;
  /**
   * PostgreSQL: seconds per heap byte the first scan after a backfill pays on a table larger than a quarter of
   * shared_buffers, on top of a settled scan: it sets the hint bits of every page and writes each dirtied page back
   * through the OS as the page leaves the scan's small ring (measured: the sample's temporary copy, larger than
   * temp_buffers, after an UPDATE of every row — its first scan against the later ones). On PostgreSQL 15, 1M rows (177 MB
   * heap): the first VALIDATE after the backfill 0.38 s, the later ones 0.15 s, with 15.3k pages written by the backend.
   */
  readonly osFirstScanSecondsPerByte?: number;
  /**
   * PostgreSQL: seconds per row a foreign key's VALIDATE pays on top of a CHECK's. The server checks the whole table with
   * one anti-join, the table's scan and a probe of the referenced key per row. Measured on the sample: its int column (1000
   * values) referencing a 1000-row table, against a CHECK on the same column. PostgreSQL 15 here, 2026-12-07: 51–103 ns a
   * row on the 100k sample in 9 calibrations; on a 3M-row table (a bigint key of one value, 3 parent rows) 75–135 ns.
   */
  readonly fkCheckSecondsPerRow?: number;
  /**
   * MySQL/MariaDB: the runner's backfill rate on the sample filling a variable-width (varchar) column; InnoDB fills those
   * faster than fixed-width ones (`backfillRowsPerSecond` fills an int).
   */
  readonly variableBackfillRowsPerSecond?: number;
  readonly sharedBuffersBytes?: number;
  /**
   * PostgreSQL: seconds per row one secondary index adds to the backfill, measured on the sample with indexes of `keys`
   * distinct keys on the sample's rows (see backfillIndexSecondsPerRow). Calibrations cached before 2026-12-06 stored `rowsPerKey` on their
   * sample instead of `keys`.
   */
  readonly backfillIndexSeconds?: readonly { readonly keys?: number; readonly rowsPerKey?: number; readonly seconds: number }[];
  /** Table + index bytes per second of a rewrite (PostgreSQL) / INPLACE rebuild (MySQL/MariaDB). */
  readonly rewriteBytesPerSecond: number;
  /** Table + index bytes per second of an ALGORITHM=COPY table copy (MySQL/MariaDB). */
  readonly copyBytesPerSecond?: number;
  /**
   * MySQL/MariaDB where pt-online-schema-change is installed: the tool run on the sample (adding a nullable int), as a
   * run's online copy runs it. `fixedSeconds`: from its start to its first chunk and after its last (Perl's start,
   * checks, new table, triggers, swap, drops); `rowsPerSecond`: its chunked copy of the sample's rows, of `rowBytes`
   * heap bytes each (with the column it adds), with `indexes` secondary indexes; measured on the fresh sample, before
   * the other measurements rewrite and widen it.
   */
  readonly onlineCopy?: {
    readonly fixedSeconds: number;
    readonly rowsPerSecond: number;
    readonly rowBytes: number;
    readonly indexes: number;
  };
  /**
   * MySQL/MariaDB: innodb_buffer_pool_size. A rebuild, copy or index build whose pages do not fit writes them out as it
   * goes, which the sample (~10 MB) never does (see spillFactor). 0: not readable.
   */
  readonly bufferPoolBytes?: number;
  /**
   * Seconds of the server's speed probe (its fixed CPU-bound query) around the measurement: a cached calibration whose
   * probe was much slower than one now was measured in a slow minute, and is measured again (src/db/calibrationCache.ts).
   */
  readonly speedProbeSeconds?: number;
  /** Column Wizard's own online copy (src/db/mysql/ownCopy.ts) timed on the sample, as `onlineCopy`. */
  readonly ownCopy?: {
    readonly fixedSeconds: number;
    readonly rowsPerSecond: number;
    readonly rowBytes: number;
    readonly indexes: number;
  };
  /** Why Column Wizard's own online copy could not be timed on the sample (its error), so it is not tried on every plan. */
  readonly ownCopyFailed?: string;
  /** Why pt-online-schema-change, installed, could not be measured on the sample (its last output). */
  readonly onlineCopyFailed?: string;
  /** Kept for older cached calibrations and plan files; the index model uses the row rates below. */
  readonly indexBuildBytesPerSecond: number;
  /** Rows per second an index build sorts and writes, beyond the heap scan: fixed-width keys, collated text keys. */
  readonly indexRowsPerSecond?: number;
  readonly textIndexRowsPerSecond?: number;
  /** Rows per second of the runner's batched backfill on the sample. */
  readonly backfillRowsPerSecond: number;
  /**
   * The sample the rates were measured on: average heap bytes per row, its indexes (with the primary key) and, of those,
   * the ones its backfill had to update per row besides the primary key (PostgreSQL: all of them; MySQL/MariaDB: none,
   * since InnoDB updates only the indexes on the changed column).
   */
  readonly sample?: { readonly rowBytes: number; readonly indexes: number; readonly maintainedIndexes?: number; readonly rows?: number };
  /** When the rates were measured (ISO 8601). */
  readonly measuredAt?: string;
  /**
   * How many times the server was measured for this calibration (absent: once). A calibration measured once is measured a
   * second time on a later use and the faster of the two kept (src/db/calibrationCache.ts, keepFaster).
   */
  readonly measurements?: number;
  /** Corrections learned from runs on this server, per kind of work: actual ÷ model, weighted over `runs` runs. */
  readonly learned?: { readonly [kind: string]: { readonly factor: number; readonly runs: number } };
}

export type PhaseKind = 'expand' | 'backfill' | 'constrain' | 'index' | 'cutover' | 'contract';

/** PostgreSQL lock modes as the documentation names them, or the level concurrent DML gets on MySQL/MariaDB. */
export type LockLevel =
  | 'NONE'
  | 'ACCESS SHARE'
  | 'ROW SHARE'
  | 'ROW EXCLUSIVE'
  | 'SHARE UPDATE EXCLUSIVE'
  | 'SHARE'
  | 'SHARE ROW EXCLUSIVE'
  | 'EXCLUSIVE'
  | 'ACCESS EXCLUSIVE'
  | 'SHARED';

export type MysqlAlgorithm = 'INSTANT' | 'NOCOPY' | 'INPLACE' | 'COPY';

export interface Estimate {
  readonly lockSeconds: number;
  readonly totalSeconds: number;
  /** `measured` on this server, `learned` from runs on it, or `default` (rough offline rates). */
  readonly basis: 'measured' | 'learned' | 'default';
  /** The kind of work the model estimated (`backfill`, `index`, `validate`, …). */
  readonly kind?: string;
  /** Where the model is uncertain: [low, high] seconds of `totalSeconds`. */
  readonly range?: readonly [number, number];
  /** When the calibration was measured (ISO 8601). */
  readonly measuredAt?: string;
  /** Runs the `learned` correction comes from. */
  readonly runs?: number;
}

/** What a probe on the real server saw for a step. */
export interface Verification {
  readonly lock: LockLevel;
  readonly rewrite: boolean;
  readonly algorithm?: MysqlAlgorithm;
  /** True when the probe agrees with the rule's prediction. */
  readonly agrees: boolean;
  readonly detail?: string;
}

export interface Step {
  readonly sql: string;
  readonly down?: string;
  readonly lock: LockLevel;
  readonly algorithm?: MysqlAlgorithm;
  readonly blocks: { readonly reads: boolean; readonly writes: boolean };
  readonly rewrite: boolean;
  readonly estimate: Estimate;
  /** The table's predicted size after the step (when the step changes it) and the free space it needs while it runs. */
  readonly storage?: StorageEstimate;
  readonly verified?: Verification;
  readonly why: string;
  /** Lock-timeout statement that precedes the step, when it is DDL. */
  readonly lockTimeoutSql?: string;
  /** A backfill step, executed in batches by the runner rather than as one statement. */
  readonly backfill?: BackfillSpec;
  /** Set when the step cannot avoid blocking writes while rewriting, with the reason. */
  readonly unavoidable?: string;
  /** MySQL/MariaDB: the same step with `ALGORITHM=INPLACE, LOCK=NONE`, to run when the server refuses `ALGORITHM=INSTANT`. */
  readonly fallbackSql?: string;
  /** Session settings to run on the same connection right before `sql` (`before`) and right after it (`after`), e.g. `foreign_key_checks`. */
  readonly session?: { readonly before: readonly string[]; readonly after: readonly string[] };
  /**
   * What the catalog shows once the step has been applied: migration files skip the step when it holds, so a rerun after a
   * partial failure (or after `run` applied the plan) goes on instead of failing on "already exists".
   */
  readonly done?: StepDone;
  /**
   * MySQL/MariaDB: the runner does the step with an online schema-change tool, which copies the table once into a new
   * table with the change applied (triggers copy the writes made meanwhile, a RENAME swaps the tables), instead of
   * running `sql`. Migration files cannot express it.
   */
  readonly onlineCopy?: OnlineCopy;
}

/**
 * An online schema-change tool: pt-online-schema-change found where the plan runs, or Column Wizard's own copy
 * (`column-wizard`, src/db/mysql/ownCopy.ts) where the table and server allow it.
 */
export interface OnlineCopyTool {
  readonly name: 'pt-online-schema-change' | 'column-wizard';
  readonly version: string;
}

export interface OnlineCopy {
  readonly tool: OnlineCopyTool;
  /** What the tool applies to the copy: the text after `ALTER TABLE <table>`. */
  readonly alter: string;
  /** Column Wizard's own copy: the connections that copy at once. */
  readonly copiers?: number;
}

/** A catalog fact that holds once a step has been applied (see `Step.done`). */
export type StepDone =
  | { readonly kind: 'column'; readonly column: string }
  | { readonly kind: 'not-null'; readonly column: string }
  | { readonly kind: 'index'; readonly name: string }
  | { readonly kind: 'constraint'; readonly name: string }
  /** The step drops a constraint: done once it is gone. */
  | { readonly kind: 'no-constraint'; readonly name: string };

/** Predicted bytes after a step: the table (heap / clustered index), its secondary indexes, and the change. */
export interface StorageEstimate {
  readonly tableBytes: number;
  readonly indexBytes: number;
  readonly growthBytes: number;
  /** Free disk space the step needs while it runs (a rebuild's copy, an index build's sort). */
  readonly tempBytes?: number;
}

export interface BackfillSpec {
  readonly table: TableRef;
  readonly column: string;
  /** SQL expression producing the new value for each row. */
  readonly valueSql: string;
  /** Rows per batch the plan's `sql` updates (the runner may adapt it). */
  readonly batchSize?: number;
  /** The key the batches walk: primary-key columns, or `['ctid']` on PostgreSQL when there is none. */
  readonly key?: readonly string[];
}

export interface Phase {
  readonly kind: PhaseKind;
  readonly title: string;
  readonly transactional: boolean;
  readonly steps: readonly Step[];
}

export interface Plan {
  readonly dialect: Dialect;
  readonly serverVersion: string;
  readonly table: { readonly schema: string; readonly name: string; readonly rows: number; readonly bytes: number };
  readonly column: ColumnSpec;
  readonly phases: readonly Phase[];
  readonly warnings: readonly Finding[];
  readonly rollout: readonly string[];
}
