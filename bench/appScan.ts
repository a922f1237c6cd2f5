/**
 * The application-side scan over a generated 20,000-file workspace, against just reading the same files in the
 * same run (the floor any scan pays). Prints both and the ratio.
 *   npx tsx bench/appScan.ts [--files N]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { scanDirectory } from '../src/cli/appScan';

const { values } = parseArgs({ options: { files: { type: 'string', default: '20000' } } });
const N = Number(values.files);

function project(): string {
  const root = mkdtempSync(join(tmpdir(), 'cw-scan-bench-'));
  const body = (i: number) =>
    [
      `import { helper${i % 50} } from '../lib/helper${i % 50}';`,
      `export function handler${i}(input: { id: number; name: string }) {`,
      `  const total = [1, 2, 3].map((x) => x * ${i}).reduce((a, b) => a + b, 0);`,
      `  if (input.name.length > ${i % 17}) return helper${i % 50}(input.id, total);`,
      `  return { id: input.id, label: \`item-\${input.name}\`, total };`,
      '}',
      ...Array.from({ length: 30 }, (_, k) => `// line ${k} of module ${i}: lorem ipsum dolor sit amet, consectetur adipiscing elit`),
    ].join('\n');
  for (let i = 0; i < N; i++) {
    const dir = join(root, 'src', `m${Math.floor(i / 200)}`);
    if (i % 200 === 0) mkdirSync(dir, { recursive: true });
    const ext = i % 10 === 0 ? 'py' : i % 10 === 1 ? 'rb' : 'ts';
    let text = body(i);
    if (i % 1000 === 7) text += `\nawait db.query('INSERT INTO orders (amount) VALUES ($1)', [${i}]);\n`;
    writeFileSync(join(dir, `f${i}.${ext}`), text);
  }
  mkdirSync(join(root, 'prisma'));
  writeFileSync(join(root, 'prisma', 'schema.prisma'), 'model Order {\n  id Int @id\n  @@map("orders")\n}\n');
  writeFileSync(join(root, '.gitignore'), 'generated/\n');
  return root;
}

/** The floor: list the same tree and read every file, in the same batches of 64 the scan uses. */
async function readAll(root: string): Promise<number> {
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(dir, e.name));
      else files.push(join(dir, e.name));
    }
  };
  await walk(root);
  let n = 0;
  for (let i = 0; i < files.length; i += 64)
    n += (await Promise.all(files.slice(i, i + 64).map((f) => readFile(f, 'utf8')))).reduce((a, t) => a + t.length, 0);
  return n;
}

void (async () => {
  const root = project();
  try {
    await readAll(root); // warm the page cache for both measurements
    const results: { scan: number; read: number; found: number }[] = [];
    for (let r = 0; r < 3; r++) {
      let s = performance.now();
      await readAll(root);
      const read = performance.now() - s;
      s = performance.now();
      const scan = await scanDirectory(root, { table: 'orders', column: 'ref' });
      results.push({ scan: performance.now() - s, read, found: scan.calls.length + scan.models.length });
    }
    const best = results.sort((a, b) => a.scan - b.scan)[0]!;
    console.log(
      `scan of ${N + 2} files: ${best.scan.toFixed(0)} ms (best of 3); reading the same files alone: ${best.read.toFixed(0)} ms; ratio ${(best.scan / best.read).toFixed(2)}; ${best.found} matches`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
})();
