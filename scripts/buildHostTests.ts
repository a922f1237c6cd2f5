/**
 * Builds the extension-host tests (test/e2e/host/*.ts) into out/host-tests/: `index.js` (the `run()` entry for
 * extensionTestsPath) and one `*.spec.js` per spec file. `vscode` and `mocha` stay external: the host provides
 * the first, node_modules the second (one mocha instance, so the spec files see its globals).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { ROOT } from './tools';

export const HOST_TESTS_OUT = join(ROOT, 'out', 'host-tests');

export async function buildHostTests(): Promise<string> {
  const srcDir = join(ROOT, 'test', 'e2e', 'host');
  const entryPoints = readdirSync(srcDir)
    .filter((n) => n.endsWith('.ts'))
    .map((n) => join(srcDir, n));
  await esbuild.build({
    entryPoints,
    outdir: HOST_TESTS_OUT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha', 'pg-native', 'cloudflare:sockets'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return join(HOST_TESTS_OUT, 'index.js');
}

if (require.main === module) {
  buildHostTests().then(
    (p) => console.log(`built ${p}`),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
