/**
 * Connection profiles as stored in `columnWizard.connections`, and the `.env` import. Pure (no vscode), so unit tests
 * cover it. Passwords are never part of a profile: they live in VS Code's secret storage under the profile's
 * identity (engine, host, port, user, database — `profileIdentity`), never under its name alone.
 */
import { DIALECTS, type Dialect } from '../../core/types';
import { isDialect } from '../../core/dialects';
import { parse } from 'dotenv';
import { expand } from 'dotenv-expand';
import { ConnectionUrlError, parseConnectionUrl, type ConnectionOptions } from '../../db/connection';

export interface ConnectionProfile {
  readonly name: string;
  readonly dialect: Dialect;
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly ssl: boolean;
  /** Run Migration is offered on this connection; unset: yes for a local host, no otherwise (`profilePermissions`). */
  readonly allowRun?: boolean;
  /** Probes (empty shadow copies of a table) may be created here; unset: yes for a local host, no otherwise. */
  readonly allowProbe?: boolean;
  /** `"kind": "production"`: read-only — introspection and EXPLAIN only, never a probe or a run. */
  readonly production?: boolean;
  /** The inline SQL lint may connect on its own (it always may to a local host). */
  readonly lintAutoConnect?: boolean;
  /** Where the profile was defined: user settings, or the workspace (a repository's .vscode/settings.json). */
  readonly origin?: 'user' | 'workspace';
  /**
   * The other nodes of this server's cluster, as names of other profiles: a Galera cluster's other nodes, or the
   * logical-replication subscribers of a PostgreSQL publisher (changed first, in this order). Their credentials are
   * their own profiles'; nothing connects to an address the server reports by itself.
   */
  readonly nodes?: readonly string[];
  /** Galera: run non-INSTANT steps node by node under RSU (needs every other node in `nodes`). */
  readonly galeraRsu?: boolean;
}

/** What a profile may do, given whether its host resolved to this machine (src/db/hosts.ts). */
export interface ProfilePermissions {
  readonly probe: boolean;
  readonly run: boolean;
  readonly readOnly: boolean;
  readonly lintAutoConnect: boolean;
}

export function profilePermissions(p: ConnectionProfile, local: boolean): ProfilePermissions {
  if (p.production) return { probe: false, run: false, readOnly: true, lintAutoConnect: local || p.lintAutoConnect === true };
  return { probe: p.allowProbe ?? local, run: p.allowRun ?? local, readOnly: false, lintAutoConnect: local || p.lintAutoConnect === true };
}

/**
 * The server a profile points at: the key its password is stored under and its confirmations are remembered by.
 * MySQL and MariaDB share one engine here (Add Connection corrects the dialect after asking the server).
 */
export function profileIdentity(p: Pick<ConnectionProfile, 'dialect' | 'host' | 'port' | 'user' | 'database'>): string {
  const engine = p.dialect === 'postgres' ? 'postgres' : 'mysql';
  const host = p.host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  return `${engine}://${encodeURIComponent(p.user)}@${host.includes(':') ? `[${host}]` : host}:${p.port}/${encodeURIComponent(p.database)}`;
}

export const DEFAULT_PORT: Record<Dialect, number> = { postgres: 5432, mysql: 3306, mariadb: 3306 };

