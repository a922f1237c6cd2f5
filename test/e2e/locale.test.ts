/**
 * The packaged extension in a real VS Code whose display language is German: code-server started with `--locale de`
 * and a minimal German language pack (test/e2e/fixtures/langpack-de, no translations of its own — VS Code only
 * switches its language when a pack for it is installed, and Microsoft's pack cannot be downloaded here). The
 * extension must then run with `vscode.env.language` 'de' and show its own German: command titles from
 * package.nls.de.json, the language status item and the lint diagnostics from l10n/bundle.l10n.de.json.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { packageFixtureVsix } from '../../scripts/codeServer';
import { ROOT } from '../../scripts/tools';
import { E2E_DIR, shotOnFailure, startSession, type Session } from './harness';
import { languageStatusHover, openFile, runCommand, screenshot } from './workbench';

const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('e2e: the VSIX in code-server with --locale de and a German language pack', { timeout: 900000 }, () => {
  let s: Session | undefined;
  const workspace = join(E2E_DIR, 'locale-de-ws');

  before(
    async () => {
      rmSync(workspace, { recursive: true, force: true });
      cpSync(join(ROOT, 'test', 'e2e', 'fixtures', 'dbmate-ws'), workspace, { recursive: true });
      // A migration with one finding whose German text is plain: drop-table.
      writeFileSync(
        join(workspace, 'db', 'migrations', '20240201000000_drop_accounts.sql'),
        "-- migrate:up\nSET lock_timeout = '2s';\nDROP TABLE accounts;\n\n-- migrate:down\n",
      );
      const pack = packageFixtureVsix(join(ROOT, 'test', 'e2e', 'fixtures', 'langpack-de'), join(E2E_DIR, 'langpack-de.vsix'));
      s = await startSession({ name: 'locale-de', workspace, locale: 'de', extraVsix: [pack] });
    },
    { timeout: 900000 },
  );
  after(
    async () => {
      await s?.close();
    },
    { timeout: 60000 },
  );

  it('the palette shows the German command title, and the extension runs with vscode.env.language "de"', async () => {
    const page = s!.page;
    await shotOnFailure(page, 'locale-show-log', async () => {
      // package.nls.de.json's "commands.showLog.title"; the category is the product name in both languages.
      await runCommand(page, 'Column Wizard: Protokoll anzeigen');
      // The activation line names vscode.env.language as the extension host sees it.
      const line = `Column Wizard ${version} activated`;
      const output = page.locator('.part.panel .monaco-editor .view-lines', { hasText: line });
      try {
        await output.waitFor({ timeout: 10000 });
      } catch {
        // As in workbench.test.ts: a Show Log that activates the extension during start-up can be dropped once.
        await runCommand(page, 'Column Wizard: Protokoll anzeigen');
        await output.waitFor({ timeout: 20000 });
      }
      const text = (await output.innerText()).replace(/\s+/g, ' ');
      assert.match(text, /activated \(VS Code [\d.]+, display language de\)/, text);
      await screenshot(page, 'de-1-show-log');
    });
  });

  it('a migration .sql file: the language status item and the lint diagnostic are German', async () => {
    const page = s!.page;
    await shotOnFailure(page, 'locale-lint', async () => {
      await openFile(page, '20240201000000_drop_accounts.sql');
      const item = await languageStatusHover(page, /Column Wizard: offline, Regeln von PostgreSQL \d+(\.\d+)*/);
      assert.equal(await item.locator('.right a').first().innerText(), 'Ändern');
      await screenshot(page, 'de-2-language-status');
      await page.mouse.move(0, 0);
      await page.keyboard.press('Control+Shift+M'); // View: Toggle Problems
      const message = page.locator('.markers-panel .monaco-list-row', {
        hasText: 'DROP TABLE accounts: Ihre Zeilen sind weg, und Abfragen, die die Tabelle noch verwenden, schlagen fehl.',
      });
      await message.first().waitFor({ timeout: 30000 });
      await screenshot(page, 'de-3-problems');
    });
  });
});
