import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

// Needs `npm run build`. The names esbuild.mjs gives the lazily loaded libraries (VENDOR there).
const VENDOR = ['vendor-libpg-query', 'vendor-sql-parser-mysql', 'vendor-sql-parser-mariadb', 'vendor-pg', 'vendor-mysql2', 'vendor-yaml'];

interface Build {
  readonly outfile: string;
}
interface Built {
  readonly text: string;
  /** The source files esbuild put into this bundle (paths relative to the checkout). */
  readonly inputs: readonly string[];
}

// The entry bundles are built here, in memory, from esbuild.mjs's own configuration: the packaging tests rebuild dist/
// for production (minified, no module comments) while other test files run, so dist/ is not read for their content.
async function built(outfile: string): Promise<Built> {
  const config = pathToFileURL(resolve(__dirname, '../../esbuild.mjs')).href; // a script, not a typed module
  const { builds } = (await import(config)) as { builds: Build[] };
  const options = builds.find((b) => b.outfile === outfile);
  assert.ok(options, `esbuild.mjs builds no ${outfile}`);
  const r = await esbuild.build({
    ...(options as esbuild.BuildOptions),
    write: false,
    metafile: true,
    sourcemap: false,
    logLevel: 'silent',
  });
  const js = r.outputFiles.find((f) => f.path.endsWith('.js'));
  assert.ok(js, `no JavaScript output for ${outfile}`);
  return { text: js.text, inputs: Object.keys(r.metafile.inputs) };
}

