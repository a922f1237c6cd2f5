import type { Connection } from 'mysql2/promise';
import type { Calibration, ColumnSpec, Finding, LockRisk, ReplicationFacts, TableFacts, TableRef } from '../../core/types';
import type { CalibrateOptions, DatabaseClient, ProbeOptions, ProbeResult, ServerInfo, TableFactsOptions, TableSummary } from '../client';
import {
  DEFAULT_LOCK_TIMEOUT_MS,
  DEFAULT_STATEMENT_TIMEOUT_MS,
  dialectOfMysqlVersion,
  parseVersion,
  type ConnectionOptions,
} from '../connection';
import { translateConnectError, translateQueryError } from '../errors';
import { calibrate, calibrationComplete, speedProbe } from './calibrate';
import { listTables, lockRisks, replication, tableFacts } from './introspect';
import { probe } from './probe';
import { validateColumn } from './validate';

export async function connectMysql(options: ConnectionOptions): Promise<DatabaseClient> {
  const mysql = await import('mysql2/promise');
  let conn: Connection;
  try {
    conn = await mysql.createConnection({
      host: options.host,
      port: options.port,
      database: options.database || undefined,
      user: options.user,
      password: options.password,
      ssl: options.ssl === true ? {} : options.ssl || undefined,
      connectAttributes: { program_name: 'column-wizard' },
      connectTimeout: 10_000,
      multipleStatements: false,
    });
  } catch (err) {
    throw translateConnectError(err, options);
  }
  conn.on('error', () => undefined);
  const client = new MysqlClient(options, conn);
  await client.pinSqlMode();
  await client.applySessionLimits();
  return client;
}

/** sql_mode flags that change how '…' and "…" are read; see `pinSqlMode`. */
const QUOTING_SQL_MODES = new Set(['NO_BACKSLASH_ESCAPES', 'ANSI_QUOTES', 'ANSI']);

class MysqlClient implements DatabaseClient {
  private info: ServerInfo | undefined;
  constructor(
    readonly options: ConnectionOptions,
    private readonly conn: Connection,
  ) {}

  async serverInfo(): Promise<ServerInfo> {
    if (this.info) return this.info;
    const [row] = await this.query<{ v: string }>('SELECT VERSION() AS v');
    const banner = row!.v;
    const [major, minor, patch] = parseVersion(banner);
    this.info = { dialect: dialectOfMysqlVersion(banner), version: `${major}.${minor}.${patch}`, banner };
    return this.info;
  }

  private async isMariadb(): Promise<boolean> {
    return (await this.serverInfo()).dialect === 'mariadb';
  }

  /**
   * Reads the session's sql_mode and drops the flags that change how quotes are read: NO_BACKSLASH_ESCAPES (a
   * backslash in '…' would be literal, and the driver escapes a quote in a parameter as \') and ANSI_QUOTES (and ANSI,
   * which implies it: "…" would be a name, not a string). Every other flag the server or the user set is kept.
   */
  async pinSqlMode(): Promise<void> {
    const [row] = await this.query<{ mode: string }>('SELECT @@SESSION.sql_mode AS mode');
    const flags = (row?.mode ?? '').split(',').filter((f) => f !== '');
    const kept = flags.filter((f) => !QUOTING_SQL_MODES.has(f.toUpperCase()));
    if (kept.length === flags.length) return;
    // Only letters, digits, '_' and ',' (checked): safe to write as a literal whatever the current quoting mode is.
    const mode = kept.join(',');
    if (!/^[A-Za-z0-9_,]*$/.test(mode)) throw new Error(`unexpected sql_mode ${JSON.stringify(row?.mode)}`);
    await this.query(`SET SESSION sql_mode = '${mode}'`);
  }

  /** lock_wait_timeout is in whole seconds; the statement limit is max_statement_time (MariaDB, s) or max_execution_time (MySQL, ms, SELECT only). */
  async applySessionLimits(): Promise<void> {
    const info = await this.serverInfo();
    const lockSeconds = Math.max(1, Math.ceil((this.options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS) / 1000));
    const stmtMs = this.options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
    await this.query(`SET SESSION lock_wait_timeout = ${lockSeconds}`);
    if (info.dialect === 'mariadb') await this.query(`SET SESSION max_statement_time = ${stmtMs / 1000}`);
    else await this.query(`SET SESSION max_execution_time = ${Math.round(stmtMs)}`);
  }

  async query<T = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    try {
      const [rows] = await this.conn.query(sql, params as unknown[]);
      return (Array.isArray(rows) ? rows : []) as T[];
    } catch (err) {
      throw translateQueryError(err, sql);
    }
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<{ rowCount: number }> {
    try {
      const [r] = await this.conn.query(sql, params as unknown[]);
      return { rowCount: Array.isArray(r) ? r.length : Number((r as { affectedRows?: number }).affectedRows ?? 0) };
    } catch (err) {
      throw translateQueryError(err, sql);
    }
  }

  async listTables(schema?: string): Promise<TableSummary[]> {
    return listTables(this, schema, await this.isMariadb());
  }

  async tableFacts(table: TableRef, options?: TableFactsOptions): Promise<TableFacts> {
    return tableFacts(this, table, await this.isMariadb(), options);
  }

  lockRisks(table: TableRef, longTransactionSeconds = 60): Promise<LockRisk[]> {
    return lockRisks(this, table, longTransactionSeconds);
  }

  replication(): Promise<ReplicationFacts> {
    return replication(this);
  }

  async validateColumn(spec: ColumnSpec, table: TableRef): Promise<Finding[]> {
    return validateColumn(this, spec, table, await this.serverInfo());
  }

  async probe(table: TableRef, sql: string, options?: ProbeOptions): Promise<ProbeResult> {
    return probe(this, table, sql, await this.isMariadb(), options?.setup ?? []);
  }

  calibrate(options?: CalibrateOptions): Promise<Calibration> {
    return calibrate(this, options);
  }

  speedProbe(): Promise<number> {
    return speedProbe(this);
  }

  calibrationComplete(calibration: Calibration): boolean {
    return calibrationComplete(this, calibration);
  }

  async close(): Promise<void> {
    await this.conn.end().catch(() => undefined);
  }
}
