import type { Client } from 'pg';
import type { Calibration, ColumnSpec, Finding, LockRisk, ReplicationFacts, TableFacts, TableRef } from '../../core/types';
import type { CalibrateOptions, DatabaseClient, ProbeOptions, ProbeResult, ServerInfo, TableFactsOptions, TableSummary } from '../client';
import { DEFAULT_LOCK_TIMEOUT_MS, DEFAULT_STATEMENT_TIMEOUT_MS, parseVersion, type ConnectionOptions } from '../connection';
import { translateConnectError, translateQueryError } from '../errors';
import { isLocalHost } from '../hosts';
import { calibrate, calibrationComplete, speedProbe } from './calibrate';
import { listTables, lockRisks, replication, tableFacts, tableOid } from './introspect';
import { probe } from './probe';
import { validateColumn } from './validate';

/**
 * Refuse the server's request for the password in clear text (AuthenticationCleartextPassword) on a connection
 * without TLS to a host that is not local (src/db/hosts.ts): anyone on the path — or a server posing as the one the
 * user meant — would read it. node-postgres answers that request from its `password` callback, which runs after
 * the connection's `authenticationCleartextPassword` event; the listener below marks the request first.
 */
async function guardedPassword(options: ConnectionOptions): Promise<ConnectionOptions['password'] | (() => Promise<string>)> {
  if (options.ssl || (await isLocalHost(options.host))) return options.password;
  return async () => {
    if (cleartextRequested.has(options)) {
      throw new Error(
        `Refusing to send the password in clear text to ${options.host}:${options.port}: the server asked for cleartext password authentication on a connection without TLS. Use TLS (sslmode=require / "ssl": true), or scram-sha-256 authentication on the server.`,
      );
    }
    return options.password ?? process.env.PGPASSWORD ?? '';
  };
}
const cleartextRequested = new WeakSet<ConnectionOptions>();

export async function connectPostgres(options: ConnectionOptions): Promise<DatabaseClient> {
  const pg = await import('pg');
  const password = await guardedPassword(options);
  const client: Client = new pg.default.Client({
    host: options.host,
    port: options.port,
    database: options.database,
    user: options.user,
    password: password as string | undefined,
    ssl: options.ssl === true ? {} : options.ssl || undefined,
    application_name: 'column-wizard',
    statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    lock_timeout: options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
    connectionTimeoutMillis: 10_000,
    // Pinned from the session's start (so RESET ALL keeps it): a backslash in '…' is a literal character, as the
    // expression scanner and the quoting in core/sql.ts assume. Added after any PGOPTIONS so it wins over them.
    options: [process.env.PGOPTIONS, PINNED_OPTIONS].filter(Boolean).join(' '),
  });
  // An idle connection that the server kills must not crash the process.
  client.on('error', () => undefined);
  if (typeof password === 'function') {
    (client as unknown as { connection: { prependListener(e: string, f: () => void): void } }).connection.prependListener(
      'authenticationCleartextPassword',
      () => cleartextRequested.add(options),
    );
  }
  try {
    await client.connect();
  } catch (err) {
    throw translateConnectError(err, options);
  }
  const session = new PostgresClient(options, client);
  const [setting] = await session.query<{ scs: string }>(`SELECT current_setting('standard_conforming_strings') AS scs`);
  if (setting?.scs !== 'on') {
    await session.close();
    throw new Error(
      `the server kept standard_conforming_strings = ${setting?.scs ?? '?'} for this session; Column Wizard needs it on so that a backslash in a string means what it says`,
    );
  }
  return session;
}

const PINNED_OPTIONS = '-c standard_conforming_strings=on';

/**
 * Every statement goes over the extended query protocol, which takes exactly one statement: a `;` in text that
 * reached a query can never start a second statement (the simple protocol would run them all).
 */
function oneStatement(sql: string, params: readonly unknown[]) {
  return { text: sql, values: params as unknown[], queryMode: 'extended' as const };
}

class PostgresClient implements DatabaseClient {
  constructor(
    readonly options: ConnectionOptions,
    private readonly client: Client,
  ) {}

  async serverInfo(): Promise<ServerInfo> {
    const [row] = await this.query<{ banner: string; version: string }>(
      `SELECT version() AS banner, current_setting('server_version') AS version`,
    );
    const [major, minor] = parseVersion(row!.version);
    return { dialect: 'postgres', version: `${major}.${minor}`, banner: row!.banner };
  }

  async query<T = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    try {
      const r = await this.client.query(oneStatement(sql, params));
      return r.rows as T[];
    } catch (err) {
      throw translateQueryError(err, sql);
    }
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<{ rowCount: number }> {
    try {
      const r = await this.client.query(oneStatement(sql, params));
      return { rowCount: r.rowCount ?? 0 };
    } catch (err) {
      throw translateQueryError(err, sql);
    }
  }

  listTables(schema?: string): Promise<TableSummary[]> {
    return listTables(this, schema);
  }

  tableFacts(table: TableRef, options?: TableFactsOptions): Promise<TableFacts> {
    return tableFacts(this, table, options);
  }

  async lockRisks(table: TableRef, longTransactionSeconds = 60): Promise<LockRisk[]> {
    return lockRisks(this, await tableOid(this, table), longTransactionSeconds);
  }

  replication(): Promise<ReplicationFacts> {
    return replication(this);
  }

  async validateColumn(spec: ColumnSpec, table: TableRef): Promise<Finding[]> {
    return validateColumn(this, spec, table, await this.serverInfo());
  }

  probe(table: TableRef, sql: string, options?: ProbeOptions): Promise<ProbeResult> {
    return probe(
      {
        query: (s, p) => this.query(s, p),
        openPeer: () => connectPostgres(this.options),
      },
      table,
      sql,
      options?.setup ?? [],
    );
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
    await this.client.end().catch(() => undefined);
  }
}
