/** FNV-1a (32-bit) of a string's UTF-16 code units, as 8 hex digits: short stable names and fingerprints. Pure. */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
