/** The fault-injection soak (test/db/soak.ts) in small: each fault once per engine; no round may find a violation. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dbTest, throwawayDatabase } from './helpers';
import { schemaOf } from './run-helpers';
import { FAULTS, soakRound } from './soak';

for (const engine of ['postgres', 'mysql'] as const) {
  describe(`runner soak on ${engine}`, () => {
    const db = throwawayDatabase(engine);
    FAULTS.forEach((fault, i) => {
      test(`${fault}: rows intact, table writable, state consistent, exact resume`, dbTest(async (t) => {
        const d = db.get(t);
        const r = await soakRound(d.client, d.url, () => d.connect(), engine, schemaOf(engine, d.name), i, fault, 2000);
        assert.equal(r.injected, true, `the ${fault} fault did not land`);
        assert.deepEqual(r.violations, []);
      }));
    });
  });
}
