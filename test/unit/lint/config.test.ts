import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { main } from '../../../src/cli';
import { parseLintConfig } from '../../../src/core/lint/config';

async function lint(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['lint', '--format', 'json', ...args], {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
  });
  return { code, out, err };
}
const rulesIn = (out: string) =>
  (JSON.parse(out) as { files: { findings: { rule: string; severity: string }[] }[] }).files.flatMap((f) =>
    f.findings.map((x) => `${x.rule}:${x.severity}`),
  );

describe('lint configuration file', () => {
  it('checks what the file holds and names every wrong entry', () => {
    assert.deepEqual(parseLintConfig({ rules: { 'drop-table': 'off', 'drop-column': 'error' }, dialect: 'mysql', serverVersion: 8.0 }), {
      config: { rules: { 'drop-table': 'off', 'drop-column': 'error' }, dialect: 'mysql', serverVersion: '8' },
      problems: [],
    });
    const { problems } = parseLintConfig({
      rules: { 'no-such-rule': 'off', 'drop-table': 'loud' },
      dialect: 'oracle',
      serverVersion: 'latest',
      extra: 1,
    });
    assert.equal(problems.length, 5, problems.join('\n'));
    assert.match(
      problems.join('\n'),
      /unknown key "extra"[\s\S]*no rule has the id "no-such-rule"[\s\S]*"drop-table" must be one of off, error, warning, info[\s\S]*"dialect"[\s\S]*"serverVersion"/,
    );
    assert.deepEqual(parseLintConfig([]).problems, ['the configuration must be a JSON object']);
  });

  it('the CLI finds the nearest config above each file (.column-wizard.json, else package.json "columnWizard") and applies it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'h20b-config-'));
    mkdirSync(join(root, 'a', 'migrations'), { recursive: true });
    mkdirSync(join(root, 'b'), { recursive: true });
    const sql = 'CREATE INDEX i ON t (c);\n';
    writeFileSync(join(root, 'a', 'migrations', '1.sql'), sql);
    writeFileSync(join(root, 'b', '1.sql'), sql);
    writeFileSync(
      join(root, 'a', '.column-wizard.json'),
      JSON.stringify({ rules: { 'missing-lock-timeout': 'off', 'index-not-concurrent': 'warning' } }),
    );
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'x', columnWizard: { rules: { 'index-not-concurrent': 'info' } } }));
    const a = await lint([join(root, 'a', 'migrations', '1.sql')]);
    assert.deepEqual([a.code, rulesIn(a.out)], [0, ['index-not-concurrent:warning']]);
    const b = await lint([join(root, 'b', '1.sql')]);
    assert.deepEqual([b.code, rulesIn(b.out)], [0, ['index-not-concurrent:info', 'missing-lock-timeout:warning']]);
    // --config replaces the search; the config's dialect applies when the command line gives none.
    writeFileSync(join(root, 'mysql.json'), JSON.stringify({ dialect: 'mysql', serverVersion: '5.7.44' }));
    const m = await lint(['--config', join(root, 'mysql.json'), join(root, 'b', '1.sql')]);
    assert.match(m.out, /"dialect": ?"mysql"[\s\S]*"version": ?"5\.7\.44"/);
    // A broken config is a usage error (exit 2) that names the file and the entry, never silently skipped.
    writeFileSync(join(root, 'a', '.column-wizard.json'), JSON.stringify({ rules: { 'index-not-concurent': 'off' } }));
    const bad = await lint([join(root, 'a', 'migrations', '1.sql')]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /\.column-wizard\.json: "rules": no rule has the id "index-not-concurent"/);
  });
});
