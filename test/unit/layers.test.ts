import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

// The layer rules of eslint.config.mjs, exercised on code that breaks them. `npm test` runs `npm run lint`,
// so a real file breaking a rule fails the suite; these tests prove the rules catch it.
const eslint = new ESLint();

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer rules (eslint)', () => {
  it('src/core may not import vscode', async () => {
    const p = await problems('src/core/probe.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n");
    assert.equal(p.length, 1);
    assert.match(p[0]!, /no vscode/);
  });

  for (const mod of ['pg', 'mysql2/promise', 'node:fs', 'fs']) {
    it(`src/core may not import ${mod}`, async () => {
      assert.equal((await problems('src/core/probe.ts', `import * as m from '${mod}';\nexport const x = m;\n`)).length, 1);
    });
  }

  it('src/core may import its own modules', async () => {
    assert.deepEqual(await problems('src/core/probe.ts', "import type { Plan } from './types';\nexport type X = Plan;\n"), []);
  });

  it('src/db may not import vscode but may import a driver', async () => {
    assert.equal((await problems('src/db/probe.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n")).length, 1);
    assert.deepEqual(await problems('src/db/probe.ts', "import * as pg from 'pg';\nexport const x = pg;\n"), []);
  });

  for (const mod of ['vscode', '../src/db/client', 'node:path', 'pg']) {
    it(`webview may not import ${mod}`, async () => {
      assert.equal((await problems('webview/probe.ts', `import * as m from '${mod}';\nexport const x = m;\n`)).length, 1);
    });
  }

  it('webview may import the protocol', async () => {
    assert.deepEqual(
      await problems(
        'webview/probe.ts',
        "import { parseHostMessage } from '../src/protocolValidation';\nexport const x = parseHostMessage;\n",
      ),
      [],
    );
  });
});
