import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { inflateRawSync } from 'node:zlib';

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  localOffset: number;
}

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

const ALLOWED = [
  /^extension\/dist\//,
  /^extension\/media\//,
  /^extension\/docs\/wizard\.png$/,
  /^extension\/docs\/rules\/[a-z0-9-]+\.md$/,
  /^extension\/package\.json$/,
  /^extension\/package\.nls(\.[a-z-]+)?\.json$/,
  /^extension\/l10n\/bundle\.l10n(\.[a-z-]+)?\.json$/,
  /^extension\/readme\.md$/i,
  /^extension\/LICENSE(\.txt)?$/i,
  /^extension\/changelog\.md$/i,
];
// Files vsce itself adds around the extension folder.
const VSCE_OWN = ['[Content_Types].xml', 'extension.vsixmanifest'];

/** Packaged once for every test below (vsce takes a few seconds). */
let packaged: { buf: Buffer; all: ZipEntry[]; size: number } | undefined;
function vsix(): { buf: Buffer; all: ZipEntry[]; size: number } {
  if (!packaged) {
    const out = join(mkdtempSync(join(tmpdir(), 'cw-vsix-')), 'column-wizard.vsix');
    execFileSync('npm', ['run', '--silent', 'package', '--', '--out', out], { stdio: 'pipe' });
    const buf = readFileSync(out);
    packaged = { buf, all: zipEntries(buf), size: statSync(out).size };
  }
  return packaged;
}

describe('VSIX package', () => {
  it('holds only dist/, media/, the README screenshot, the rule pages, package.json with its nls files, the l10n bundles, README, LICENSE and CHANGELOG, and is under 2 MB', () => {
    const { buf, all, size } = vsix();
    const entries = all.map((e) => e.name);
    const stray = entries.filter((e) => !VSCE_OWN.includes(e) && !ALLOWED.some((re) => re.test(e)));
    assert.deepEqual(stray, [], `files outside the allow-list: ${stray.join(', ')}`);
    for (const must of [
      'extension/dist/extension.js',
      'extension/dist/features.js',
      'extension/dist/webview.js',
      'extension/dist/cli.js',
      'extension/package.json',
      'extension/package.nls.json',
      'extension/package.nls.de.json',
    ]) {
      assert.ok(entries.includes(must), `${must} missing`);
    }
    assert.ok(!entries.some((e) => e.endsWith('.map')), 'source maps are not shipped');
    assert.ok(size < 2 * 1024 * 1024, `VSIX is ${size} bytes`);
    const pkg = JSON.parse(
      zipRead(
        buf,
        all.find((e) => e.name === 'extension/package.json')!,
      ).toString('utf8'),
    );
    assert.equal(pkg.name, 'column-wizard');
  });

  it('is packaged without --allow-missing-repository, with a repository, an icon and the README images inside it', () => {
    const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
    assert.doesNotMatch(manifest.scripts.package, /allow-missing-repository/);
    const { buf, all } = vsix();
    const names = new Set(all.map((e) => e.name));
    const pkg = JSON.parse(
      zipRead(
        buf,
        all.find((e) => e.name === 'extension/package.json')!,
      ).toString('utf8'),
    );
    assert.match(pkg.repository.url, /^https:\/\//);
    assert.ok(names.has(`extension/${pkg.icon}`), `icon ${pkg.icon} is not in the VSIX`);
    const icon = zipRead(
      buf,
      all.find((e) => e.name === `extension/${pkg.icon}`)!,
    );
    assert.equal(icon.subarray(1, 4).toString('latin1'), 'PNG');
    assert.deepEqual([icon.readUInt32BE(16), icon.readUInt32BE(20)], [128, 128], 'icon size');
    // The Extensions view resolves the README's relative image paths inside the installed extension folder
    // (`--no-rewrite-relative-links` keeps them relative): each must be a file of the VSIX.
    const readme = all.find((e) => /^extension\/readme\.md$/i.test(e.name))!;
    const images = [
      ...zipRead(buf, readme)
        .toString('utf8')
        .matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g),
    ].map((m) => m[1]!);
    assert.ok(images.length > 0, 'the README shows no image');
    for (const src of images) {
      assert.doesNotMatch(src, /^[a-z]+:/i, `${src}: a README image must be a file of the package`);
      assert.ok(names.has(`extension/${src.replace(/^\.\//, '')}`), `${src} is not in the VSIX`);
    }
  });
});
