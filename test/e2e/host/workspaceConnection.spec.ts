/// <reference types="mocha" />
/**
 * Issue 15: a repository's `.vscode/settings.json` defines a connection with the same name as one of the user's
 * ("prod", whose password is in secret storage) but pointing at another port. Opening it asks to confirm host and
 * port first (declined: not even a TCP connection), and once confirmed the server there never receives the stored
 * password. "There" is a stand-in PostgreSQL server on 127.0.0.1 that asks every client for its password in clear
 * text and records every byte it gets. The dialogs are answered by replacing the window functions the extension calls
 * (the test and the extension share the host's API object), restored afterwards.
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import * as vscode from 'vscode';
import { until } from './until';

const EXT_ID = 'column-wizard.column-wizard';
const SECRET = `cw-e2e-secret-${Math.random().toString(36).slice(2, 10)}`;

type Answer = (message: string, ...rest: unknown[]) => unknown;

describe('a workspace connection named like a user connection', function () {
  this.timeout(120000);
  const cfg = () => vscode.workspace.getConfiguration('columnWizard');
  const win = vscode.window as unknown as Record<string, Answer>;
  const saved: Record<string, Answer> = {};
  const warnings: string[] = [];
  let confirm: string | undefined;
  let server: Server;
  let port = 0;
  const connections: { bytes: Buffer[] }[] = [];

  const stub = (name: string, fn: Answer) => {
    saved[name] ??= win[name]!;
    win[name] = fn;
  };

  before(async function () {
    if (!vscode.workspace.isTrusted) this.skip();
    server = createServer((socket: Socket) => {
      const seen = { bytes: [] as Buffer[] };
      connections.push(seen);
      let asked = false;
      socket.on('data', (b: Buffer) => {
        seen.bytes.push(b);
        if (!asked) {
          asked = true;
          socket.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3])); // AuthenticationCleartextPassword
          setTimeout(() => socket.destroy(), 1500);
        }
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as { port: number }).port;

    await vscode.extensions.getExtension(EXT_ID)!.activate();
    // The user's own "prod" with its password, saved through Add Connection (PG_URL's server; trust auth accepts it).
    stub('showQuickPick', (items: unknown, opts?: unknown) => {
      const placeHolder = (opts as { placeHolder?: string } | undefined)?.placeHolder ?? '';
      const list = items as { label: string; value: unknown }[];
      if (/^Import a connection/.test(placeHolder)) return list.find((i) => i.value === null);
      if (placeHolder === 'Database server') return list.find((i) => i.value === 'postgres');
      if (placeHolder === 'TLS') return list.find((i) => i.value === false);
      if (/^Where to save/.test(placeHolder)) return list.find((i) => i.value === vscode.ConfigurationTarget.Global);
      return undefined;
    });
    const pg = new URL(process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
    const inputs: Record<string, string> = {
      Host: pg.hostname,
      Port: pg.port || '5432',
      Database: 'postgres',
      User: decodeURIComponent(pg.username) || 'postgres',
      'Name of this connection': 'prod',
    };
    stub('showInputBox', (opts: unknown) => {
      const prompt = (opts as { prompt: string }).prompt;
      return prompt.startsWith('Password') ? SECRET : inputs[prompt];
    });
    await cfg().update('connections', undefined, vscode.ConfigurationTarget.Workspace);
    await cfg().update('connections', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('columnWizard.addConnection');
    const user = cfg().inspect<{ name: string; port: number }[]>('connections')?.globalValue ?? [];
    assert.deepEqual(
      user.map((p) => [p.name, p.port]),
      [['prod', Number(pg.port || 5432)]],
      'Add Connection did not save the user profile',
    );
    // The repository's "prod": same name, same user and database, another port.
    await cfg().update(
      'connections',
      [
        {
          name: 'prod',
          dialect: 'postgres',
          host: '127.0.0.1',
          port,
          database: 'postgres',
          user: decodeURIComponent(pg.username) || 'postgres',
        },
      ],
      vscode.ConfigurationTarget.Workspace,
    );
    stub('showWarningMessage', (message: string, ...rest: unknown[]) => {
      warnings.push(message);
      const modal = (rest[0] as { modal?: boolean } | undefined)?.modal === true;
      return Promise.resolve(modal && /^This workspace's settings define the connection/.test(message) ? confirm : undefined);
    });
    stub('showErrorMessage', () => Promise.resolve(undefined));
  });

  after(async () => {
    for (const [name, fn] of Object.entries(saved)) win[name] = fn;
    await cfg().update('connections', undefined, vscode.ConfigurationTarget.Workspace);
    await cfg().update('connections', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    server?.close();
  });

  const openTables = async () => {
    // Add Column… picks the only connection (the workspace's list replaces the user's) and lists its tables.
    const done = vscode.commands.executeCommand('columnWizard.addColumn').then(
      () => undefined,
      () => undefined,
    );
    await Promise.race([done, new Promise((r) => setTimeout(r, 8000))]);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  };

  it('asks to confirm host and port, and a declined connection opens no socket', async () => {
    confirm = undefined;
    await openTables();
    const asked = warnings.find((m) => m.startsWith('This workspace\'s settings define the connection "prod"'));
    assert.ok(asked, warnings.join(' | '));
    assert.match(asked, new RegExp(`Connect to 127\\.0\\.0\\.1 port ${port}\\?`));
    assert.equal(connections.length, 0, 'the declined workspace connection reached its server');
  });

  it('once confirmed, the server it names never receives the password saved for the user\'s "prod"', async () => {
    confirm = 'Connect';
    warnings.length = 0;
    await openTables();
    await until('a connection to the workspace server', () => (connections.length > 0 ? true : undefined), 20000);
    await new Promise((r) => setTimeout(r, 2000)); // whatever the client answers to the password request
    const received = Buffer.concat(connections.flatMap((c) => c.bytes)).toString('latin1');
    assert.ok(received.includes('user\u0000'), 'the stand-in server saw no startup message');
    assert.ok(!received.includes(SECRET), 'the stored password was sent to the workspace-defined server');
  });
});
