/**
 * A literal default typed in the wizard with backslashes (a Windows path, a regex) reaches the server as exactly
 * that text on both engines: the draft → spec → plan path, then the expand step run on the real server, then an
 * INSERT that takes the default.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planColumn } from '../../src/core/plan';
import { EMPTY_DRAFT } from '../../src/protocol';
import { draftToSpec } from '../../src/core/draft';
import { dbTest, throwawayDatabase } from './helpers';

const VALUE = String.raw`C:\temp\new ' "x" \n end\\`;

for (const engine of ['postgres', 'mysql'] as const) {
  describe(`a literal default with backslashes on ${engine}`, () => {
    const db = throwawayDatabase(engine);
    test(
      'is stored and returned exactly as typed',
      dbTest(async (t) => {
        const d = db.get(t);
        const dialect = engine === 'postgres' ? 'postgres' : 'mariadb';
        const { spec, findings } = draftToSpec(
          {
            ...EMPTY_DRAFT,
            name: 'path',
            type: engine === 'postgres' ? 'text' : 'varchar(100)',
            defaultKind: 'literal',
            defaultText: VALUE,
          },
          dialect,
        );
        assert.deepEqual(findings, []);
        await d.client.execute('CREATE TABLE files (id int PRIMARY KEY)');
        const schema = engine === 'postgres' ? 'public' : d.name;
        const plan = planColumn(
          spec!,
          { table: { schema, name: 'files' }, rows: 0, bytes: 0, primaryKey: ['id'] },
          { dialect, version: engine === 'postgres' ? '15.4' : '10.11.6-MariaDB' },
        );
        for (const s of plan.phases[0]!.steps) {
          if (s.lockTimeoutSql) await d.client.execute(s.lockTimeoutSql);
          await d.client.execute(s.sql);
        }
        await d.client.execute('INSERT INTO files (id) VALUES (1)');
        const [row] = await d.client.query<{ path: string }>('SELECT path FROM files WHERE id = 1');
        assert.equal(row!.path, VALUE);
      }),
    );
  });
}
