// Three bundles: the extension host (node, cjs, vscode external), the wizard webview (browser) and the CLI.
// Drivers are bundled but only evaluated on first use: src/db loads them with dynamic import().
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', legalComments: 'none' };
// pg tries `pg-native` only when asked for it; the optional cloud SDKs are never used here.
const nodeExternal = ['vscode', 'pg-native', 'cloudflare:sockets'];

const builds = [
  { ...common, entryPoints: ['src/extension/activate.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', target: 'node20', external: nodeExternal },
  { ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node20', external: nodeExternal, banner: { js: '#!/usr/bin/env node' } },
  { ...common, entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife', target: 'es2022' },
];

// PostgreSQL's parser (libpg-query, used by the SQL linter) loads its WebAssembly from beside the bundle.
mkdirSync('dist', { recursive: true });
copyFileSync(createRequire(import.meta.url).resolve('libpg-query/wasm/libpg-query.wasm'), 'dist/libpg-query.wasm');

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
