/// <reference types="mocha" />
/**
 * The Connections view in a real extension host: contributed in its container, and it opens.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';

interface Manifest {
  contributes: { views?: Record<string, { id: string }[]>; viewsContainers?: { activitybar?: { id: string }[] } };
}

describe('the Connections view', () => {
  const ext = () => {
    const e = vscode.extensions.getExtension('column-wizard.column-wizard');
    assert.ok(e, 'extension not loaded');
    return e;
  };
  before(async () => {
    await ext().activate();
  });

  it('is contributed in its own activity-bar container, and VS Code registered its commands', async () => {
    const m = ext().packageJSON as Manifest;
    const containers = (m.contributes.viewsContainers?.activitybar ?? []).map((c) => c.id);
    const views = Object.entries(m.contributes.views ?? {}).flatMap(([container, vs]) => vs.map((v) => ({ container, id: v.id })));
    const connections = views.find((v) => v.id === 'columnWizard.connections');
    assert.ok(connections, `views: ${JSON.stringify(views)}`);
    assert.ok(containers.includes(connections.container), `container ${connections.container} not in ${JSON.stringify(containers)}`);
    // VS Code creates `<view id>.focus` and `workbench.view.extension.<container>` for contributed views.
    const commands = new Set(await vscode.commands.getCommands(true));
    assert.ok(commands.has('columnWizard.connections.focus'), 'no focus command for the view');
    assert.ok(commands.has(`workbench.view.extension.${connections.container}`), 'no command to open the container');
  });

  it('opens (its focus command fails for an unknown view)', async () => {
    await vscode.commands.executeCommand('columnWizard.connections.focus');
  });
});
