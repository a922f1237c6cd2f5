import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

// No block of six or more lines is repeated in src/ or webview/ (issue 16 item 5), checked with the tool library's
// `duplicates` command where it is installed (it is not an npm package: elsewhere, CI included, this test is skipped).
// A row the tool marks `boilerplate` (punctuation, keywords, or a shape that recurs across a folder, such as the
// one-module-per-rule files under core/lint/rules/) does not count. Pairs that share only the shape of a declaration
// are listed below with the reason they stay.
const ROOT = join(__dirname, '..', '..');
const CODE = /^(src|webview)\//;
const ALLOWED: Record<string, string> = {
  'src/core/drift.ts ~ src/core/lint/analyze.ts': 'two result interfaces with different fields (readonly a: T lines)',
  'src/core/types.ts ~ src/extension/wizard/topology.ts': 'two interfaces with different fields',
  'src/core/migrations/tools/golangMigrate.ts ~ src/core/migrations/tools/prisma.ts': "each tool module's own header: tool, label, transactions",
};

interface Row {
  readonly a: string;
  readonly b: string;
  readonly text: string;
  readonly boilerplate: boolean;
}

/** The rows of `duplicates` output: `D1 a.ts:10-24 ~ b.ts:40-54 [shape] [boilerplate] [(+N more runs)]`. */
function rows(output: string): Row[] {
  return output.split('\n').flatMap((line) => {
    const m = /^D\d+ (\S+?):\d+-\d+ ~ (\S+?):\d+-\d+(.*)$/.exec(line);
    return m ? [{ a: m[1]!, b: m[2]!, text: line, boilerplate: /\bboilerplate\b/.test(m[3]!) }] : [];
  });
}

/** The rows that break the rule: both sides in src/ or webview/, not boilerplate, not allowed. */
function repeatedBlocks(output: string): string[] {
  return rows(output)
    .filter((r) => CODE.test(r.a) && CODE.test(r.b) && !r.boilerplate && !ALLOWED[`${r.a} ~ ${r.b}`])
    .map((r) => r.text);
}

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

  it('`duplicates` finds none', (t) => {
    const r = spawnSync('duplicates', ['--most', '200', '--seconds', '120'], { cwd: ROOT, encoding: 'utf8' });
    if (r.error) {
      t.skip(`the duplicates command is not installed here (${r.error.message})`);
      return;
    }
    assert.doesNotMatch(r.stdout, /^incomplete:/m, r.stdout);
    assert.doesNotMatch(r.stdout, /more pairs\)/, 'raise --most: the list was cut');
    assert.ok(rows(r.stdout).length > 0 || /no duplicates/.test(r.stdout), r.stdout);
    assert.deepEqual(repeatedBlocks(r.stdout), []);
  });
});