/** Read the setting's array: the valid profiles, and a sentence for each entry that is not one. */
export function parseProfiles(raw: unknown): { profiles: ConnectionProfile[]; problems: string[] } {
  const profiles: ConnectionProfile[] = [];
  const problems: string[] = [];
  if (!Array.isArray(raw))
    return { profiles, problems: raw === undefined ? [] : ['columnWizard.connections must be an array of profiles'] };
  raw.forEach((entry: unknown, i) => {
    const at = `columnWizard.connections[${i}]`;
    if (typeof entry !== 'object' || entry === null) {
      problems.push(`${at} is not an object`);
      return;
    }
    const e = entry as Record<string, unknown>;
    const name = typeof e.name === 'string' ? e.name.trim() : '';
    if (!name) {
      problems.push(`${at} has no "name"`);
      return;
    }
    if (!isDialect(e.dialect)) {
      problems.push(`${at} ("${name}"): "dialect" must be one of ${DIALECTS.join(', ')}`);
      return;
    }
    const dialect = e.dialect;
    if (typeof e.host !== 'string' || e.host.trim() === '') {
      problems.push(`${at} ("${name}"): "host" is missing`);
      return;
    }
    if (typeof e.database !== 'string') {
      problems.push(`${at} ("${name}"): "database" is missing`);
      return;
    }
    if (e.port !== undefined && (typeof e.port !== 'number' || !Number.isInteger(e.port) || e.port < 1 || e.port > 65535)) {
      problems.push(`${at} ("${name}"): "port" must be a whole number from 1 to 65535`);
      return;
    }
    if ('password' in e)
      problems.push(
        `${at} ("${name}"): a "password" in settings is ignored; passwords live in the secret storage (Add Connection asks for it)`,
      );
    if (profiles.some((p) => p.name === name)) {
      problems.push(`${at}: a second profile named "${name}" is ignored`);
      return;
    }
    const nodes: string[] = [];
    if (e.nodes !== undefined) {
      if (!Array.isArray(e.nodes) || e.nodes.some((n) => typeof n !== 'string' || n.trim() === '')) {
        problems.push(`${at} ("${name}"): "nodes" must be an array of connection profile names; ignored`);
      } else {
        for (const n of e.nodes as string[]) {
          if (n.trim() === name) problems.push(`${at} ("${name}"): "nodes" names the profile itself; ignored`);
          else if (!nodes.includes(n.trim())) nodes.push(n.trim());
        }
      }
    }
    profiles.push({
      name,
      dialect,
      host: e.host.trim(),
      port: typeof e.port === 'number' ? e.port : DEFAULT_PORT[dialect],
      database: e.database,
      user: typeof e.user === 'string' && e.user ? e.user : dialect === 'postgres' ? 'postgres' : 'root',
      ssl: e.ssl === true,
      ...(typeof e.allowRun === 'boolean' ? { allowRun: e.allowRun } : {}),
      ...(typeof e.allowProbe === 'boolean' ? { allowProbe: e.allowProbe } : {}),
      ...(e.kind === 'production' ? { production: true } : {}),
      ...(e.lintAutoConnect === true ? { lintAutoConnect: true } : {}),
      ...(nodes.length ? { nodes } : {}),
      ...(e.galeraRsu === true ? { galeraRsu: true } : {}),
    });
    if (e.kind !== undefined && e.kind !== 'production' && e.kind !== 'default')
      problems.push(`${at} ("${name}"): "kind" must be "production" or "default"; treated as "default"`);
  });
  return { profiles, problems };
}

/** The setting entry for a profile (what is written back to settings.json: never a password). */
export function profileToSetting(p: ConnectionProfile): Record<string, unknown> {
  return {
    name: p.name,
    dialect: p.dialect,
    host: p.host,
    port: p.port,
    database: p.database,
    user: p.user,
    ssl: p.ssl,
    ...(p.allowRun !== undefined ? { allowRun: p.allowRun } : {}),
    ...(p.allowProbe !== undefined ? { allowProbe: p.allowProbe } : {}),
    ...(p.production ? { kind: 'production' } : {}),
    ...(p.lintAutoConnect ? { lintAutoConnect: true } : {}),
    ...(p.nodes?.length ? { nodes: [...p.nodes] } : {}),
    ...(p.galeraRsu ? { galeraRsu: true } : {}),
  };
}

export function toConnectionOptions(
  p: ConnectionProfile,
  password: string | undefined,
  limits: { lockTimeoutMs?: number } = {},
): ConnectionOptions {
  return {
    engine: p.dialect === 'postgres' ? 'postgres' : 'mysql',
    host: p.host,
    port: p.port,
    database: p.database,
    user: p.user,
    ...(password ? { password } : {}),
    ssl: p.ssl,
    ...(limits.lockTimeoutMs ? { lockTimeoutMs: limits.lockTimeoutMs } : {}),
  };
}

export function describeProfile(p: ConnectionProfile): string {
  return `${p.dialect}://${p.user}@${p.host}:${p.port}/${p.database}${p.ssl ? ' (ssl)' : ''}${p.production ? ' [production: read-only]' : ''}`;
}

// ───────────── .env import ─────────────

/**
 * A .env file read by `dotenv` (quotes, `export`, `#` comments, multi-line values) with `${VAR}` / `${VAR:-default}`
 * expanded by `dotenv-expand` from the variables of the same file only: the extension host's environment is neither
 * read nor changed.
 */
