import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { repeatedBlocks } from '../../scripts/checkDuplicates';

// The rule itself (no block of six or more lines repeated in src/ or webview/) is checked by `npm run check:duplicates`
// where the tool library's `duplicates` command exists; here, how its output is read.
describe('no repeated blocks in src/ and webview/', () => {
  it('reads the tool output: a copied or same-shape block counts, boilerplate, test files and allowed pairs do not', () => {
    const output = [
      '4 pairs of places (9 files read), each sharing runs of 6 or more identical or same-shape lines',
      'D1 src/db/mysql/run.ts:243-257 ~ src/db/postgres/run.ts:257-271 (+2 more runs)',
      'D2 src/core/plan.ts:387-394 ~ webview/main.ts:402-409 shape',
      'D3 src/cli.ts:30-55 ~ src/cli.ts:55-65 shape boilerplate (+19 more runs)',
      'D4 test/db/a.test.ts:1-9 ~ src/core/b.ts:1-9',
      'D5 src/core/types.ts:130-137 ~ src/extension/wizard/topology.ts:17-25 shape',
    ].join('\n');
    assert.deepEqual(repeatedBlocks(output), [
      'D1 src/db/mysql/run.ts:243-257 ~ src/db/postgres/run.ts:257-271 (+2 more runs)',
      'D2 src/core/plan.ts:387-394 ~ webview/main.ts:402-409 shape',
    ]);
  });
});
