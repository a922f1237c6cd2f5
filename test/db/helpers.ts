/**
 * Real-database test harness. Each test file gets a throwaway database it creates and drops.
 * Under CI=true an unreachable server fails the test and names the URL; elsewhere the tests are skipped with a reason.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, type TestContext } from 'node:test';
import { connect, type DatabaseClient } from '../../src/db/client';
import { redactUrl } from '../../src/db/connection';

// The CLI caches each server's calibration under $XDG_CACHE_HOME: tests keep theirs in a private directory, never the user's.
if (!process.env.CW_TEST_KEEP_CACHE) process.env.XDG_CACHE_HOME = mkdtempSync(join(tmpdir(), 'cw-test-cache-'));

export const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const MYSQL_URL = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
export const IN_CI = process.env.CI === 'true';

export type Engine = 'postgres' | 'mysql';

export interface ThrowawayDatabase {
  /** URL of the throwaway database. */
  readonly url: string;
  readonly name: string;
  /** A connection to it, opened once per file. */
  readonly client: DatabaseClient;
  /** Open another connection to it (closed by the harness after the file). */
  connect(): Promise<DatabaseClient>;
}

/** The same server URL pointing at database `db`. */
export function databaseUrl(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

/**
 * Declare a throwaway database for this test file. Call at top level; use `db.get(t)` inside each test:
 * it returns the database, or skips the test (outside CI) when the server is unreachable.
 */
export function throwawayDatabase(engine: Engine): { get(t: TestContext): ThrowawayDatabase } {
  const adminUrl = engine === 'postgres' ? PG_URL : MYSQL_URL;
  const name = `cw_test_${randomBytes(4).toString('hex')}`;
  let state: ThrowawayDatabase | undefined;
  let failure: string | undefined;
  const opened: DatabaseClient[] = [];

  before(async () => {
    let admin: DatabaseClient | undefined;
    try {
      admin = await connect(adminUrl);
    } catch (err) {
      failure = `${engine} at ${redactUrl(adminUrl)} is unreachable: ${(err as Error).message}`;
      if (!IN_CI)
        console.log(`# SKIP database tests: ${failure} (set ${engine === 'postgres' ? 'PG_URL' : 'MYSQL_URL'} or start the server)`);
      return;
    }
    try {
      await admin.query(engine === 'postgres' ? `CREATE DATABASE "${name}"` : `CREATE DATABASE \`${name}\``);
    } finally {
      await admin.close();
    }
    const url = databaseUrl(adminUrl, name);
    const more = async () => {
      const c = await connect(url);
      opened.push(c);
      return c;
    };
    state = { url, name, client: await more(), connect: more };
  });

  after(async () => {
    if (!state) return;
    for (const c of opened) await c.close();
    const admin = await connect(adminUrl);
    try {
      if (engine === 'postgres') await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      else await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    } finally {
      await admin.close();
    }
  });

  return {
    get(t: TestContext): ThrowawayDatabase {
      return state ?? skipOrFail(t, failure ?? 'the database was not created');
    },
  };
}

/** Thrown after t.skip() so the test body stops; the harness treats it as a skip. */
export class SkipTest extends Error {
  override readonly name = 'SkipTest';
}

/** Inside a test whose server or tool is not there (`why`): fail it under CI=true, else skip it; never returns. */
export function skipOrFail(t: TestContext, why: string): never {
  if (IN_CI) throw new Error(`CI=true and ${why}`);
  t.skip(why);
  throw new SkipTest(why);
}

/** Wrap a test body so that a skip thrown by `get()` ends it quietly. */
export function dbTest(fn: (t: TestContext) => Promise<void>): (t: TestContext) => Promise<void> {
  return async (t) => {
    try {
      await fn(t);
    } catch (err) {
      if (err instanceof SkipTest) return;
      throw err;
    }
  };
}
