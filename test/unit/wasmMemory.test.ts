import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { splitStatements } from '../../src/core/lint/text';
import { loadCorpus } from './lint/corpus';

interface Layout {
  readonly minPages: number;
  readonly maxPages: number | undefined;
  readonly lowestHeapAddress: number;
  readonly section: { readonly header: number; readonly end: number };
}
interface WasmMemory {
  lowerInitialMemory(bytes: Buffer): Buffer;
  memoryLayout(bytes: Buffer): Layout;
  HEAP_HEADROOM_PAGES: number;
}
type LibPg = typeof import('libpg-query');

const PAGE = 65536;
const wasmMemory = () => import(pathToFileURL(resolve(__dirname, '../../scripts/wasmMemory.mjs')).href) as Promise<WasmMemory>;
const packaged = () => readFileSync(require.resolve('libpg-query/wasm/libpg-query.wasm'));

test("libpg-query.wasm through lowerInitialMemory (esbuild.mjs writes dist/'s so): initial memory lowered below V8's 64 MB external-memory limit, above its stack and data", async () => {
  const { lowerInitialMemory, memoryLayout, HEAP_HEADROOM_PAGES } = await wasmMemory();
  const original = packaged();
  const before = memoryLayout(original);
  const lowered = lowerInitialMemory(original);
  const after = memoryLayout(lowered);
  // 128 MB in libpg-query 18: instantiating it made V8 collect garbage for "external memory pressure".
  assert.ok(before.minPages * PAGE > 64 * 1024 * 1024, `the package's initial memory is ${before.minPages} pages`);
  assert.ok(after.minPages * PAGE <= 40 * 1024 * 1024, `lowered to ${after.minPages} pages`);
  assert.equal(after.minPages, Math.ceil(before.lowestHeapAddress / PAGE) + HEAP_HEADROOM_PAGES);
  assert.ok(after.minPages * PAGE >= after.lowestHeapAddress + HEAP_HEADROOM_PAGES * PAGE - PAGE);
  assert.equal(after.maxPages, before.maxPages, 'it may still grow as far as before');
  assert.equal(after.lowestHeapAddress, before.lowestHeapAddress);
  // Nothing but the memory section changes.
  assert.deepEqual(lowered.subarray(0, after.section.header), original.subarray(0, before.section.header));
  assert.deepEqual(lowered.subarray(after.section.end), original.subarray(before.section.end));
  // Idempotent, and a memory that cannot grow (min = max) is left alone.
  assert.deepEqual(lowerInitialMemory(lowered), lowered);
  const fixed = Buffer.from(original);
  const m = before.section;
  // The package's memory section: count 1, flags 1 (has a maximum), min 2048 (0x80 0x10), max 16384 (0x80 0x80 0x01).
  assert.deepEqual([...fixed.subarray(m.end - 7, m.end)], [1, 1, 0x80, 0x10, 0x80, 0x80, 0x01]);
  fixed.set([0x80, 0x90, 0], m.end - 3); // max 2048 (LEB128 with a redundant zero byte: the same length)
  assert.equal(memoryLayout(fixed).maxPages, 2048);
  assert.equal(lowerInitialMemory(fixed), fixed);
});

test('the lowered module parses every corpus statement, and one that needs its memory to grow, exactly as the package does', async () => {
  const { lowerInitialMemory, HEAP_HEADROOM_PAGES } = await wasmMemory();
  // A copy of the package's JavaScript beside the lowered module (it loads its .wasm from its own directory); dist/ is
  // not used, the packaging tests rebuild it while other test files run.
  const dir = mkdtempSync(join(tmpdir(), 'cw-wasm-memory-'));
  try {
    symlinkSync(resolve(__dirname, '../../node_modules'), join(dir, 'node_modules'), 'junction');
    mkdirSync(join(dir, 'wasm'));
    for (const f of ['index.cjs', 'libpg-query.js']) copyFileSync(require.resolve(`libpg-query/wasm/${f}`), join(dir, 'wasm', f));
    writeFileSync(join(dir, 'wasm', 'libpg-query.wasm'), lowerInitialMemory(packaged()));
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a copy of the package in a temporary directory
    const lowered = require(join(dir, 'wasm', 'index.cjs')) as LibPg;
    const original = await import('libpg-query');
    await Promise.all([lowered.loadModule(), original.loadModule()]);
    const outcome = (parse: (sql: string) => unknown, sql: string) => {
      try {
        return { tree: parse(sql) };
      } catch (e) {
        return { error: (e as Error).message };
      }
    };
    let n = 0;
    for (const f of loadCorpus())
      for (const st of splitStatements(f.text, 'postgres').statements) {
        assert.deepEqual(outcome(lowered.parseSync, st.text), outcome(original.parseSync, st.text), st.text);
        n++;
      }
    assert.ok(n > 100, `${n} corpus statements`);
    // A parse tree far larger than the heap the lowered module starts with: its memory grows (else this would fail).
    const big = `SELECT * FROM t WHERE id IN (${Array.from({ length: 200_000 }, (_, i) => i).join(', ')})`;
    const tree = lowered.parseSync(big);
    assert.ok(JSON.stringify(tree).length > HEAP_HEADROOM_PAGES * PAGE, "the tree's JSON alone is larger than the starting heap");
    assert.deepEqual(tree, original.parseSync(big));
    assert.deepEqual(outcome(lowered.parseSync, 'SELEC 1'), outcome(original.parseSync, 'SELEC 1'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
