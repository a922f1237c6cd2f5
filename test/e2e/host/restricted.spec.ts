/// <reference types="mocha" />
/**
 * Issue 15: in Restricted Mode (an untrusted folder; host.test.ts starts this session with workspace trust on and a
 * fresh user-data dir, and runs only this spec) a migration file is still linted offline, the connection the
 * workspace's .vscode/settings.json defines is ignored, and Add Column… is refused with the Restricted Mode message
 * without opening a socket to the user's connection (a stand-in TCP server on 127.0.0.1 that records connections).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import * as vscode from 'vscode';
import { until } from './until';

const EXT_ID = 'column-wizard.column-wizard';
const SQL = "-- migrate:up\nSET lock_timeout = '2s';\nALTER TABLE accounts ADD COLUMN token uuid DEFAULT gen_random_uuid();\n";

type Answer = (message: string, ...rest: unknown[]) => unknown;

describe('Restricted Mode', function () {
  this.timeout(120000);
  const cfg = () => vscode.workspace.getConfiguration('columnWizard');
  const win = vscode.window as unknown as Record<string, Answer>;
  const saved: Record<string, Answer> = {};
  const messages: string[] = [];
  let server: Server;
  let port = 0;
  let sockets = 0;
  let uri: vscode.Uri;

  before(async () => {
    server = createServer((socket) => {
      sockets++;
      socket.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as { port: number }).port;
    await vscode.extensions.getExtension(EXT_ID)!.activate();
    for (const name of ['showErrorMessage', 'showWarningMessage', 'showInformationMessage']) {
      saved[name] = win[name]!;
      win[name] = (message: string) => {
        messages.push(message);
        return Promise.resolve(undefined);
      };
    }
    // The user's connection (user settings apply in Restricted Mode) points at the stand-in server.
    await cfg().update(
      'connections',
      [{ name: 'cw-restricted-user', dialect: 'postgres', host: '127.0.0.1', port, database: 'postgres', user: 'postgres' }],
      vscode.ConfigurationTarget.Global,
    );
  });

  after(async () => {
    for (const [name, fn] of Object.entries(saved)) win[name] = fn;
    await cfg().update('connections', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    if (uri) {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      await vscode.workspace.fs.delete(uri);
    }
    server?.close();
  });

  it('the folder is untrusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('a migration file still gets lint diagnostics (offline)', async () => {
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    uri = vscode.Uri.joinPath(folder, 'db', 'migrations', `29990101000000_cw_restricted_${Date.now()}.sql`);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(SQL));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const ours = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'column-wizard');
    const diags = await until('diagnostics', () => (ours().length > 0 ? ours() : undefined), 60000);
    assert.ok(
      diags.some((d) => (typeof d.code === 'object' ? d.code.value : d.code) === 'add-column-rewrite'),
      diags.map((d) => String(d.message)).join(' | '),
    );
  });

  it('ignores the workspace-defined connection', async () => {
    const file = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, '.vscode', 'settings.json');
    assert.match(
      new TextDecoder().decode(await vscode.workspace.fs.readFile(file)),
      /cw-restricted-ws/,
      'the fixture defines a workspace connection',
    );
    assert.deepEqual(
      (cfg().get<{ name: string }[]>('connections') ?? []).map((p) => p.name),
      ['cw-restricted-user'],
    );
  });

  it('refuses to connect with the Restricted Mode message and opens no socket', async () => {
    const done = vscode.commands.executeCommand('columnWizard.addColumn').then(
      () => undefined,
      (e: unknown) => {
        messages.push(String(e));
      },
    );
    await Promise.race([done, new Promise((r) => setTimeout(r, 15000))]);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    const refused = await until(
      'the Restricted Mode message',
      () => messages.find((m) => /does not connect to databases in Restricted Mode/.test(m)),
      30000,
    );
    assert.ok(refused);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(sockets, 0, 'a connection reached the stand-in server in Restricted Mode');
  });
});
