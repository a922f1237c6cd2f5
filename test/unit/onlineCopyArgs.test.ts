import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import type { ConnectionOptions } from '../../src/db/connection';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPtOnlineSchemaChange, madeByTool, perlOf, ptOscArgs, runningCopies } from '../../src/db/mysql/onlineCopy';

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
  it("no call to Percona's version-check server, whatever the tool's own configuration says", () => {
    assert.ok(ptOscArgs(base, '/tmp/a.cnf').includes('--no-version-check'));
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
  it('reads the version once per file: another tool put in its place (an upgrade) is read again', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-ptosc-upgrade-'));
    const saved = process.env.PATH;
    const tool = join(dir, 'pt-online-schema-change');
    const script = (version: string) => `#!/bin/sh\nexit 3\n: <<X\n=head1 VERSION\n\npt-online-schema-change ${version}\n\nX\n`;
    try {
      writeFileSync(tool, script('3.2.1'));
      chmodSync(tool, 0o755);
      process.env.PATH = dir;
      assert.equal(findPtOnlineSchemaChange()?.version, '3.2.1');
      assert.equal(findPtOnlineSchemaChange()?.version, '3.2.1');
      writeFileSync(tool, script('3.10.12'));
      assert.equal(findPtOnlineSchemaChange()?.version, '3.10.12');
    } finally {
      process.env.PATH = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('what pt-online-schema-change says it made (the lines 3.2.1 prints)', () => {
  const start = ['Altering `my shop`.`orders`...', 'Creating new table...'];
  const table = [...start, 'Created new table my shop._orders_new OK.', 'Altering new table...', 'Altered `my shop`.`_orders_new` OK.'];
  const triggers = [...table, '2026-12-06T06:40:00 Creating triggers...'];
  const copying = [...triggers, '2026-12-06T06:40:00 Created triggers OK.', '2026-12-06T06:40:00 Copying approximately 300000 rows...'];
  it('nothing before it creates its new table; an unsure table while it creates it', () => {
    assert.deepEqual(madeByTool([], 'my shop'), { newTable: null, newTableUnsure: false, triggers: 'none' });
    assert.deepEqual(madeByTool(start, 'my shop'), { newTable: null, newTableUnsure: true, triggers: 'none' });
  });
  it('its new table by name; its triggers partly while it creates them, all once it says so', () => {
    assert.deepEqual(madeByTool(table, 'my shop'), { newTable: '_orders_new', newTableUnsure: false, triggers: 'none' });
    assert.deepEqual(madeByTool(triggers, 'my shop'), { newTable: '_orders_new', newTableUnsure: false, triggers: 'partly' });
    assert.deepEqual(madeByTool(copying, 'my shop'), { newTable: '_orders_new', newTableUnsure: false, triggers: 'all' });
  });
  it('nothing of what it dropped itself', () => {
    const cleaned = [
      ...copying,
      '2026-12-06T06:40:01 Dropping triggers...',
      '2026-12-06T06:40:01 Dropped triggers OK.',
      '2026-12-06T06:40:01 Dropped new table OK.',
    ];
    assert.deepEqual(madeByTool(cleaned, 'my shop'), { newTable: null, newTableUnsure: false, triggers: 'none' });
  });
});

describe('runningCopies: the copies on this machine that name a table', () => {
  it('finds a schema and table whose names have spaces, and not a table named like the start of one', async (t) => {
    if (process.platform !== 'linux') return t.skip('reads /proc');
    // A process whose command line is a copy's: `sh -c … pt-online-schema-change <DSN>` ($0 and $1 of the script).
    const child = spawn('sh', ['-c', 'sleep 30; true', 'pt-online-schema-change', 'h=127.0.0.1,P=3306,D=my shop,t=my table', '--execute']);
    try {
      await new Promise((r) => setTimeout(r, 200));
      const pids = (name: string) => (runningCopies({ schema: 'my shop', name }) ?? []).map((c) => c.pid);
      // Before, the DSN was split on spaces too, so `t=my table` was never found.
      assert.ok(pids('my table').includes(child.pid!), 'found');
      assert.ok(!pids('my').includes(child.pid!), 'a table `my` is not the copy of `my table`');
      assert.ok(!(runningCopies({ schema: 'my', name: 'my table' }) ?? []).some((c) => c.pid === child.pid), 'nor a schema `my`');
    } finally {
      child.kill();
    }
  });
});

describe('perlOf: the Perl a held tool is started with', () => {
  it('is the interpreter its #! line names (env: the perl on PATH), and none for a script of another kind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-perlof-'));
    try {
      const of = (head: string) => {
        const file = join(dir, 'tool');
        writeFileSync(file, `${head}\nprint 1;\n`);
        return perlOf(file);
      };
      assert.equal(of('#!/usr/bin/perl'), '/usr/bin/perl');
      assert.equal(of('#!/opt/perl5/bin/perl5.36 -w'), '/opt/perl5/bin/perl5.36');
      assert.equal(of('#!/usr/bin/env perl'), 'perl');
      assert.equal(of('#!/bin/sh'), null);
      assert.equal(of('#!/usr/bin/env python3'), null);
      assert.equal(of('print 1;'), null);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
