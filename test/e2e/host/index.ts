/**
 * Extension-host test entry (`extensionTestsPath`): the `run()` that VS Code's test host calls, the same
 * contract @vscode/test-electron uses. Runs every `*.spec.js` built next to it with mocha; with CW_HOST_RESTRICTED=1
 * (an untrusted workspace) only restricted.spec.js, otherwise all but it.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 30000 });
  const restricted = process.env.CW_HOST_RESTRICTED === '1';
  for (const f of readdirSync(__dirname)
    .filter((n) => n.endsWith('.spec.js'))
    .sort()) {
    if ((f === 'restricted.spec.js') === restricted) mocha.addFile(join(__dirname, f));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} extension-host test(s) failed`)) : resolve()));
  });
}
