import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { FINDINGS, SERVER_REJECTED } from '../../src/core/findings';
import { LINT_RULES } from '../../src/core/lint/ruleIds';
import { ALL_COMMANDS } from '../../src/extension/commandIds';

// The registries of what used to be free strings (issue 16): finding codes (src/core/findings.ts), settings reads
// (src/extension/settingsAccess.ts) and command ids (src/extension/commandIds.ts). Each test reads
// the sources as text, so a literal that a cast or a `string` parameter hides from the compiler is still caught.

const root = join(__dirname, '..', '..');

function sources(dir: string): { path: string; text: string }[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({
      path: relative(root, join(root, dir, f))
        .split('\\')
        .join('/'),
      text: readFileSync(join(root, dir, f), 'utf8'),
    }));
}

const line = (text: string, index: number): number => text.slice(0, index).split('\n').length;

describe('finding codes (src/core/findings.ts)', () => {
  const ruleIds = new Set<string>(LINT_RULES.map((r) => r.id));
  const files = [...sources('src'), ...sources('webview')].filter((f) => f.path !== 'src/core/findings.ts');
  // A code is lower-case words joined by '-' (a form code starts with 'draft.'; a server rejection names its field).
  // Driver and system error codes (ENOENT, 55P03, ER_LOCK_DEADLOCK) do not look like that and are left out.
  const CODE = `'([a-z][a-zA-Z0-9]*(?:[.-][a-zA-Z0-9]+)*)'`;
  const SEVERITY = `'(error|warning|info)'`;
  const patterns: { re: RegExp; severity?: number }[] = [
    // { code: 'x', severity: 'y' } and comparisons (w.code === 'x')
    { re: new RegExp(`\\bcode\\s*:\\s*${CODE}(?:,\\s*severity:\\s*${SEVERITY})?`, 'g'), severity: 2 },
    { re: new RegExp(`(?<!typeof\\s+[\\w.]*)\\bcode\\s*[!=]==?\\s*${CODE}`, 'g') },
    // code: cond ? 'x' : 'y'
    { re: new RegExp(`\\bcode\\s*:\\s*[^'\\n,;]*\\?\\s*${CODE}\\s*:\\s*${CODE}`, 'g') },
    // helpers: finding('x', 'error', …), b.warn('x', 'info', …)
    { re: new RegExp(`\\w\\(\\s*${CODE},\\s*${SEVERITY}`, 'g'), severity: 2 },
    // core/columnSpec.ts finding('x', severity, …) with a computed severity; the form's error(field, 'draft.x', …)
    { re: new RegExp(`(?<![.\\w])finding\\(\\s*${CODE}`, 'g') },
    { re: new RegExp(`(?<![.\\w])error\\(\\s*'[a-zA-Z]+',\\s*${CODE}`, 'g') },
  ];
  const found: { code: string; severity?: string; at: string }[] = [];
  for (const f of files) {
    for (const { re, severity } of patterns) {
      for (const m of f.text.matchAll(re)) {
        const at = `${f.path}:${line(f.text, m.index)}`;
        const codes = severity ? [m[1]!] : m.slice(1).filter((c): c is string => c !== undefined);
        for (const code of codes) found.push({ code, at, ...(severity && m[severity] ? { severity: m[severity] } : {}) });
      }
    }
  }

  it('finds the codes in the sources (the scan works)', () => {
    assert.ok(found.length > 100, `only ${found.length} code literals found`);
    assert.ok(found.some((f) => f.code === 'column-exists' && f.at.startsWith('src/db/postgres/validate.ts')));
    assert.ok(found.some((f) => f.code === 'draft.name-missing'));
    assert.ok(found.some((f) => f.code === 'app-not-writing-rising'));
  });

  it('every code literal in src/ and webview/ is in the registry or a lint rule id', () => {
    const unknown = found.filter((f) => !Object.hasOwn(FINDINGS, f.code) && !ruleIds.has(f.code));
    assert.deepEqual(
      unknown.map((f) => `${f.at}: ${f.code}`),
      [],
    );
  });

  it('the severity written beside a code is one the registry lists for it', () => {
    const wrong = found.filter(
      (f) =>
        f.severity &&
        Object.hasOwn(FINDINGS, f.code) &&
        !(FINDINGS[f.code as keyof typeof FINDINGS].severities as readonly string[]).includes(f.severity),
    );
    assert.deepEqual(
      wrong.map((f) => `${f.at}: ${f.code} is reported as ${f.severity}`),
      [],
    );
  });

  it('no code is built from a template (every code must be listable)', () => {
    const built = files.flatMap((f) => [...f.text.matchAll(/\bcode\s*:\s*`/g)].map((m) => `${f.path}:${line(f.text, m.index)}`));
    assert.deepEqual(built, []);
  });

  it('every registered code is still reported somewhere, and none is also a lint rule id', () => {
    const emitted = new Set([...found.map((f) => f.code), ...Object.values(SERVER_REJECTED)]);
    assert.deepEqual(
      Object.keys(FINDINGS).filter((c) => !emitted.has(c)),
      [],
    );
    assert.deepEqual(
      Object.keys(FINDINGS).filter((c) => ruleIds.has(c)),
      [],
    );
  });
});

describe('settings (src/extension/settings.ts over src/extension/settingsAccess.ts)', () => {
  it("only settingsAccess.ts calls VS Code's configuration API", () => {
    const calls = sources('src').flatMap((f) =>
      [...f.text.matchAll(/\b(getConfiguration|onDidChangeConfiguration)\s*\(/g)].map((m) => `${f.path}:${line(f.text, m.index)}: ${m[1]}`),
    );
    assert.ok(
      calls.some((c) => c.startsWith('src/extension/settingsAccess.ts:')),
      'the scan finds nothing',
    );
    assert.deepEqual(
      calls.filter((c) => !c.startsWith('src/extension/settingsAccess.ts:')),
      [],
    );
  });
});

describe('command ids (src/extension/commandIds.ts)', () => {
  const ids = new Set<string>(Object.values(ALL_COMMANDS));
  const literals = [...sources('src'), ...sources('webview')]
    .filter((f) => f.path !== 'src/extension/commandIds.ts')
    .flatMap((f) =>
      [...f.text.matchAll(/(\bcommand\s*:\s*|(?:executeCommand|registerCommand)\(\s*)?(['"`])(columnWizard\.[\w.]+)\2/g)].map((m) => ({
        at: `${f.path}:${line(f.text, m.index)}`,
        id: m[3]!,
        asCommand: m[1] !== undefined,
      })),
    );

  it("the scan sees the extension's other columnWizard.* ids (context keys, state keys)", () => {
    assert.ok(literals.some((l) => l.at.startsWith('src/extension/contextKeys.ts')));
  });

  it('no command id is written outside commandIds.ts (package.json excepted)', () => {
    assert.deepEqual(
      literals.filter((l) => l.asCommand || ids.has(l.id)).map((l) => `${l.at}: ${l.id}`),
      [],
    );
  });

  it('the glue registers every command, contributed or internal, and the handler table has each', () => {
    assert.match(readFileSync(join(root, 'src/extension/activate.ts'), 'utf8'), /for \(const key of Object\.keys\(ALL_COMMANDS\)/);
    const table = readFileSync(join(root, 'src/extension/commands/index.ts'), 'utf8');
    for (const key of Object.keys(ALL_COMMANDS)) assert.match(table, new RegExp(`\\n  ${key}: `), `no handler for ${key}`);
    const registrations = sources('src').flatMap((f) =>
      [...f.text.matchAll(/\bregisterCommand\(/g)].map((m) => `${f.path}:${line(f.text, m.index)}`),
    );
    assert.deepEqual(
      registrations.map((r) => r.replace(/:\d+$/, '')),
      ['src/extension/activate.ts'],
    );
  });
});
