// The initial memory of a WebAssembly module, rewritten at build time (esbuild.mjs, for libpg-query's parser).
//
// libpg-query.wasm declares 128 MB of initial memory (2048 pages; Emscripten's INITIAL_MEMORY) and lets it grow to 1 GB
// (its JavaScript grows it when malloc needs more: _emscripten_resize_heap). V8 counts a new memory as external memory,
// and 128 MB is over its 64 MB soft limit, so instantiating the module starts a garbage collection ("external memory
// pressure": a scavenge and a mark-compact, about 4–5 ms of a ~50 ms `column-wizard lint` that needs the parser,
// bench/coldStart.ts). The module needs only what lies below its heap: its data and its stack (the stack pointer's
// initial value, about 33 MB). Starting at that plus some heap, the memory grows as before when malloc asks for more.

/** Heap the rewritten module starts with, above its stack and data (a parse of a migration statement uses well under it). */
export const HEAP_HEADROOM_PAGES = 64; // 4 MB
const PAGE = 65536;

function readU32(bytes, at) {
  let value = 0;
  let shift = 0;
  let p = at;
  for (;;) {
    const b = bytes[p++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return { value, next: p };
    if (shift > 35) throw new Error(`bad LEB128 at byte ${at}`);
  }
}

function writeU32(value) {
  const out = [];
  let v = value;
  do {
    let b = v & 0x7f;
    v = Math.floor(v / 128);
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

/** The module's sections: id, where the section's content starts and ends. */
function sections(bytes) {
  if (bytes.readUInt32LE(0) !== 0x6d736100 || bytes.readUInt32LE(4) !== 1) throw new Error('not a WebAssembly 1 module');
  const out = [];
  let p = 8;
  while (p < bytes.length) {
    const id = bytes[p];
    const size = readU32(bytes, p + 1);
    out.push({ id, header: p, start: size.next, end: size.next + size.value });
    p = size.next + size.value;
  }
  return out;
}

/** Reads an init expression `i32.const n; end` at `at`; undefined for any other expression (skipped by `next`). */
function i32Const(bytes, at) {
  if (bytes[at] === 0x41) {
    const n = readU32(bytes, at + 1); // unsigned read: every offset/pointer here is a non-negative i32
    if (bytes[n.next] === 0x0b) return { value: n.value, next: n.next + 1 };
  }
  let p = at;
  while (bytes[p] !== 0x0b) p++;
  return { value: undefined, next: p + 1 };
}

/**
 * The module's memory: its limits, and the lowest address its heap may start at — the end of its data and the highest
 * i32.const initial value of its globals (Emscripten's stack pointer starts at the top of the stack, below the heap).
 */
export function memoryLayout(bytes) {
  const all = sections(bytes);
  const memory = all.filter((s) => s.id === 5);
  if (memory.length !== 1) throw new Error('no memory section');
  const m = memory[0];
  const count = readU32(bytes, m.start);
  if (count.value !== 1) throw new Error(`${count.value} memories`);
  const flags = bytes[count.next];
  if (flags !== 0 && flags !== 1) throw new Error(`memory flags ${flags} (shared or 64-bit)`);
  const min = readU32(bytes, count.next + 1);
  const max = flags === 1 ? readU32(bytes, min.next).value : undefined;
  let below = 0;
  for (const s of all.filter((x) => x.id === 6)) {
    let p = s.start;
    const n = readU32(bytes, p);
    p = n.next;
    for (let i = 0; i < n.value; i++) {
      p += 2; // value type, mutability
      const init = i32Const(bytes, p);
      if (init.value !== undefined) below = Math.max(below, init.value);
      p = init.next;
    }
  }
  for (const s of all.filter((x) => x.id === 11)) {
    let p = s.start;
    const n = readU32(bytes, p);
    p = n.next;
    for (let i = 0; i < n.value; i++) {
      const kind = readU32(bytes, p);
      p = kind.next;
      if (kind.value !== 0) throw new Error(`data segment kind ${kind.value}`);
      const offset = i32Const(bytes, p);
      if (offset.value === undefined) throw new Error('data segment at a computed offset');
      const len = readU32(bytes, offset.next);
      below = Math.max(below, offset.value + len.value);
      p = len.next + len.value;
    }
  }
  return { section: m, minPages: min.value, maxPages: max, lowestHeapAddress: below };
}

/**
 * `bytes` with its memory's initial size lowered to what lies below the heap plus HEAP_HEADROOM_PAGES (never raised,
 * limits otherwise kept). Only the memory section changes. A module whose memory cannot grow is returned unchanged:
 * its initial size is all the memory it will ever have.
 */
export function lowerInitialMemory(bytes) {
  const { section, minPages, maxPages, lowestHeapAddress } = memoryLayout(bytes);
  const pages = Math.min(minPages, Math.ceil(lowestHeapAddress / PAGE) + HEAP_HEADROOM_PAGES);
  if (pages === minPages || maxPages === minPages) return bytes;
  const content = [1, maxPages === undefined ? 0 : 1, ...writeU32(pages), ...(maxPages === undefined ? [] : writeU32(maxPages))];
  return Buffer.concat([
    bytes.subarray(0, section.header),
    Buffer.from([5, ...writeU32(content.length), ...content]),
    bytes.subarray(section.end),
  ]);
}
