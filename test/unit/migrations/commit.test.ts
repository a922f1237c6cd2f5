/** All-or-nothing writing through the real node:fs FileSink, in a temporary folder. */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { NodeFileSink } from '../../../src/cli/nodeFileSink';
import { commitWrite, writeMigrations } from '../../../src/core/migrations';
import { NOW, pgIndexed } from './plans';

const roots: string[] = [];
function tmp(): string {
  const r = mkdtempSync(join(tmpdir(), 'cw-commit-'));
  roots.push(r);
  return r;
}
after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

describe('commitWrite', () => {
  it('creates every file and applies the side-file edits', async () => {
    const root = tmp();
    const sink = new NodeFileSink(root);
    mkdirSync(join(root, 'm'));
    writeFileSync(join(root, 'm/side.txt'), 'old');
    const out = await commitWrite(sink, {
      files: [
        { path: 'm/a.sql', content: 'A' },
        { path: 'm/sub/b.sql', content: 'B' },
      ],
      edits: [{ path: 'm/side.txt', before: 'old', after: 'new' }],
    });
    assert.deepEqual(out, { ok: true, created: ['m/a.sql', 'm/sub/b.sql'], edited: ['m/side.txt'] });
    assert.equal(readFileSync(join(root, 'm/sub/b.sql'), 'utf8'), 'B');
    assert.equal(readFileSync(join(root, 'm/side.txt'), 'utf8'), 'new');
  });
  it('never overwrites: when one file exists, none of the set is left and the side file is untouched', async () => {
    const root = tmp();
    const sink = new NodeFileSink(root);
    mkdirSync(join(root, 'm'));
    writeFileSync(join(root, 'm/b.sql'), 'mine');
    writeFileSync(join(root, 'm/side.txt'), 'old');
    const out = await commitWrite(sink, {
      files: [
        { path: 'm/a.sql', content: 'A' },
        { path: 'm/b.sql', content: 'B' },
        { path: 'm/c.sql', content: 'C' },
      ],
      edits: [{ path: 'm/side.txt', before: 'old', after: 'new' }],
    });
    assert.equal(out.ok, false);
    assert.equal(!out.ok && out.existed, 'm/b.sql');
    assert.match(!out.ok ? out.message : '', /m\/b\.sql already exists/);
    assert.deepEqual(readdirSync(join(root, 'm')).sort(), ['b.sql', 'side.txt']);
    assert.equal(readFileSync(join(root, 'm/b.sql'), 'utf8'), 'mine');
    assert.equal(readFileSync(join(root, 'm/side.txt'), 'utf8'), 'old');
  });
  it('writes nothing when a side file changed since it was read', async () => {
    const root = tmp();
    const sink = new NodeFileSink(root);
    writeFileSync(join(root, 'side.txt'), 'changed');
    const out = await commitWrite(sink, {
      files: [{ path: 'a.sql', content: 'A' }],
      edits: [{ path: 'side.txt', before: 'old', after: 'new' }],
    });
    assert.equal(out.ok, false);
    assert.equal(existsSync(join(root, 'a.sql')), false);
  });
  it('rolls back created files and restored edits when a later side file cannot be created', async () => {
    const root = tmp();
    const sink = new NodeFileSink(root);
    writeFileSync(join(root, 'one.txt'), 'old');
    writeFileSync(join(root, 'two.txt'), 'appeared');
    // `two.txt` is expected absent (before: undefined) but appears between the check and the write: simulate by a sink that creates it late.
    const late = Object.assign(Object.create(sink) as NodeFileSink, {
      read: async (p: string) => (p === 'two.txt' ? undefined : sink.read(p)),
    });
    const out = await commitWrite(late, {
      files: [{ path: 'a.sql', content: 'A' }],
      edits: [
        { path: 'one.txt', before: 'old', after: 'new' },
        { path: 'two.txt', before: undefined, after: 'x' },
      ],
    });
    assert.equal(out.ok, false);
    assert.equal(existsSync(join(root, 'a.sql')), false);
    assert.equal(readFileSync(join(root, 'one.txt'), 'utf8'), 'old');
    assert.equal(readFileSync(join(root, 'two.txt'), 'utf8'), 'appeared');
  });
  it('writeMigrations twice in the same second still sorts the second set after the first', async () => {
    const root = tmp();
    const sink = new NodeFileSink(root);
    const a = await writeMigrations(sink, pgIndexed(), { tool: 'dbmate', dir: 'db/migrations', now: NOW });
    const b = await writeMigrations(sink, pgIndexed(), { tool: 'dbmate', dir: 'db/migrations', now: NOW, name: 'again' });
    assert.ok(a.outcome.ok && b.outcome.ok);
    const names = readdirSync(join(root, 'db/migrations')).sort();
    assert.equal(names.length, 4);
    assert.match(names[2]!, /_again_/);
  });
});
