/**
 * Draws the marketplace icon `media/icon.png` (128×128 RGBA) without any image tool: a table whose new right-hand
 * column is highlighted, with a plus above it, rasterized with 4×4 supersampling and written as a PNG by hand
 * (zlib deflate + CRC-32). Run after changing a shape: `npx tsx scripts/icon.ts`.
 */
import { writeFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';

const SIZE = 128;
const SS = 4;
type Rgb = readonly [number, number, number];
const NAVY: Rgb = [0x1f, 0x4e, 0x79];
const WHITE: Rgb = [0xff, 0xff, 0xff];
const GOLD: Rgb = [0xf2, 0xc1, 0x4e];

/** Shapes in 128-unit coordinates, painted in order; each answers whether a point is inside. */
const roundRect = (x0: number, y0: number, x1: number, y1: number, r: number) => (x: number, y: number) => {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};
const rect = (x0: number, y0: number, x1: number, y1: number) => roundRect(x0, y0, x1, y1, 0);
const layers: [(x: number, y: number) => boolean, Rgb][] = [
  [roundRect(4, 4, 124, 124, 20), NAVY],
  [rect(78, 32, 106, 102), GOLD], // the new column
  [rect(20, 30, 108, 36), WHITE], // table frame: top
  [rect(20, 98, 108, 104), WHITE], // bottom
  [rect(20, 30, 26, 104), WHITE], // left
  [rect(102, 30, 108, 104), WHITE], // right
  [rect(20, 48, 108, 53), WHITE], // header rule
  [rect(48, 30, 53, 104), WHITE], // column rules
  [rect(75, 30, 80, 104), WHITE],
  [roundRect(88, 6, 96, 30, 3), GOLD], // plus
  [roundRect(80, 14, 104, 22, 3), GOLD],
];

const raw = Buffer.alloc(SIZE * (1 + SIZE * 4));
for (let y = 0; y < SIZE; y++) {
  const row = y * (1 + SIZE * 4);
  raw[row] = 0; // filter: none
  for (let x = 0; x < SIZE; x++) {
    let r = 0,
      g = 0,
      b = 0,
      a = 0;
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const px = x + (sx + 0.5) / SS;
        const py = y + (sy + 0.5) / SS;
        let color: Rgb | undefined;
        for (const [inside, c] of layers) if (inside(px, py)) color = c;
        if (color) {
          r += color[0];
          g += color[1];
          b += color[2];
          a += 1;
        }
      }
    }
    const o = row + 1 + x * 4;
    raw[o] = a ? Math.round(r / a) : 0;
    raw[o + 1] = a ? Math.round(g / a) : 0;
    raw[o + 2] = a ? Math.round(b / a) : 0;
    raw[o + 3] = Math.round((255 * a) / (SS * SS));
  }
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0);
ihdr.writeUInt32BE(SIZE, 4);
ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync('media/icon.png', png);
console.log(`media/icon.png: ${SIZE}x${SIZE}, ${png.length} bytes`);
