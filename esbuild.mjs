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

// The CLI loads its heavy modules on first use from bundles beside it (dist/cli-<name>.js), so `column-wizard lint`
// reads and compiles neither the database drivers nor the other engine's parser: dist/cli.js stays small.
const require = createRequire(import.meta.url);
const cliLazy = { pg: 'cli-pg', 'mysql2/promise': 'cli-mysql2', 'libpg-query': 'cli-libpg-query', 'node-sql-parser/build/mysql': 'cli-mysql-parser' };
const cliLazyPlugin = {
  name: 'cli-lazy',
  setup(build) {
    // `await import('pg')` becomes a CommonJS stub that requires ./cli-pg.js: the import keeps its named exports.
    build.onResolve({ filter: /^(pg|mysql2\/promise|libpg-query|node-sql-parser\/build\/mysql)$/ }, (a) => (a.kind === 'dynamic-import' ? { path: a.path, namespace: 'cli-lazy' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'cli-lazy' }, (a) => ({ contents: `module.exports = require(${JSON.stringify(`./${cliLazy[a.path]}.js`)});`, loader: 'js' }));
    build.onResolve({ filter: /^\.\/cli-[\w-]+\.js$/ }, (a) => ({ path: a.path, external: true }));
  },
};

const builds = [
  { ...common, entryPoints: ['src/extension/activate.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', target: 'node20', external: nodeExternal },
  { ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node20', external: nodeExternal, banner: { js: '#!/usr/bin/env node' }, plugins: [cliLazyPlugin] },
  { ...common, entryPoints: Object.fromEntries(Object.entries(cliLazy).map(([mod, out]) => [out, require.resolve(mod)])), outdir: 'dist', platform: 'node', format: 'cjs', target: 'node20', external: nodeExternal },
  { ...common, entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife', target: 'es2022' },
];

// PostgreSQL's parser (libpg-query, used by the SQL linter) loads its WebAssembly from beside the bundle.
mkdirSync('dist', { recursive: true });
copyFileSync(require.resolve('libpg-query/wasm/libpg-query.wasm'), 'dist/libpg-query.wasm');

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
