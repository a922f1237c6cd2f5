/** The fault-injection soak (test/db/soak.ts) in small: each fault once per engine; no round may find a violation. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connect } from '../../src/db/client';
import { databaseUrl, dbTest, IN_CI, throwawayDatabase } from './helpers';
import { privateServerProblem, startPrivateMariadb, startPrivatePostgres, type PrivateServer } from './privateServers';
import { schemaOf } from './runHelpers';
import { FAULTS, soakRound } from './soak';

for (const engine of ['postgres', 'mysql'] as const) {
  describe(`runner soak on ${engine}`, () => {
    const db = throwawayDatabase(engine);
    FAULTS.forEach((fault, i) => {
      if (fault === 'server-restart') return; // below, on a private server
      test(
        `${fault}: rows intact, table writable, state consistent, exact resume`,
        dbTest(async (t) => {
          const d = db.get(t);
          const r = await soakRound(d.client, d.url, () => d.connect(), engine, schemaOf(engine, d.name), i, fault, 2000);
          assert.equal(r.injected, true, `the ${fault} fault did not land`);
          assert.deepEqual(r.violations, []);
        }),
      );
    });
  });

  // The shared servers are never restarted: this fault gets a private server of its own (pg_createcluster / mariadbd).
  const why = privateServerProblem(engine);
  if (why && IN_CI) throw new Error(`CI=true and the server-restart soak cannot run: ${why}`);
  describe(`runner soak on ${engine}: server restart (private server)`, { skip: why }, () => {
    let server: PrivateServer | undefined;
    before(async () => {
      server = engine === 'postgres' ? await startPrivatePostgres(5461, 'cw_soak_restart') : await startPrivateMariadb(3351);
      const admin = await connect(server.url);
      await admin.query('CREATE DATABASE cw_soak');
      await admin.close();
    });
    after(async () => {
      await server?.stop();
    });

    test('server-restart: the run loses its connection; rows intact, table writable, state consistent, exact resume', async () => {
      const url = databaseUrl(server!.url, 'cw_soak');
      const client = await connect(url);
      try {
        const r = await soakRound(
          client,
          url,
          () => connect(url),
          engine,
          schemaOf(engine, 'cw_soak'),
          0,
          'server-restart',
          2000,
          () => server!.restart(),
        );
        assert.equal(r.injected, true, 'the restart did not end the run with a lost connection');
        assert.deepEqual(r.violations, []);
      } finally {
        await client.close().catch(() => undefined);
      }
    });
  });
}
