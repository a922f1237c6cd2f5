/**
 * No block of six or more lines is repeated in src/ or webview/ (issue 16 item 5). Run with `npm run check:duplicates`
 * where the tool library's `duplicates` command is installed; it is not an npm package, so this check is not part of
 * `npm test` (CI has no such command). Exit 0: none; 1: repeated blocks, listed; 2: the command is missing or cut short.
 * A row the tool marks `boilerplate` (punctuation, keywords, or a shape that recurs across a folder, such as the
 * one-module-per-rule files under core/lint/rules/) does not count. Pairs that share only the shape of a declaration
 * are listed in ALLOWED with the reason they stay.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const CODE = /^(src|webview)\//;
export const ALLOWED: Record<string, string> = {
  'src/core/drift.ts ~ src/core/lint/analyze.ts': 'two result interfaces with different fields (readonly a: T lines)',
  'src/core/types.ts ~ src/extension/wizard/topology.ts': 'two interfaces with different fields',
  'src/core/migrations/tools/golangMigrate.ts ~ src/core/migrations/tools/prisma.ts':
    "each tool module's own header: tool, label, transactions",
};

interface Row {
  readonly a: string;
  readonly b: string;
  readonly text: string;
  readonly boilerplate: boolean;
}

/** The rows of `duplicates` output: `D1 a.ts:10-24 ~ b.ts:40-54 [shape] [boilerplate] [(+N more runs)]`. */
export function duplicateRows(output: string): Row[] {
  return output.split('\n').flatMap((line) => {
    const m = /^D\d+ (\S+?):\d+-\d+ ~ (\S+?):\d+-\d+(.*)$/.exec(line);
    return m ? [{ a: m[1]!, b: m[2]!, text: line, boilerplate: /\bboilerplate\b/.test(m[3]!) }] : [];
  });
}

/** The rows that break the rule: both sides in src/ or webview/, not boilerplate, not allowed. */
export function repeatedBlocks(output: string): string[] {
  return duplicateRows(output)
    .filter((r) => CODE.test(r.a) && CODE.test(r.b) && !r.boilerplate && !ALLOWED[`${r.a} ~ ${r.b}`])
    .map((r) => r.text);
}

if (require.main === module) {
  const r = spawnSync('duplicates', ['--most', '200', '--seconds', '120'], { cwd: ROOT, encoding: 'utf8' });
  if (r.error) {
    console.error(`check:duplicates: the duplicates command is not installed here (${r.error.message})`);
    process.exit(2);
  }
  if (/^incomplete:/m.test(r.stdout) || /more pairs\)/.test(r.stdout)) {
    console.error(`check:duplicates: the tool's list was cut short (raise --most or --seconds)\n${r.stdout}`);
    process.exit(2);
  }
  const bad = repeatedBlocks(r.stdout);
  console.log(
    bad.length
      ? `repeated blocks in src/ or webview/:\n${bad.join('\n')}`
      : `no repeated blocks in src/ or webview/ (${duplicateRows(r.stdout).length} boilerplate or allowed rows)`,
  );
  process.exit(bad.length ? 1 : 0);
}
