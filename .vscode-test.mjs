// @vscode/test-cli configuration (`npm run test:vscode`): the extension-host specs of test/e2e/host, built to
// out/host-tests by scripts/buildHostTests.ts, run in a downloaded VS Code. Needs access to VS Code's download
// server; on machines without it, `npm run test:e2e` runs the same specs in code-server (test/e2e/host.test.ts).
import { cpSync, rmSync } from 'node:fs';
import { defineConfig } from '@vscode/test-cli';

// The specs write migration files into the workspace: give them a fresh copy of the fixture, not the fixture.
const workspace = 'out/vscode-test-ws';
rmSync(workspace, { recursive: true, force: true });
cpSync('test/e2e/fixtures/dbmate-ws', workspace, { recursive: true });

export default defineConfig({
  label: 'extension host',
  files: 'out/host-tests/*.spec.js',
  workspaceFolder: workspace,
  mocha: { ui: 'bdd', timeout: 30000, color: false },
});
