import type {
  Calibration,
  ColumnSpec,
  Dialect,
  Finding,
  LockLevel,
  LockRisk,
  MysqlAlgorithm,
  ReplicationFacts,
  TableFacts,
  TableRef,
} from '../core/types';
import { parseConnectionUrl, type ConnectionOptions } from './connection';

export interface ServerInfo {
  readonly dialect: Dialect;
  /** `15.20`, `10.11.19`, `8.0.36`. */
  readonly version: string;
  /** The server's own banner, e.g. `PostgreSQL 15.20 (Debian …)`, `10.11.19-MariaDB-0+deb12u1`. */
  readonly banner: string;
}

/** One row of `listTables()`: catalog figures only, read without touching the tables. */
export interface TableSummary {
  readonly schema: string;
  readonly name: string;
  /** Estimated rows; -1 when the server has no estimate yet (PostgreSQL table never analyzed). */
  readonly rows: number;
  readonly bytes: number;
  /** MySQL/MariaDB storage engine. */
  readonly engine?: string;
  readonly partitioned?: boolean;
}

export interface TableFactsOptions {
  /** Sample write counters twice this many milliseconds apart for `writesPerSecond`; 0 skips the rate. Default 0. */
  readonly sampleMs?: number;
  /** Report open transactions older than this as lock-queue risks even when they hold nothing on the table. Default 60. */
  readonly longTransactionSeconds?: number;
}

/** What a probe saw when it ran one statement against an empty copy of the table. */
export interface ProbeResult {
  /** The statement as it ran on the shadow table. */
  readonly sql: string;
  /** Strongest lock level taken on the table (PostgreSQL), or the level concurrent DML gets (MySQL/MariaDB). */
  readonly lock: LockLevel;
  /** Every lock the statement took on the shadow table, strongest first (PostgreSQL); the clause that succeeded (MySQL/MariaDB). */
  readonly locks: readonly string[];
  readonly rewrite: boolean;
  readonly algorithm?: MysqlAlgorithm;
  readonly blocks: { readonly reads: boolean; readonly writes: boolean };
  /** Set when the statement failed on the shadow (then lock/rewrite describe nothing). */
  readonly error?: string;
  /** What was tried, in order, for the log. */
  readonly detail: string;
}

export interface ProbeOptions {
  /**
   * Statements applied to the shadow first, unmeasured: the earlier steps of a plan, so that a later step
   * (SET DEFAULT on the new column, VALIDATE of a new constraint) meets the table as it will be.
   */
  readonly setup?: readonly string[];
}

export interface CalibrateOptions {
  /** Rows in the sample table. Default 100,000. */
  readonly rows?: number;
  /** Stop between measurements (the sample is dropped); the promise rejects with CalibrationCancelled. */
  readonly signal?: AbortSignal;
}

/** One interface over PostgreSQL and MySQL/MariaDB. Implementations live in same-shaped files under postgres/ and mysql/. */
export interface DatabaseClient {
  readonly options: ConnectionOptions;
  serverInfo(): Promise<ServerInfo>;
  /** Run one statement with positional parameters (`$1` on PostgreSQL, `?` on MySQL/MariaDB). */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Run one statement (DDL or DML) and report affected rows; errors are translated into DatabaseError. */
  execute(sql: string, params?: readonly unknown[]): Promise<{ readonly rowCount: number }>;
  /** Every user table with catalog row and size estimates, in one query. `schema` narrows to one schema/database. */
  listTables(schema?: string): Promise<TableSummary[]>;
  /** Everything the planner can use about one table, from catalogs that do not queue behind a pending ALTER. */
  tableFacts(table: TableRef, options?: TableFactsOptions): Promise<TableFacts>;
  /** Sessions that could make a DDL step on the table wait (and queue everyone behind it), oldest first. */
  lockRisks(table: TableRef, longTransactionSeconds?: number): Promise<LockRisk[]>;
  replication(): Promise<ReplicationFacts>;
  /** Server-side checks of a column spec: the type exists, the default casts, default volatility, the name is free. */
  validateColumn(spec: ColumnSpec, table: TableRef): Promise<Finding[]>;
  /** Run `sql` (a statement on `table`) against an empty copy of the table's definition and report what it did. */
  probe(table: TableRef, sql: string, options?: ProbeOptions): Promise<ProbeResult>;
  /** Measure scan, rewrite, index-build and backfill throughput on a small private sample table. */
  calibrate(options?: CalibrateOptions): Promise<Calibration>;
  /** Seconds of a short query of fixed CPU work (60k MD5s): how fast the server runs at this moment. */
  speedProbe(): Promise<number>;
  /** Whether a cached calibration of this server has every figure the estimates use (else it is measured again). */
  calibrationComplete(calibration: Calibration): boolean;
  close(): Promise<void>;
}

/** Connect from a URL or options. The driver module is loaded here, on first use, never at activation. */
export async function connect(target: string | ConnectionOptions): Promise<DatabaseClient> {
  const options = typeof target === 'string' ? parseConnectionUrl(target) : target;
  if (options.engine === 'postgres') {
    const { connectPostgres } = await import('./postgres/client');
    return connectPostgres(options);
  }
  const { connectMysql } = await import('./mysql/client');
  return connectMysql(options);
}
