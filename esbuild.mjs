// Bundles: the extension host (node, cjs, vscode external), the CLI, the wizard webview (browser), and the libraries
// both node bundles load on first use (VENDOR below).
import * as esbuild from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { lowerInitialMemory } from './scripts/wasmMemory.mjs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const require = createRequire(import.meta.url);
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', legalComments: 'none' };
// pg tries `pg-native` only when asked for it; the optional cloud SDKs are never used here.
const nodeExternal = ['vscode', 'pg-native', 'cloudflare:sockets'];

// Libraries the extension and the CLI load only on first use (parsers, drivers, the YAML writer): each is its own
// bundle, dist/vendor-<name>.js, which the two entry bundles `require` where the source imports the package. Activation
// then compiles none of them (bench/activation.ts measures it). One copy of each, shared by both entry bundles.
export const VENDOR = {
  'libpg-query': 'vendor-libpg-query',
  'node-sql-parser/build/mysql': 'vendor-sql-parser-mysql',
  'node-sql-parser/build/mariadb': 'vendor-sql-parser-mariadb',
  pg: 'vendor-pg',
  'mysql2/promise': 'vendor-mysql2',
  yaml: 'vendor-yaml',
};
// Of these, the ones our code imports statically (not through `import()`): the entry bundle gets a stand-in whose exports
// are getters that `require` the vendor file on first use, so loading the code that imports one (yaml: the Liquibase
// writer, which the linter reaches through the migration tool registry) does not compile it.
const STATIC_VENDOR = ['yaml'];
const vendorExternal = {
  name: 'vendor-external',
  setup(build) {
    const filter = new RegExp(
      `^(${Object.keys(VENDOR)
        .map((k) => k.replace(/[/.-]/g, '\\$&'))
        .join('|')})$`,
    );
    build.onResolve({ filter }, (args) =>
      STATIC_VENDOR.includes(args.path) && args.namespace !== 'vendor-on-first-use'
        ? { path: args.path, namespace: 'vendor-on-first-use' }
        : { path: `./${VENDOR[args.path]}.js`, external: true },
    );
    build.onResolve({ filter: /^\.\/vendor-[\w-]+\.js$/, namespace: 'vendor-on-first-use' }, (args) => ({
      path: args.path,
      external: true,
    }));
    build.onLoad({ filter: /.*/, namespace: 'vendor-on-first-use' }, (args) => ({
      contents: [
        `const lib = () => require(${JSON.stringify(`./${VENDOR[args.path]}.js`)});`,
        `module.exports = {${Object.keys(require(args.path))
          .map((name) => `get ${JSON.stringify(name)}() { return lib()[${JSON.stringify(name)}]; }`)
          .join(', ')}};`,
      ].join('\n'),
      loader: 'js',
    }));
  },
};
// The extension's own code beyond the activation glue (src/extension/features.ts) is its own bundle, dist/features.js,
// which dist/extension.js `require`s on first use (activate.ts imports it only through `import()`).
const featuresExternal = {
  name: 'features-external',
  setup(build) {
    build.onResolve({ filter: /^\.\/features$/ }, (args) =>
      args.importer.endsWith('activate.ts') ? { path: './features.js', external: true } : undefined,
    );
  },
};
// The CLI is three bundles besides the loader: dist/cli-main.js, only the dispatcher (src/cli.ts); dist/cli-lint.js, the
// `lint` command; dist/cli-commands.js, every other command (src/cli.ts's `import('./cli/<name>')`), each required through
// the code cache (src/cli/codeCache.ts) when its command runs. A `lint` start — in CI, a pre-commit hook, once per file —
// then parses and compiles only the linter's code, not the planner's and the runner's (bench/coldStart.ts). `lint` needs
// the database layer only with `--url`: its `import('../db/client')` is dist/cli-db.js, required then. Code that `lint`
// shares with the other commands is in both bundles (one process runs one command).
export const CLI_COMMANDS = ['plan', 'explain', 'snapshot', 'write', 'run', 'rollout', 'appScan', 'drift'];
const cliCommandExternal = {
  name: 'cli-command-external',
  setup(build) {
    build.onResolve({ filter: /^\.\/cli\/\w+$/ }, (args) => {
      if (args.kind !== 'dynamic-import' || !/[\\/]src[\\/]cli\.ts$/.test(args.importer)) return undefined;
      const name = args.path.slice('./cli/'.length);
      if (name === 'lint') return { path: './cli-lint.js', external: true };
      if (!CLI_COMMANDS.includes(name)) return { errors: [{ text: `${args.path}: add '${name}' to CLI_COMMANDS in esbuild.mjs` }] };
      return { path: name, namespace: 'cli-command' };
    });
    build.onLoad({ filter: /.*/, namespace: 'cli-command' }, (args) => ({
      contents: `module.exports = require('./cli-commands.js')[${JSON.stringify(args.path)}];`,
      loader: 'js',
    }));
    build.onResolve({ filter: /^\.\/cli-commands\.js$/, namespace: 'cli-command' }, (args) => ({ path: args.path, external: true }));
    build.onResolve({ filter: /^\.\.\/db\/client$/ }, (args) =>
      args.kind === 'dynamic-import' && /[\\/]src[\\/]cli[\\/]lint\.ts$/.test(args.importer)
        ? { path: './cli-db.js', external: true }
        : undefined,
    );
  },
};
// @vscode/l10n requires `fs/promises` at load (about 5 ms of a CLI start, bench/coldStart.ts) but uses it only to read
// a bundle that `l10n.config({ uri })` names: it is required on that first use instead.
const L10N_FS_PROMISES = 'var import_promises = require("fs/promises");';
const l10nLazyFs = {
  name: 'l10n-lazy-fs-promises',
  setup(build) {
    build.onLoad({ filter: /[\\/]@vscode[\\/]l10n[\\/]dist[\\/]main\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes(L10N_FS_PROMISES)) throw new Error(`${args.path} no longer has: ${L10N_FS_PROMISES}`);
      const lazy = 'var import_promises = { get readFile() { return require("fs/promises").readFile; } };';
      return { contents: source.replace(L10N_FS_PROMISES, lazy), loader: 'js' };
    });
  },
};
// `import()` of a library becomes a `require` of its vendor file on first use (not Node's ESM loader).
const node = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: nodeExternal,
  supported: { 'dynamic-import': false },
};

