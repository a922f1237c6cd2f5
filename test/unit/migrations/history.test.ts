/** Which folder entries recording picks for a tool whose migration is a folder (Prisma), and Prisma's checksum. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { it } from 'node:test';
import { folderEntries, historyRecording, writtenFiles } from '../../../src/core/migrations/history';
import { WRITERS } from '../../../src/core/migrations/tools/index';
import { prismaChecksum } from '../../../src/core/migrations/tools/prisma';
import { planFor } from './plans';

const plan = planFor('postgres', '15.4', 'token uuid NOT NULL DEFAULT gen_random_uuid()', { table: 't', rows: 10 });

it("Prisma: the plan's migration folders are picked, as <folder>/migration.sql; files and other folders are not", () => {
  const entries = [
    { name: '20261205100000_add_t_token_expand', folder: true },
    { name: '20261205100001_add_t_token_backfill', folder: true },
    { name: '20261205100002_add_t_other_expand', folder: true },
    { name: 'migration_lock.toml', folder: false },
    { name: '20261205100003_add_t_token_constrain.sql', folder: false },
  ];
  assert.deepEqual(writtenFiles(WRITERS.prisma, plan, folderEntries(WRITERS.prisma, entries)), [
    '20261205100000_add_t_token_expand/migration.sql',
    '20261205100001_add_t_token_backfill/migration.sql',
  ]);
  // A tool whose migrations are files ignores folders.
  assert.deepEqual(folderEntries(WRITERS.dbmate, entries), ['migration_lock.toml', '20261205100003_add_t_token_constrain.sql']);
});

it("Prisma's checksum is SHA-256 of the file's bytes in hex, line endings as they are", () => {
  const text = '\uFEFF-- ä\r\nSELECT 1;\n';
  assert.equal(prismaChecksum(text), createHash('sha256').update(text, 'utf8').digest('hex'));
  assert.notEqual(prismaChecksum('a\r\n'), prismaChecksum('a\n'));
  const rec = historyRecording(WRITERS.prisma, 'postgres', [{ name: '20261205100000_add_t_token_expand/migration.sql', content: text }], {
    now: new Date('2026-12-05T10:00:00Z'),
  });
  assert.deepEqual(rec.migrations, ['20261205100000_add_t_token_expand']);
  assert.equal(rec.table, '_prisma_migrations');
  assert.match(rec.sql[1]!, new RegExp(prismaChecksum(text)));
  assert.match(rec.sql[1]!, /h\.rolled_back_at IS NULL\)/);
});
