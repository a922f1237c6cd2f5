// The manifest's user-facing strings (command titles, setting descriptions, view names, walkthrough texts…) live in
// package.nls.json and are referenced from package.json as "%key%"; package.nls.<locale>.json translate them.
// `npm run nls` moves any literal user-facing string of package.json into package.nls.json under a key derived from
// where it sits (and prints the keys the other locales still lack); test/unit/l10n.test.ts fails while one is left.
import { readFileSync, writeFileSync } from 'node:fs';

/** Fields whose string value (or whose array of strings) a user reads in VS Code or the Marketplace. */
const TEXT_FIELDS = new Set([
  'displayName',
  'description',
  'markdownDescription',
  'title',
  'shortTitle',
  'category',
  'name',
  'contextualTitle',
  'contents',
  'label',
  'altText',
  'deprecationMessage',
  'markdownDeprecationMessage',
  'enumDescriptions',
  'markdownEnumDescriptions',
  'enumItemLabels',
  'placeholder',
]);
/** Path segments left out of a derived key (they say nothing the neighbours do not). */
const SKIPPED = new Set(['contributes', 'properties', 'items', 'activitybar', 'panel']);
/** Containers whose `name` is not user-facing (a setting called "name" is an object, so only strings matter). */
const ID_FIELDS = ['id', 'command', 'view'] as const;

export interface ManifestString {
  /** Where it sits, for messages: contributes.commands[columnWizard.addColumn].title */
  where: string;
  /** The key this location gets in package.nls.json when it is moved there. */
  key: string;
  value: string;
  /** Writes a new value back into the manifest object. */
  set(v: string): void;
}

const short = (s: string): string => s.replace(/^columnWizard\./, '');

/** Every user-facing string of a manifest object: the top-level name and description, capabilities and contributes. */
export function manifestStrings(manifest: Record<string, unknown>): ManifestString[] {
  const out: ManifestString[] = [];
  const visit = (node: unknown, keyPath: string[], where: string, enumValues?: unknown[]): void => {
    if (Array.isArray(node)) {
      node.forEach((el, i) => {
        const id =
          el && typeof el === 'object'
            ? ID_FIELDS.map((f) => (el as Record<string, unknown>)[f]).find((v) => typeof v === 'string')
            : undefined;
        visit(el, [...keyPath, typeof id === 'string' ? short(id) : String(i)], `${where}[${typeof id === 'string' ? id : i}]`);
      });
      return;
    }
    if (!node || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    for (const [k, v] of Object.entries(obj)) {
      const here = `${where}.${k}`;
      if (TEXT_FIELDS.has(k) && typeof v === 'string') {
        // "category" repeats on every command; one key serves them all.
        const key = k === 'category' && keyPath[0] === 'commands' ? 'category' : [...keyPath, k].join('.');
        out.push({
          where: here,
          key,
          value: v,
          set: (nv) => {
            obj[k] = nv;
          },
        });
      } else if (TEXT_FIELDS.has(k) && Array.isArray(v) && v.every((s) => typeof s === 'string')) {
        const values = Array.isArray(obj.enum) ? obj.enum : enumValues;
        v.forEach((s: string, i) => {
          const which = values && (typeof values[i] === 'string' || typeof values[i] === 'number') ? String(values[i]) : String(i);
          out.push({
            where: `${here}[${i}]`,
            key: [...keyPath, k, which].join('.'),
            value: s,
            set: (nv) => {
              v[i] = nv;
            },
          });
        });
      } else if (v && typeof v === 'object') {
        visit(v, SKIPPED.has(k) ? keyPath : [...keyPath, short(k)], here);
      }
    }
  };
  for (const k of ['displayName', 'description'] as const) {
    const v = manifest[k];
    if (typeof v === 'string')
      out.push({
        where: k,
        key: k,
        value: v,
        set: (nv) => {
          manifest[k] = nv;
        },
      });
  }
  visit(manifest.capabilities, ['capabilities'], 'capabilities');
  visit(manifest.contributes, [], 'contributes');
  return out;
}

/** A "%key%" reference's key, or undefined for a literal. */
export function nlsRef(value: string): string | undefined {
  return /^%([^%\s]+)%$/.exec(value)?.[1];
}

function main(): void {
  const manifestText = readFileSync('package.json', 'utf8');
  const manifest = JSON.parse(manifestText);
  const nls: Record<string, string> = JSON.parse(readFileSync('package.nls.json', 'utf8'));
  let moved = 0;
  for (const s of manifestStrings(manifest)) {
    if (nlsRef(s.value)) continue;
    let key = s.key;
    for (let n = 2; nls[key] !== undefined && nls[key] !== s.value; n++) key = `${s.key}.${n}`;
    nls[key] = s.value;
    s.set(`%${key}%`);
    moved++;
  }
  if (moved) {
    writeFileSync('package.json', JSON.stringify(manifest, null, 2) + '\n');
    writeFileSync('package.nls.json', JSON.stringify(nls, null, 2) + '\n');
  }
  console.log(`${moved} string(s) moved to package.nls.json`);
  for (const locale of process.argv.slice(2)) {
    const file = `package.nls.${locale}.json`;
    const tr: Record<string, string> = JSON.parse(readFileSync(file, 'utf8'));
    const missing = Object.keys(nls).filter((k) => tr[k] === undefined);
    if (missing.length) console.log(`${file} lacks:\n${missing.map((k) => `  ${k}: ${JSON.stringify(nls[k])}`).join('\n')}`);
  }
}

/** The manifest with every "%key%" replaced from an nls table (what VS Code shows); a missing key stays "%key%". */
export function localizeManifest<T>(manifest: T, nls: Record<string, string>): T {
  return JSON.parse(JSON.stringify(manifest), (_k, v) => {
    const key = typeof v === 'string' ? nlsRef(v) : undefined;
    return key !== undefined && nls[key] !== undefined ? nls[key] : v;
  }) as T;
}

if (process.argv[1] && /scripts[\\/]nls\.ts$/.test(process.argv[1])) main();