export const builds = [
  {
    ...node,
    entryPoints: ['src/extension/activate.ts'],
    outfile: 'dist/extension.js',
    plugins: [vendorExternal, featuresExternal, l10nLazyFs],
  },
  { ...node, entryPoints: ['src/extension/features.ts'], outfile: 'dist/features.js', plugins: [vendorExternal, l10nLazyFs] },
  // The `column-wizard` command is a small loader (src/cli/start.ts) that runs the CLI bundle through V8's code cache.
  { ...node, entryPoints: ['src/cli/start.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { ...node, entryPoints: ['src/cli.ts'], outfile: 'dist/cli-main.js', plugins: [vendorExternal, cliCommandExternal, l10nLazyFs] },
  { ...node, entryPoints: ['src/cli/lint.ts'], outfile: 'dist/cli-lint.js', plugins: [vendorExternal, cliCommandExternal, l10nLazyFs] },
  {
    ...node,
    stdin: {
      contents: CLI_COMMANDS.map((name) => `export * as ${name} from './src/cli/${name}';`).join('\n'),
      resolveDir: fileURLToPath(new URL('.', import.meta.url)),
      sourcefile: 'cli-commands.ts',
      loader: 'ts',
    },
    outfile: 'dist/cli-commands.js',
    plugins: [vendorExternal, l10nLazyFs],
  },
  { ...node, entryPoints: ['src/db/client.ts'], outfile: 'dist/cli-db.js', plugins: [vendorExternal, l10nLazyFs] },
  // What the loader requires for `run` only, before the CLI bundle: the early hold of pt-online-schema-change.
  { ...node, entryPoints: ['src/cli/holdEarly.ts'], outfile: 'dist/cli-hold.js' },
  ...Object.entries(VENDOR).map(([pkg, name]) => ({ ...node, entryPoints: [require.resolve(pkg)], outfile: `dist/${name}.js` })),
  { ...common, entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife', target: 'es2022' },
];

// Run as a script (`node esbuild.mjs`), it builds; imported (test/unit/bundle.test.ts reads `builds`), it does not.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // PostgreSQL's parser (libpg-query, used by the SQL linter) loads its WebAssembly from beside its bundle. Its initial
  // memory is lowered from 128 MB to what it uses (scripts/wasmMemory.mjs: instantiating 128 MB costs a garbage collection).
  mkdirSync('dist', { recursive: true });
  writeFileSync('dist/libpg-query.wasm', lowerInitialMemory(readFileSync(require.resolve('libpg-query/wasm/libpg-query.wasm'))));

  if (watch) {
    for (const b of builds) await (await esbuild.context(b)).watch();
  } else {
    await Promise.all(builds.map((b) => esbuild.build(b)));
  }
}
