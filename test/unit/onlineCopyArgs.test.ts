import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConnectionOptions } from '../../src/db/connection';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPtOnlineSchemaChange, ptOscArgs, runOnlineCopy, START_PLUGIN, startOnlineCopy } from '../../src/db/mysql/onlineCopy';

const conn = (host: string, password?: string): ConnectionOptions =>
  ({ engine: 'mysql', host, port: 3306, user: 'app', database: 'shop', ...(password ? { password } : {}) }) as ConnectionOptions;
const base = {
  connection: conn('primary', 'secret'),
  table: { schema: 'shop', name: 'orders' },
  copy: {
    tool: { name: 'pt-online-schema-change' as const, version: '3.2.1' },
    alter: 'ADD COLUMN ref char(36) NOT NULL DEFAULT (uuid())',
  },
  chunkTimeMs: 100,
  lockTimeoutMs: 2000,
};
const after = (args: string[], flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);

describe('pt-online-schema-change arguments: the replica-lag throttle', () => {
  it('one replica the run knows: --check-slave-lag with its DSN (password in its own option file) and --max-lag', () => {
    const args = ptOscArgs({ ...base, lag: { maxSeconds: 3, replicas: [conn('replica1', 'r-secret')] } }, '/tmp/a.cnf', '/tmp/r.cnf');
    assert.equal(after(args, '--max-lag'), '3');
    assert.equal(after(args, '--check-slave-lag'), 'F=/tmp/r.cnf,h=replica1,P=3306,u=app');
    assert.ok(!args.some((a) => a.includes('secret')), 'no password on the command line');
    assert.ok(!args.some((a) => a.startsWith('--recursion-method')));
  });
  it('several replicas: --max-lag, and the tool finds the replicas itself', () => {
    const args = ptOscArgs({ ...base, lag: { maxSeconds: 1.5, replicas: [conn('r1'), conn('r2')] } }, '/tmp/a.cnf');
    assert.equal(after(args, '--max-lag'), '1.5');
    assert.equal(after(args, '--check-slave-lag'), undefined);
    assert.ok(!args.some((a) => a.startsWith('--recursion-method')));
  });
  it('no replicas given: none looked for only when the server writes no binary log', () => {
    assert.ok(ptOscArgs({ ...base, noBinlog: true }, '/tmp/a.cnf').includes('--recursion-method=none'));
    const withBinlog = ptOscArgs({ ...base, noBinlog: false }, '/tmp/a.cnf');
    assert.ok(!withBinlog.some((a) => a.startsWith('--recursion-method') || a === '--max-lag' || a === '--check-slave-lag'));
  });
  it('the server DSN carries the option file, never the password', () => {
    const args = ptOscArgs(base, '/tmp/a.cnf');
    assert.ok(args.includes('F=/tmp/a.cnf,h=primary,P=3306,u=app,D=shop,t=orders'));
    assert.ok(!args.join(' ').includes('secret'));
  });
});

describe('findPtOnlineSchemaChange', () => {
  it('reads the version from the script on PATH (its VERSION section), without running it; none on PATH gives null', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-ptosc-find-'));
    const saved = process.env.PATH;
    try {
      // Running this script would exit 3: the version must come from the file.
      writeFileSync(
        join(dir, 'pt-online-schema-change'),
        '#!/bin/sh\nexit 3\n: <<X\n=head1 VERSION\n\npt-online-schema-change 9.8.7\n\nX\n',
      );
      chmodSync(join(dir, 'pt-online-schema-change'), 0o755);
      process.env.PATH = dir;
      assert.deepEqual(findPtOnlineSchemaChange(), { name: 'pt-online-schema-change', version: '9.8.7' });
      process.env.PATH = join(dir, 'missing');
      assert.equal(findPtOnlineSchemaChange(), null);
    } finally {
      process.env.PATH = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('pt-online-schema-change started ahead (StartedPtOsc)', () => {
  it('its plugin holds the tool where it would create its new table: "go" lets it on, anything else or the end of input exits 3', (t) => {
    if (spawnSync('perl', ['-v']).status !== 0) return t.skip('no perl');
    const dir = mkdtempSync(join(tmpdir(), 'cw-ptosc-plugin-'));
    try {
      writeFileSync(join(dir, 'start.pm'), START_PLUGIN);
      const hook = (input: string) =>
        spawnSync(
          'perl',
          [
            '-e',
            `require "${join(dir, 'start.pm')}"; pt_online_schema_change_plugin->new()->before_create_new_table(); print "created\\n";`,
          ],
          { input, encoding: 'utf8' },
        );
      assert.deepEqual([hook('go\n').status, hook('go\n').stdout], [0, 'created\n']);
      for (const input of ['', 'no\n', 'go', 'gone\n']) {
        const r = hook(input);
        assert.deepEqual([r.status, r.stdout], [3, ''], JSON.stringify(input));
        assert.match(r.stderr, /not started; nothing was changed/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the step uses the tool started for the same run, and stops one started for another run and starts its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-ptosc-ahead-'));
    const saved = { path: process.env.PATH, log: process.env.CW_FAKE_LOG };
    const log = join(dir, 'starts.log');
    try {
      // A stand-in for the tool: logs each start and its --plugin, prints, then waits for its input as the plugin does.
      writeFileSync(
        join(dir, 'pt-online-schema-change'),
        '#!/bin/sh\nfor a; do case "$a" in *.pm) p=plugin;; esac; done\necho "$$ $p" >> "$CW_FAKE_LOG"\necho "Altering x..."\nread line || exit 3\n[ "$line" = go ] || exit 3\necho "Successfully altered x."\n',
      );
      chmodSync(join(dir, 'pt-online-schema-change'), 0o755);
      process.env.PATH = `${dir}:${saved.path}`;
      process.env.CW_FAKE_LOG = log;
      const starts = () => readFileSync(log, 'utf8').trim().split('\n');

      const same = startOnlineCopy(base);
      const lines: string[] = [];
      await runOnlineCopy({ ...base, onLine: (l) => lines.push(l) }, same);
      assert.deepEqual(lines, ['Altering x...', 'Successfully altered x.']);
      assert.equal(starts().length, 1, 'one start');
      assert.match(starts()[0]!, /^\d+ plugin$/, 'started with the plugin');

      const other = startOnlineCopy({ ...base, chunkTimeMs: 500 });
      // Waiting for its input (as the plugin holds the real tool) before the step comes.
      for (let i = 0; i < 200 && !other.output.length; i++) await new Promise((r) => setTimeout(r, 25));
      await runOnlineCopy(base, other);
      assert.equal(starts().length, 3, 'the other one and a new one');
      await assert.rejects(other.go(), /already started or stopped/);
      assert.ok(other.output.includes('Altering x...') && !other.output.includes('Successfully altered x.'), 'the other one did nothing');
    } finally {
      process.env.PATH = saved.path;
      if (saved.log === undefined) delete process.env.CW_FAKE_LOG;
      else process.env.CW_FAKE_LOG = saved.log;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