describe('bundle split (issue 23 item 8)', () => {
  it('the parsers, drivers and YAML are separate files that the extension and CLI bundles require, not inline copies', async () => {
    for (const v of VENDOR) assert.ok(existsSync(`dist/${v}.js`), `dist/${v}.js missing`);
    const requires: Record<string, string[]> = {
      'dist/features.js': ['vendor-libpg-query', 'vendor-sql-parser-mysql', 'vendor-pg', 'vendor-mysql2'],
      'dist/cli-commands.js': ['vendor-libpg-query', 'vendor-sql-parser-mysql', 'vendor-pg', 'vendor-mysql2'],
      'dist/cli-lint.js': ['vendor-libpg-query', 'vendor-sql-parser-mysql', 'vendor-sql-parser-mariadb'],
      'dist/cli-db.js': ['vendor-pg', 'vendor-mysql2'],
      'dist/cli-main.js': [],
    };
    for (const [entry, vendors] of Object.entries(requires)) {
      const { text, inputs } = await built(entry);
      assert.ok(text.length < 1_500_000, `${entry} is ${text.length} bytes`);
      assert.doesNotMatch(text, /peg\$SyntaxError|function Client\(config\)|class PoolConnection/, `${entry} inlines a parser or driver`);
      assert.deepEqual(
        inputs.filter((i) => /node_modules\/(libpg-query|node-sql-parser|pg|mysql2|yaml)\//.test(i)),
        [],
        `${entry} inlines a library`,
      );
      for (const v of vendors) assert.ok(text.includes(`require("./${v}.js")`), `${entry} does not load ${v}`);
    }
  });

  it("the CLI's dispatcher inlines no command, and lint's bundle neither the runner nor the database layer", async () => {
    const main = await built('dist/cli-main.js');
    const lint = await built('dist/cli-lint.js');
    const commands = await built('dist/cli-commands.js');
    assert.ok(main.inputs.includes('src/cli.ts'));
    assert.ok(main.text.length < 40_000, `dist/cli-main.js is ${main.text.length} bytes`);
    assert.deepEqual(
      main.inputs.filter((i) => /^src\/(core|db)\/|^src\/cli\/(?!args\.ts$)/.test(i)),
      ['src/core/redact.ts', 'src/core/format.ts'].filter((i) => main.inputs.includes(i)),
      'dist/cli-main.js inlines more than the dispatcher',
    );
    assert.ok(main.text.includes('require("./cli-lint.js")') && main.text.includes('require("./cli-commands.js")'));
    assert.ok(lint.inputs.includes('src/cli/lint.ts') && lint.inputs.includes('src/core/lint/analyze.ts'));
    for (const m of ['src/db/run/runner.ts', 'src/cli/run.ts', 'src/db/client.ts', 'src/db/postgres/introspect.ts'])
      assert.ok(!lint.inputs.includes(m), `dist/cli-lint.js inlines ${m}`);
    assert.ok(lint.text.includes('require("./cli-db.js")'), 'lint --url does not load dist/cli-db.js');
    for (const m of ['src/cli/plan.ts', 'src/cli/run.ts', 'src/cli/write.ts', 'src/core/plan.ts'])
      assert.ok(commands.inputs.includes(m), m);
    assert.ok(!commands.inputs.includes('src/cli/lint.ts'), 'dist/cli-commands.js inlines lint');
  });

  it('dist/cli.js is only the loader: it runs dist/cli-main.js through the code cache and inlines none of the CLI', async () => {
    const loader = await built('dist/cli.js');
    const main = await built('dist/cli-main.js');
    assert.ok(loader.text.startsWith('#!/usr/bin/env node\n'), 'dist/cli.js is not an executable script');
    assert.ok(loader.text.includes('"cli-main.js"'), 'dist/cli.js does not load dist/cli-main.js');
    assert.ok(loader.text.length < 20_000, `dist/cli.js is ${loader.text.length} bytes`);
    assert.deepEqual(
      loader.inputs.filter((i) => !/^src\/(cli\/(start|codeCache)|db\/cacheDir)\.ts$/.test(i)),
      [],
      'dist/cli.js inlines more than the loader',
    );
    assert.ok(main.inputs.includes('src/cli.ts'));
  });

  it('yaml, which the migration tool registry imports statically, is required on first use, not when the bundle loads', async () => {
    for (const entry of ['dist/features.js', 'dist/cli-commands.js', 'dist/cli-lint.js']) {
      const { text } = await built(entry);
      const required = [...text.matchAll(/^(.*)require\("\.\/vendor-yaml\.js"\)/gm)].map((m) => m[1]!.trim());
      assert.deepEqual(required, ['var lib = () =>'], `${entry} requires dist/vendor-yaml.js eagerly`);
    }
  });

  it('dist/extension.js is only the activation glue: it requires dist/features.js on first use and inlines none of it', async () => {
    const glue = await built('dist/extension.js');
    const features = await built('dist/features.js');
    assert.ok(glue.text.includes('require("./features.js")'), 'dist/extension.js does not load dist/features.js');
    assert.ok(glue.text.length < 40_000, `dist/extension.js is ${glue.text.length} bytes`);
    // Modules of the features bundle that must not be inlined into the glue.
    for (const m of [
      'src/extension/wizard/panel.ts',
      'src/extension/lint/sqlPreview.ts',
      'src/extension/connections/manager.ts',
      'src/extension/tree.ts',
      'src/core/plan.ts',
      'src/core/lint/analyze.ts',
    ]) {
      assert.ok(!glue.inputs.includes(m), `dist/extension.js inlines ${m}`);
      assert.ok(features.inputs.includes(m), `dist/features.js lacks ${m}`);
    }
  });

  it('activation (require + activate with a stub vscode, no SQL document open) loads nothing but dist/extension.js', () => {
    const r = spawnSync(process.execPath, ['bench/activationHost.cjs', resolve('dist/extension.js'), resolve('package.json')], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const { modules } = JSON.parse(r.stdout.trim()) as { modules: string[] };
    assert.deepEqual(
      modules.map((m) => basename(m)),
      ['extension.js'],
    );
  });

  it('activation (require + activate with a stub vscode) loads no parser or driver', () => {
    const r = spawnSync(process.execPath, ['bench/activationHost.cjs', resolve('dist/extension.js'), resolve('package.json')], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const { modules } = JSON.parse(r.stdout.trim()) as { modules: string[] };
    const loaded = modules.map((m) => basename(m, '.js'));
    assert.ok(loaded.includes('extension'));
    for (const lazy of ['vendor-libpg-query', 'vendor-sql-parser-mysql', 'vendor-sql-parser-mariadb', 'vendor-pg', 'vendor-mysql2']) {
      assert.ok(!loaded.includes(lazy), `${lazy} was loaded at activation`);
    }
  });

  it('"Show Log" right after activation shows the channel without loading dist/features.js', () => {
    const r = spawnSync(process.execPath, ['bench/activationHost.cjs', resolve('dist/extension.js'), resolve('package.json')], {
      encoding: 'utf8',
      env: { ...process.env, CW_ACTIVATION_COMMAND: 'columnWizard.showLog' },
    });
    assert.equal(r.status, 0, r.stderr);
    const { modules, commandShown } = JSON.parse(r.stdout.trim()) as { modules: string[]; commandShown: boolean };
    assert.equal(commandShown, true, 'the channel was shown');
    assert.deepEqual(
      modules.map((m) => basename(m)),
      ['extension.js'],
    );
  });
});
