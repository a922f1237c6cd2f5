import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { main } from '../../src/cli';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('cli', () => {
  it('prints help listing every subcommand', async () => {
    const c = capture();
    assert.equal(await main(['--help'], c.io), 0);
    for (const name of ['plan', 'explain', 'lint', 'write', 'run', 'drift']) assert.match(c.out.join('\n'), new RegExp(`\\n  ${name} `));
  });

  it('rejects an unknown command with exit code 2', async () => {
    const c = capture();
    assert.equal(await main(['frobnicate'], c.io), 2);
    assert.match(c.err.join('\n'), /unknown command 'frobnicate'/);
  });

  it('the built dist/cli.js runs with node', () => {
    const r = spawnSync(process.execPath, ['dist/cli.js', '--help'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^column-wizard — /);
  });
});
