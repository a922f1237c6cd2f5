import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { atlasSum, base64, Sha256, sha256Hex } from '../../../src/core/migrations/atlasSum';

const FIXTURES = join(__dirname, 'fixtures', 'atlas-sum');

function sqlFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir)) if (f.endsWith('.sql')) out[f] = readFileSync(join(dir, f), 'utf8');
  return out;
}

describe('atlas.sum', () => {
  const dirs = readdirSync(FIXTURES).filter((d) => !d.endsWith('.md'));
  it('has Atlas test-data fixtures to check against', () => assert.ok(dirs.length >= 4, dirs.join(',')));
  for (const d of dirs) {
    it(`reproduces Atlas's own ${d}/atlas.sum byte for byte`, () => {
      assert.equal(atlasSum(sqlFiles(join(FIXTURES, d))), readFileSync(join(FIXTURES, d, 'atlas.sum'), 'utf8'));
    });
  }
  it('a changed byte in an earlier file changes that line, every later line and the total', () => {
    const files = sqlFiles(join(FIXTURES, 'atlasexec'));
    const names = Object.keys(files).sort();
    const before = atlasSum(files).split('\n');
    const after = atlasSum({ ...files, [names[0]!]: `${files[names[0]!]} ` }).split('\n');
    assert.equal(before.length, after.length);
    for (let i = 0; i <= names.length; i++) assert.notEqual(after[i], before[i], `line ${i}`);
  });
  it('appending a file keeps every earlier line', () => {
    const files = sqlFiles(join(FIXTURES, 'cmdapi-mysql'));
    const before = atlasSum(files).split('\n');
    const after = atlasSum({ ...files, '99990101000000_new.sql': 'SELECT 1;\n' }).split('\n');
    assert.deepEqual(after.slice(1, before.length - 1), before.slice(1, -1));
    assert.notEqual(after[0], before[0]);
  });
  it('names a file whose first line says atlas:sum ignore without hashing its content', () => {
    const a = atlasSum({ '1_a.sql': '-- atlas:sum ignore\nSELECT 1;\n' });
    const b = atlasSum({ '1_a.sql': '-- atlas:sum ignore\nSELECT 2;\n' });
    assert.equal(a, b);
    assert.equal(a.split('\n').length, 2);
  });
});

describe('SHA-256 (pure)', () => {
  for (const text of ['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), 'é✓'.repeat(700)]) {
    it(`matches node:crypto for ${text.length} characters`, () =>
      assert.equal(sha256Hex(text), createHash('sha256').update(text).digest('hex')));
  }
  it('a digest mid-stream leaves the stream usable', () => {
    const h = new Sha256().update('hello ');
    const mid = base64(h.digest());
    h.update('world');
    assert.equal(mid, createHash('sha256').update('hello ').digest('base64'));
    assert.equal(base64(h.digest()), createHash('sha256').update('hello world').digest('base64'));
  });
});
