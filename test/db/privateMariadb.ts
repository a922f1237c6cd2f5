/**
 * A throwaway MariaDB server of our own, for tests that need a server-wide setting (sql_mode) that must not be set
 * on the shared server other tests use. Port 3341 (replica tests use 3307/3308). Needs root and mariadb-server;
 * outside CI a missing piece skips the test with the reason.
 */
import { after, before, type TestContext } from 'node:test';
import { connect } from '../../src/db/client';
import { IN_CI, skipOrFail } from './helpers';
import { startPrivateMariadb, type PrivateServer } from './privateServers';

export const PRIVATE_MARIADB_PORT = 3341;

/** Declare the server at top level (`settings` are lines for its [mariadbd] section); `get(t)` returns its URL or skips. */
export function privateMariadb(settings: readonly string[]): { get(t: TestContext): string } {
  let server: PrivateServer | undefined;
  let url: string | undefined;
  let failure: string | undefined;

  before(async () => {
    try {
      server = await startPrivateMariadb(PRIVATE_MARIADB_PORT, settings);
      const c = await connect(server.url);
      await c.query('CREATE DATABASE IF NOT EXISTS cw_test');
      await c.close();
      url = `mysql://root@127.0.0.1:${PRIVATE_MARIADB_PORT}/cw_test`;
    } catch (err) {
      failure = (err as Error).message;
      await server?.stop().catch(() => undefined);
      if (!IN_CI) console.log(`# SKIP private MariaDB tests: ${failure}`);
    }
  });
  after(async () => {
    await server?.stop();
  });

  return {
    get(t: TestContext): string {
      return url ?? skipOrFail(t, failure ?? 'the private MariaDB was not started');
    },
  };
}
