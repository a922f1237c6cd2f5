import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';

// One naming scheme for code files, the one src/ uses: camelCase base names (`runUnit.test.ts`, not `run-unit.test.ts`),
// with an optional role suffix (`.test`, `.spec`, `.cases`, `.d`). Fixtures, the lint corpus and the golden files copy
// other projects' layouts and names, so they are not checked.
const ROOT = join(__dirname, '..', '..');
const TREES = ['src', 'webview', 'test', 'bench', 'scripts'];
const SKIPPED_DIRS = new Set(['node_modules', 'fixtures', 'corpus', 'golden']);
const CODE = /\.(ts|tsx|mts|js|mjs|cjs)$/;
const SCHEME = /^[a-z][A-Za-z0-9]*(\.(test|spec|cases|d))?\.(ts|tsx|mts|js|mjs|cjs)$/;

/** The code files among `paths` whose base names break the scheme. */
function misnamed(paths: readonly string[]): string[] {
  return paths.filter((p) => CODE.test(p) && !SCHEME.test(p.split('/').pop()!));
}

function codeFiles(dir: string): string[] {
  let out: string[] = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIPPED_DIRS.has(e.name)) out = out.concat(codeFiles(p));
    } else if (CODE.test(e.name)) out.push(relative(ROOT, p).split(sep).join('/'));
  }
  return out;
}

describe('file naming scheme', () => {
  it('flags kebab-case, snake_case and capitalised names and accepts camelCase with a role suffix', () => {
    assert.deepEqual(
      misnamed([
        'test/db/run-unit.test.ts',
        'test/db/run_helpers.ts',
        'src/core/ColumnSpec.ts',
        'test/db/runUnit.test.ts',
        'test/e2e/host/view.spec.ts',
        'test/db/rulesVsProbe.cases.ts',
        'scripts/test.mjs',
        'test/webview/vscode-dark.css',
      ]),
      ['test/db/run-unit.test.ts', 'test/db/run_helpers.ts', 'src/core/ColumnSpec.ts'],
    );
  });

  it('every code file in src, webview, test, bench and scripts follows it', () => {
    const files = TREES.flatMap((t) => codeFiles(join(ROOT, t)));
    assert.ok(files.length > 100, `only ${files.length} code files found; is ROOT right?`);
    assert.deepEqual(misnamed(files), []);
  });
});