export function parseDotEnv(text: string): Map<string, string> {
  const processEnv: Record<string, string> = {};
  expand({ parsed: parse(text), processEnv });
  return new Map(Object.entries(processEnv));
}

/** A connection found in a .env file: a profile to save and, separately, the password to put in secret storage. */
export interface EnvCandidate {
  readonly source: string;
  readonly profile: ConnectionProfile;
  readonly password?: string;
}

/** A profile from a connection URL, read by the one URL parser (db/connection.ts); the scheme picks MySQL vs MariaDB. */
function fromUrl(url: string, source: string, name: string): EnvCandidate | string {
  let o: ConnectionOptions;
  try {
    o = parseConnectionUrl(url);
  } catch (err) {
    return err instanceof ConnectionUrlError ? `${source}: ${err.message}` : `${source} is not a URL`;
  }
  const dialect: Dialect = o.engine === 'postgres' ? 'postgres' : /^mariadb:/i.test(url.trim()) ? 'mariadb' : 'mysql';
  return {
    source,
    // `sslmode=no-verify` becomes TLS with certificate checks: a profile has no switch to skip them.
    profile: { name, dialect, host: o.host, port: o.port, database: o.database, user: o.user, ssl: o.ssl !== false && o.ssl !== undefined },
    ...(o.password ? { password: o.password } : {}),
  };
}

/**
 * Connections a workspace's .env describes: `DATABASE_URL` (and `*_DATABASE_URL`), libpq's `PGHOST`/`PGPORT`/
 * `PGDATABASE`/`PGUSER`/`PGPASSWORD`, and `MYSQL_HOST`/`MYSQL_PORT`/`MYSQL_DATABASE`/`MYSQL_USER`/`MYSQL_PASSWORD`.
 * `problems` lists variables that looked like a connection but could not be read.
 */
export function envCandidates(env: ReadonlyMap<string, string>, folderName: string): { candidates: EnvCandidate[]; problems: string[] } {
  const candidates: EnvCandidate[] = [];
  const problems: string[] = [];
  for (const [key, value] of env) {
    if (!/^(?:[A-Z0-9_]+_)?DATABASE_URL$/.test(key) || !value) continue;
    const label = key === 'DATABASE_URL' ? folderName : `${folderName} ${key.replace(/_DATABASE_URL$/, '').toLowerCase()}`;
    const c = fromUrl(value, key, label);
    if (typeof c === 'string') problems.push(c);
    else candidates.push(c);
  }
  if (env.has('PGHOST') || env.has('PGDATABASE')) {
    const port = Number(env.get('PGPORT') ?? 5432);
    if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push(`PGPORT "${env.get('PGPORT')}" is not a port`);
    else {
      const password = env.get('PGPASSWORD');
      candidates.push({
        source: 'PG* variables',
        profile: {
          name: `${folderName} (PG*)`,
          dialect: 'postgres',
          host: env.get('PGHOST') || '127.0.0.1',
          port,
          database: env.get('PGDATABASE') || env.get('PGUSER') || 'postgres',
          user: env.get('PGUSER') || 'postgres',
          ssl: ['require', 'verify-ca', 'verify-full'].includes(env.get('PGSSLMODE') ?? ''),
        },
        ...(password ? { password } : {}),
      });
    }
  }
  if (env.has('MYSQL_HOST') || env.has('MYSQL_DATABASE')) {
    const port = Number(env.get('MYSQL_PORT') ?? env.get('MYSQL_TCP_PORT') ?? 3306);
    if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push(`MYSQL_PORT "${env.get('MYSQL_PORT')}" is not a port`);
    else {
      const password = env.get('MYSQL_PASSWORD') ?? env.get('MYSQL_PWD');
      candidates.push({
        source: 'MYSQL_* variables',
        profile: {
          name: `${folderName} (MYSQL_*)`,
          dialect: 'mysql',
          host: env.get('MYSQL_HOST') || '127.0.0.1',
          port,
          database: env.get('MYSQL_DATABASE') || '',
          user: env.get('MYSQL_USER') || 'root',
          ssl: false,
        },
        ...(password ? { password } : {}),
      });
    }
  }
  return { candidates, problems };
}
