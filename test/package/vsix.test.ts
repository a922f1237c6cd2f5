import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { inflateRawSync } from 'node:zlib';

interface ZipEntry { name: string; method: number; compressedSize: number; localOffset: number }

/** Entries from a zip's central directory (the VSIX is a zip); sizes come from there, as local headers may defer them. */
function zipEntries(buf: Buffer): ZipEntry[] {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, 'not a zip file');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50, 'bad central directory entry');
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    entries.push({
      name: buf.toString('utf8', p + 46, p + 46 + nameLen),
      method: buf.readUInt16LE(p + 10),
      compressedSize: buf.readUInt32LE(p + 20),
      localOffset: buf.readUInt32LE(p + 42),
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** The uncompressed content of one entry. */
function zipRead(buf: Buffer, e: ZipEntry): Buffer {
  const start = e.localOffset + 30 + buf.readUInt16LE(e.localOffset + 26) + buf.readUInt16LE(e.localOffset + 28);
  const data = buf.subarray(start, start + e.compressedSize);
  return e.method === 8 ? inflateRawSync(data) : data;
}

const ALLOWED = [/^extension\/dist\//, /^extension\/media\//, /^extension\/package\.json$/, /^extension\/package\.nls(\.[a-z-]+)?\.json$/, /^extension\/l10n\/bundle\.l10n(\.[a-z-]+)?\.json$/, /^extension\/readme\.md$/i, /^extension\/LICENSE(\.txt)?$/i, /^extension\/changelog\.md$/i];
// Files vsce itself adds around the extension folder.
const VSCE_OWN = ['[Content_Types].xml', 'extension.vsixmanifest'];

describe('VSIX package', () => {
  it('holds only dist/, media/, package.json with its nls files, the l10n bundles, README, LICENSE and CHANGELOG, and is under 2 MB', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cw-vsix-')), 'column-wizard.vsix');
    execFileSync('npm', ['run', '--silent', 'package', '--', '--out', out], { stdio: 'pipe' });
    const buf = readFileSync(out);
    const all = zipEntries(buf);
    const entries = all.map((e) => e.name);
    const stray = entries.filter((e) => !VSCE_OWN.includes(e) && !ALLOWED.some((re) => re.test(e)));
    assert.deepEqual(stray, [], `files outside the allow-list: ${stray.join(', ')}`);
    for (const must of ['extension/dist/extension.js', 'extension/dist/webview.js', 'extension/dist/cli.js', 'extension/package.json', 'extension/package.nls.json', 'extension/package.nls.de.json']) {
      assert.ok(entries.includes(must), `${must} missing`);
    }
    assert.ok(!entries.some((e) => e.endsWith('.map')), 'source maps are not shipped');
    const size = statSync(out).size;
    assert.ok(size < 2 * 1024 * 1024, `VSIX is ${size} bytes`);
    const pkg = JSON.parse(zipRead(buf, all.find((e) => e.name === 'extension/package.json')!).toString('utf8'));
    assert.equal(pkg.name, 'column-wizard');
  });
});
