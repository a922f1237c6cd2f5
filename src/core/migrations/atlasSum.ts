/**
 * Atlas's `atlas.sum`: a running SHA-256 over every migration file's name and content, in name order
 * (ariga/atlas `sql/migrate/dir.go`, `NewHashFile` / `MarshalText`). Pure, with its own SHA-256 (core has no node:crypto).
 */

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
  0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
  0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
  0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
  0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** Incremental SHA-256 whose state can be copied, so a digest can be taken mid-stream and the stream continued. */
export class Sha256 {
  private h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  private buf = new Uint8Array(64);
  private bufLen = 0;
  private total = 0;
  private readonly w = new Uint32Array(64);

  update(data: Uint8Array | string): this {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    this.total += bytes.length;
    let i = 0;
    while (i < bytes.length) {
      const n = Math.min(64 - this.bufLen, bytes.length - i);
      this.buf.set(bytes.subarray(i, i + n), this.bufLen);
      this.bufLen += n;
      i += n;
      if (this.bufLen === 64) {
        this.block(this.buf);
        this.bufLen = 0;
      }
    }
    return this;
  }

  copy(): Sha256 {
    const c = new Sha256();
    c.h = this.h.slice();
    c.buf = this.buf.slice();
    c.bufLen = this.bufLen;
    c.total = this.total;
    return c;
  }

  /** The digest of everything so far; this object is left unchanged. */
  digest(): Uint8Array {
    const c = this.copy();
    const bits = c.total * 8;
    const pad = new Uint8Array((c.bufLen < 56 ? 56 : 120) - c.bufLen + 8);
    pad[0] = 0x80;
    const view = new DataView(pad.buffer);
    view.setUint32(pad.length - 8, Math.floor(bits / 2 ** 32));
    view.setUint32(pad.length - 4, bits >>> 0);
    c.update(pad);
    const out = new Uint8Array(32);
    const ov = new DataView(out.buffer);
    for (let i = 0; i < 8; i++) ov.setUint32(i * 4, c.h[i]!);
    return out;
  }

  private block(b: Uint8Array): void {
    const w = this.w;
    for (let i = 0; i < 16; i++) w[i] = (b[i * 4]! << 24) | (b[i * 4 + 1]! << 16) | (b[i * 4 + 2]! << 8) | b[i * 4 + 3]!;
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15]!,
        d = w[i - 2]!;
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((d >>> 17) | (d << 15)) ^ ((d >>> 19) | (d << 13)) ^ (d >>> 10);
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
    }
    let [a, b2, c, d, e, f, g, h] = this.h as unknown as [number, number, number, number, number, number, number, number];
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (h + S1 + ch + K[i]! + w[i]!) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b2) ^ (a & c) ^ (b2 & c);
      const t2 = (S0 + maj) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b2;
      b2 = a;
      a = (t1 + t2) | 0;
    }
    const H = this.h;
    H[0] = (H[0]! + a) | 0;
    H[1] = (H[1]! + b2) | 0;
    H[2] = (H[2]! + c) | 0;
    H[3] = (H[3]! + d) | 0;
    H[4] = (H[4]! + e) | 0;
    H[5] = (H[5]! + f) | 0;
    H[6] = (H[6]! + g) | 0;
    H[7] = (H[7]! + h) | 0;
  }
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 with padding. */
export function base64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!;
    out += i + 1 < bytes.length ? B64[(n >> 6) & 63]! : '=';
    out += i + 2 < bytes.length ? B64[n & 63]! : '=';
  }
  return out;
}

export function sha256Hex(text: string): string {
  return [...new Sha256().update(text).digest()].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Atlas's rule: a file whose first line carries `atlas:sum ignore` is named in the hash but its content is not. */
const IGNORE = /^([ -~]*)atlas:sum ignore/;

/**
 * The text of `atlas.sum` for the `.sql` files of a migration folder (top level only, keyed by file name).
 * `h1:<sum>` then `<name> h1:<running hash>` per file, each line ending in `\n`.
 */
export function atlasSum(files: Readonly<Record<string, string>>): string {
  const names = Object.keys(files)
    .filter((n) => n.endsWith('.sql') && !n.includes('/'))
    .sort(byteOrder);
  const h = new Sha256();
  const records: [string, string][] = [];
  const enc = new TextEncoder();
  for (const name of names) {
    h.update(name);
    const content = files[name]!;
    if (IGNORE.test(content.split('\n', 1)[0] ?? '')) continue;
    h.update(content);
    records.push([name, base64(h.digest())]);
  }
  const total = new Sha256();
  for (const [name, hash] of records) total.update(enc.encode(name + hash));
  return `h1:${base64(total.digest())}\n${records.map(([n, hash]) => `${n} h1:${hash}\n`).join('')}`;
}

/** Go's sort.Strings compares bytes; for names this is UTF-16 order except above the BMP, which names do not use. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
