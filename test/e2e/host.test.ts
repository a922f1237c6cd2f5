/**
 * Extension-host integration tests (mocha, test/e2e/host/*.spec.ts) run inside code-server's real Node
 * extension host through VS Code's smoke-test driver: the workbench URL's payload carries
 * extensionDevelopmentPath and extensionTestsPath, and the page reports the exit code through
 * window.codeAutomationExit. The same specs run under `npm run test:vscode` where VS Code can be downloaded.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { buildHostTests } from '../../scripts/buildHostTests';
import { ROOT } from '../../scripts/tools';
import { E2E_DIR, log, startSession, type Session } from './harness';

interface HostRun {
  code: number;
  output: string;
}

async function runHostTests(s: Session, testsEntry: string, env: Record<string, string> = {}): Promise<HostRun> {
  const page = await s.browser.newPage();
  const lines: string[] = [];
  let exit!: (code: number) => void;
  const exited = new Promise<number>((r) => {
    exit = r;
  });
  await page.exposeFunction('codeAutomationLog', (_level: unknown, args: unknown[]) => {
    lines.push(format(...(args as [unknown, ...unknown[]])));
  });
  await page.exposeFunction('codeAutomationExit', (code: number) => exit(code));
  const host = `127.0.0.1:${s.server.port}`;
  const payload = [
    ['extensionDevelopmentPath', `vscode-remote://${host}${ROOT}`],
    ['extensionTestsPath', `vscode-remote://${host}${testsEntry}`],
    ['extensionEnvironment', JSON.stringify(env)],
  ];
  await page.goto(`http://${host}/?folder=${encodeURIComponent(s.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<number>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no codeAutomationExit within 240 s; output so far:\n${lines.join('\n')}`)), 240000);
  });
  try {
    const code = await Promise.race([exited, timeout]);
    return { code, output: lines.join('\n') };
  } finally {
    clearTimeout(timer);
    await page.close().catch(() => {});
  }
}

describe('e2e: extension-host tests in code-server', { timeout: 900000 }, () => {
  let s: Session | undefined;
  let entry = '';
  const workspace = join(E2E_DIR, 'host-ws');

  before(
    async () => {
      rmSync(workspace, { recursive: true, force: true });
      cpSync(join(ROOT, 'test', 'e2e', 'fixtures', 'dbmate-ws'), workspace, { recursive: true });
      entry = await buildHostTests();
      s = await startSession({ name: 'host', workspace, smokeTestDriver: true, open: false, vsix: false });
    },
    { timeout: 900000 },
  );
  after(
    async () => {
      await s?.close();
    },
    { timeout: 60000 },
  );

  it('the mocha specs pass in the real extension host', async () => {
    const r = await runHostTests(s!, entry);
    // The workbench's own chatter comes through the same channel: show mocha's report only.
    const report = r.output.split('\n').filter((l) => !/Ignoring fetching additional builtin/.test(l));
    const start = report.findIndex((l) => /Column Wizard in the extension host/.test(l));
    const end = report.findIndex((l) => /\d+ passing/.test(l));
    log(
      `extension host output:\n${report
        .slice(Math.max(0, start - 1), end < 0 ? undefined : end + 1)
        .map((l) => `#   ${l}`)
        .join('\n')}`,
    );
    assert.equal(r.code, 0, r.output);
    const passing = /(\d+) passing/.exec(r.output);
    assert.ok(passing && Number(passing[1]) >= 5, `expected at least 5 passing specs:\n${r.output}`);
    assert.doesNotMatch(r.output, /\d+ failing/);
  });

  it('a failing spec is reported as a failure (exit code 1)', async () => {
    const r = await runHostTests(s!, entry, { CW_HOST_TEST_FAIL: '1' });
    assert.equal(r.code, 1, r.output);
    assert.match(r.output, /1 failing/);
    assert.match(r.output, /deliberate failure/);
  });
});

describe('e2e: extension-host tests in an untrusted folder (Restricted Mode)', { timeout: 900000 }, () => {
  let s: Session | undefined;
  let entry = '';
  const workspace = join(E2E_DIR, 'host-restricted-ws');

  before(
    async () => {
      rmSync(workspace, { recursive: true, force: true });
      cpSync(join(ROOT, 'test', 'e2e', 'fixtures', 'dbmate-ws'), workspace, { recursive: true });
      // A workspace-defined connection: Restricted Mode must ignore it (the setting is restricted in package.json).
      mkdirSync(join(workspace, '.vscode'), { recursive: true });
      writeFileSync(
        join(workspace, '.vscode', 'settings.json'),
        `${JSON.stringify({ 'columnWizard.connections': [{ name: 'cw-restricted-ws', dialect: 'postgres', host: '127.0.0.1', port: 1, database: 'postgres', user: 'postgres' }] }, null, 2)}\n`,
      );
      entry = await buildHostTests();
      // startSession wipes the session's user-data dir, so the folder starts untrusted.
      s = await startSession({
        name: 'host-restricted',
        workspace,
        smokeTestDriver: true,
        open: false,
        vsix: false,
        workspaceTrust: true,
        settings: {
          'security.workspace.trust.enabled': true,
          'security.workspace.trust.startupPrompt': 'never',
          'security.workspace.trust.banner': 'never',
          'security.workspace.trust.emptyWindow': false,
        },
      });
    },
    { timeout: 900000 },
  );
  after(
    async () => {
      await s?.close();
    },
    { timeout: 60000 },
  );

  it('offline lint works and connections are refused without a socket', async () => {
    const r = await runHostTests(s!, entry, { CW_HOST_RESTRICTED: '1' });
    log(
      `extension host output (restricted):\n${r.output
        .split('\n')
        .filter((l) => !/Ignoring fetching additional builtin/.test(l))
        .map((l) => `#   ${l}`)
        .join('\n')}`,
    );
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /4 passing/);
    assert.doesNotMatch(r.output, /\d+ failing|pending/);
  });
});
