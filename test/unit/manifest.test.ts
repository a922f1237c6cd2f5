import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { localizeManifest } from '../../scripts/nls';
import { COMMANDS } from '../../src/extension/commandIds';

// As VS Code shows it: the "%key%" references resolved from package.nls.json.
const manifest = localizeManifest(JSON.parse(readFileSync('package.json', 'utf8')), JSON.parse(readFileSync('package.nls.json', 'utf8')));

describe('package.json manifest', () => {
  it('contributes exactly the commands the extension registers', () => {
    const contributed = (manifest.contributes.commands as { command: string }[]).map((c) => c.command).sort();
    assert.deepEqual(contributed, Object.values(COMMANDS).sort());
  });

  it('registers every command id through the handler table in src/extension/commands', () => {
    // The handler table is typed Record<CommandKey, Handler>, so a missing handler fails to compile; this checks
    // that the registration loop covers COMMANDS rather than a hand-written list.
    const src = readFileSync('src/extension/commands/index.ts', 'utf8');
    assert.match(src, /for \(const key of Object\.keys\(COMMANDS\)/);
    for (const key of Object.keys(COMMANDS)) assert.match(src, new RegExp(`\\n  ${key}: `), `no handler for ${key}`);
  });

  it('puts every command in the "Column Wizard" category', () => {
    for (const c of manifest.contributes.commands) assert.equal(c.category, 'Column Wizard', c.command);
  });

  it('activates on every command and on SQL files', () => {
    const events: string[] = manifest.activationEvents;
    assert.ok(events.includes('onLanguage:sql'));
    for (const id of Object.values(COMMANDS)) assert.ok(events.includes(`onCommand:${id}`), id);
  });

  it('declares the first settings and the CLI bin', () => {
    const props = Object.keys(manifest.contributes.configuration.properties).sort();
    for (const p of ['columnWizard.connections', 'columnWizard.lockTimeoutMs', 'columnWizard.migrationsTool']) assert.ok(props.includes(p), p);
    assert.deepEqual(manifest.bin, { 'column-wizard': 'dist/cli.js' });
    assert.equal(manifest.engines.vscode, '^1.90.0');
  });

  it('never offers a password setting', () => {
    const text = JSON.stringify(manifest.contributes.configuration);
    assert.doesNotMatch(text, /"password"/i);
  });
  it('puts the Connections view in its own activity-bar container, with menus that name contributed commands', () => {
    const c = manifest.contributes;
    const container = c.viewsContainers.activitybar.find((v: { id: string }) => v.id === 'columnWizard');
    assert.ok(container, 'no columnWizard activity-bar container');
    assert.ok(existsSync(container.icon), `missing icon ${container.icon}`);
    assert.deepEqual(c.views.columnWizard.map((v: { id: string }) => v.id), ['columnWizard.connections']);
    assert.ok(manifest.activationEvents.includes('onView:columnWizard.connections'));
    const commands = new Set(Object.values(COMMANDS));
    const items = [...c.menus['view/title'], ...c.menus['view/item/context']] as { command: string; when: string }[];
    for (const item of items) {
      assert.ok(commands.has(item.command as never), `menu names unknown command ${item.command}`);
      assert.match(item.when, /view == columnWizard\.connections/);
    }
    // The tree's context values (src/extension/tree.ts) drive the item menus.
    assert.ok(items.some((i) => i.command === COMMANDS.addColumn && /viewItem == table/.test(i.when)), 'Add Column… on a table');
    assert.ok(items.some((i) => i.command === COMMANDS.removeConnection && /viewItem == connection/.test(i.when)), 'Remove Connection on a connection');
    const tree = readFileSync('src/extension/tree.ts', 'utf8');
    for (const v of ['table', 'connection']) assert.match(tree, new RegExp(`contextValue = '${v}'`));
    assert.match(c.viewsWelcome[0].contents, /\(command:columnWizard\.addConnection\)/);
  });
});
