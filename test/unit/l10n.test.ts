import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as l10n from '@vscode/l10n';
import { exportBundle, extensionUnlocalized, l10nCalls, sourceCalls, unlocalizedTexts } from '../../scripts/l10n';
import { localizeManifest, manifestStrings, nlsRef } from '../../scripts/nls';

const LOCALES = ['de'];
const readJson = (file: string): Record<string, string> => JSON.parse(readFileSync(file, 'utf8'));
const manifestText = readFileSync('package.json', 'utf8');
const manifest = JSON.parse(manifestText);
const nls = readJson('package.nls.json');

/** What must survive translation unchanged: {0}-style placeholders, command links and `code` spans. */
function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\w+\}|\(command:[^)]*\)|`[^`]*`/g)].map((m) => m[0]).sort();
}

describe('manifest localization (package.nls*.json)', () => {
  it('every user-facing string of package.json is a %key% reference', () => {
    const literal = manifestStrings(manifest).filter((s) => nlsRef(s.value) === undefined);
    assert.deepEqual(
      literal.map((s) => `${s.where}: ${s.value}`),
      [],
      'run `npm run nls` to move them to package.nls.json',
    );
  });

  it('every %key% in package.json has an entry in package.nls.json, and every entry is used', () => {
    const refs = new Set([...manifestText.matchAll(/"%([^%"\s]+)%"/g)].map((m) => m[1]!));
    assert.ok(refs.size >= 30, `only ${refs.size} references`);
    assert.deepEqual(
      [...refs].filter((k) => nls[k] === undefined),
      [],
    );
    assert.deepEqual(
      Object.keys(nls).filter((k) => !refs.has(k)),
      [],
    );
  });

  for (const locale of LOCALES) {
    const tr = readJson(`package.nls.${locale}.json`);
    it(`package.nls.${locale}.json has exactly the keys of package.nls.json`, () => {
      assert.deepEqual(
        Object.keys(nls).filter((k) => tr[k] === undefined),
        [],
        'untranslated',
      );
      assert.deepEqual(
        Object.keys(tr).filter((k) => nls[k] === undefined),
        [],
        'stale',
      );
    });
    it(`package.nls.${locale}.json keeps every placeholder, command link and code span, and translates the text`, () => {
      for (const [k, en] of Object.entries(nls)) {
        if (tr[k] === undefined) continue;
        assert.deepEqual(placeholders(tr[k]), placeholders(en), k);
        if (en !== 'Column Wizard') assert.notEqual(tr[k], en, `${k} is not translated`);
      }
    });
  }

  it('resolves to the English texts VS Code shows', () => {
    const shown = localizeManifest(manifest, nls);
    assert.equal(shown.contributes.commands.find((c: { command: string }) => c.command === 'columnWizard.addColumn').title, 'Add Column…');
    assert.equal(localizeManifest(manifest, readJson('package.nls.de.json')).contributes.commands[0].category, 'Column Wizard');
    assert.ok(!JSON.stringify(shown).match(/"%[^%"\s]+%"/), 'a reference is left unresolved');
  });
});

type Bundle = Record<string, string | { message: string; comment: string[] }>;
const bundle: Bundle = JSON.parse(readFileSync('l10n/bundle.l10n.json', 'utf8'));
const text = (v: Bundle[string] | undefined): string => (typeof v === 'string' ? v : (v?.message ?? ''));
/** The {0}, {1}… of a message, as VS Code's l10n.t fills them. */
const indexes = (s: string): number[] => [...new Set([...s.matchAll(/\{(\d+)\}/g)].map((m) => Number(m[1])))].sort((a, b) => a - b);

describe('runtime localization (l10n/bundle.l10n*.json)', () => {
  const calls = sourceCalls();

  it('the manifest points VS Code at the bundles', () => {
    assert.equal(manifest.l10n, './l10n');
  });

  it('every l10n.t message is a string literal, so the export sees it', () => {
    assert.ok(calls.length >= 150, `only ${calls.length} calls found`);
    assert.deepEqual(
      calls.filter((c) => c.key === undefined).map((c) => `${c.file}:${c.line} ${c.text}`),
      [],
    );
  });

  it("l10n/bundle.l10n.json is exactly what the source's l10n.t calls export (`npm run l10n` rewrites it)", () => {
    assert.deepEqual(bundle, exportBundle(calls));
  });

  it('every call passes the arguments its placeholders need', () => {
    for (const c of calls) {
      if (c.message === undefined || c.args < 0) continue;
      const used = indexes(c.message);
      assert.ok(
        used.every((i) => i < c.args),
        `${c.file}:${c.line}: ${c.message} has ${c.args} argument(s)`,
      );
    }
  });

  it("no literal prose reaches VS Code's UI from src/extension without l10n.t", () => {
    assert.deepEqual(
      extensionUnlocalized().map((u) => `${u.file}:${u.line} ${u.text}`),
      [],
    );
  });

  it('the unlocalized-text check finds the shapes it is meant to', () => {
    const found = unlocalizedTexts(
      'x.ts',
      [
        'vscode.window.showInformationMessage(`Column Wizard: wrote ${p}`);',
        'item.description = `${n} tables`;',
        "q.title = 'Pick one';",
        "vscode.window.showQuickPick(items, { placeHolder: 'Type to search tables' });",
        "new vscode.CodeAction('Rewrite as safe phases', kind);",
        "ok(vscode.l10n.t('Fine {0}', x), { title: 'Column Wizard', label: 'PostgreSQL', detail: `$(add) ${y}` });",
        "vscode.window.createWebviewPanel('columnWizard.rolloutReport', vscode.l10n.t('Rollout'));",
        "items.push({ label: x, detail: used ? 'in use' : undefined, description: d ?? 'none given' });",
      ].join('\n'),
    );
    assert.deepEqual(
      found.map((f) => f.line),
      [1, 2, 3, 4, 5, 8, 8],
    );
  });

  it('the export reads l10n.t calls in both forms, with comments as l10n-dev keys them', () => {
    const found = l10nCalls('x.ts', "vscode.l10n.t('A {0}', 1); l10n.t({ message: 'B', comment: ['the button'] }); l10n.t(name);");
    assert.deepEqual(exportBundle(found), { 'A {0}': 'A {0}', 'B/the button': { message: 'B', comment: ['the button'] } });
    assert.equal(found[2]!.key, undefined);
  });

  for (const locale of LOCALES) {
    const tr: Record<string, string> = JSON.parse(readFileSync(`l10n/bundle.l10n.${locale}.json`, 'utf8'));
    it(`l10n/bundle.l10n.${locale}.json has exactly the keys of the English bundle`, () => {
      assert.deepEqual(
        Object.keys(bundle).filter((k) => tr[k] === undefined),
        [],
        'untranslated',
      );
      assert.deepEqual(
        Object.keys(tr).filter((k) => bundle[k] === undefined),
        [],
        'stale',
      );
    });
    it(`l10n/bundle.l10n.${locale}.json keeps every {n} placeholder of each message`, () => {
      for (const [k, en] of Object.entries(bundle)) {
        if (tr[k] === undefined) continue;
        assert.deepEqual(indexes(tr[k]), indexes(text(en)), k);
        assert.ok(tr[k].trim() !== '', `${k} is empty`);
      }
    });
    it(`@vscode/l10n configured with the ${locale} bundle translates a message of the vscode-free modules`, () => {
      try {
        l10n.config({ contents: tr });
        assert.equal(l10n.t('Name the column.'), tr['Name the column.']);
        assert.notEqual(l10n.t('Name the column.'), 'Name the column.');
      } finally {
        l10n.config({ contents: {} });
      }
    });
  }
});

describe('the messages built in src/core come out in the configured language', () => {
  const de: Record<string, string> = JSON.parse(readFileSync('l10n/bundle.l10n.de.json', 'utf8'));
  const facts = (rows: number) => (t: { schema?: string; name: string }) => ({
    table: { schema: t.schema ?? 'public', name: t.name },
    rows,
    bytes: rows * 100,
  });
  const sql = "SET lock_timeout = '2s'; CREATE INDEX i ON users (email); DROP TABLE accounts;";

  it('lint findings: German words and German digits with the de bundle and locale, English and the CLI digits without', async () => {
    const { lintSql } = await import('../../src/core/lint/analyze');
    const { loadParsers } = await import('../../src/core/lint/parsers');
    const parsers = await loadParsers();
    const lint = (locale?: string) =>
      lintSql(
        sql,
        { target: { dialect: 'postgres', version: '15' }, facts: facts(50_000_000), ...(locale ? { locale } : {}) },
        parsers,
      ).findings.map((f) => [f.rule, f.message, f.fix ?? '']);
    const english = lint();
    try {
      l10n.config({ contents: de });
      const german = lint('de');
      assert.deepEqual(
        german.map((f) => f[0]),
        english.map((f) => f[0]),
        'the same findings',
      );
      const index = german.find((f) => f[0] === 'index-not-concurrent')!;
      assert.match(
        index[1]!,
        /^CREATE INDEX auf users: CREATE INDEX nimmt SHARE: Schreibzugriffe sind während des gesamten Aufbaus blockiert\. /,
      );
      assert.match(index[1]!, /Die Tabelle hat etwa 50\.000\.000 Zeilen\. Geschätzt: Schreibzugriffe etwa 48 s blockiert\.$/);
      assert.match(index[2]!, /^CREATE INDEX CONCURRENTLY i ON … \(außerhalb eines Transaktionsblocks\)\.$/);
      const drop = german.find((f) => f[0] === 'drop-table')!;
      assert.equal(drop[1], 'DROP TABLE accounts: Ihre Zeilen sind weg, und Abfragen, die die Tabelle noch verwenden, schlagen fehl.');
    } finally {
      l10n.config({ contents: {} });
    }
    const index = english.find((f) => f[0] === 'index-not-concurrent')!;
    assert.match(index[1]!, /^CREATE INDEX on users: .* The table has about 50,000,000 rows\. Estimated: writes blocked for about 48 s\.$/);
    assert.equal(
      english.find((f) => f[0] === 'drop-table')![1],
      'DROP TABLE accounts: its rows are gone, and queries that still use it fail.',
    );
  });

  it("the plan's phase titles, step explanations and rollout checklist: German with the de bundle, English without", async () => {
    const { planColumn } = await import('../../src/core/plan');
    const { parseColumnDefinition } = await import('../../src/core/columnSpec');
    const make = () =>
      planColumn(
        parseColumnDefinition('email text NOT NULL UNIQUE', 'postgres'),
        { table: { schema: 'public', name: 'users' }, rows: 1_000_000, bytes: 500 * 1024 * 1024, primaryKey: ['id'] },
        { dialect: 'postgres', version: '15' },
      );
    const english = make();
    let german: typeof english;
    try {
      l10n.config({ contents: de });
      german = make();
    } finally {
      l10n.config({ contents: {} });
    }
    // The same plan: only the words differ.
    assert.deepEqual(
      german.phases.flatMap((p) => p.steps.map((s) => s.sql)),
      english.phases.flatMap((p) => p.steps.map((s) => s.sql)),
    );
    assert.equal(english.phases[0]!.title, 'Expand: add the column');
    assert.equal(german.phases[0]!.title, 'Erweitern: die Spalte hinzufügen');
    const index = (p: typeof english) => p.phases.flatMap((ph) => ph.steps).find((s) => s.sql.includes('CONCURRENTLY'))!.why;
    assert.match(index(english), /^Build the unique index without blocking writes/);
    assert.match(index(german), /^Den eindeutigen Index aufbauen, ohne Schreibzugriffe zu blockieren/);
    const first = (p: typeof english) => p.phases[0]!.steps[0]!.why;
    assert.match(first(english), /While it waits for its lock, every query on the table queue behind it/);
    assert.match(
      first(german),
      /^Die Spalte hinzufügen: reine Katalogänderung unter ACCESS EXCLUSIVE: .*Während er auf seine Sperre wartet, reiht sich jede Abfrage auf die Tabelle dahinter ein/,
    );
    assert.equal(german.rollout.at(-2), 'Liefern Sie Code aus, der die neue Spalte liest.');
  });

  it("a fix that is the rule's help: German in the finding, English in the rule's own help (docs, SARIF)", async () => {
    const { lintSql } = await import('../../src/core/lint/analyze');
    const { loadParsers } = await import('../../src/core/lint/parsers');
    const { setNotNullScan } = await import('../../src/core/lint/rules/setNotNullScan');
    const parsers = await loadParsers();
    const fix = () =>
      lintSql(
        "SET lock_timeout = '2s'; ALTER TABLE t ALTER COLUMN c SET NOT NULL;",
        { target: { dialect: 'postgres', version: '15' } },
        parsers,
      ).findings.find((f) => f.rule === 'set-not-null-scan')?.fix;
    assert.equal(fix(), setNotNullScan.help);
    try {
      l10n.config({ contents: de });
      assert.match(fix() ?? '', /^ADD CONSTRAINT … CHECK \(c IS NOT NULL\) NOT VALID, VALIDATE CONSTRAINT in einer eigenen Transaktion/);
      assert.match(setNotNullScan.help, /in its own transaction/);
    } finally {
      l10n.config({ contents: {} });
    }
  });

  it("estimate basis and templated verdicts with values: German with the de bundle; a migration file's dated basis stays English", async () => {
    const { describeBasis } = await import('../../src/core/impact');
    const { lintSql } = await import('../../src/core/lint/analyze');
    const { loadParsers } = await import('../../src/core/lint/parsers');
    const parsers = await loadParsers();
    const now = Date.parse('2026-12-05T12:00:00Z');
    const measured = { basis: 'measured' as const, measuredAt: '2026-12-05T11:57:00Z' };
    const findings = (sql: string, version: string) =>
      lintSql(`SET lock_timeout = '2s'; ${sql}`, { target: { dialect: 'postgres', version } }, parsers).findings.map((f) => f.message);
    const english = {
      basis: describeBasis(measured, now),
      learned: describeBasis({ basis: 'learned', runs: 3 }, now),
      notNull: findings('ALTER TABLE t ALTER COLUMN c SET NOT NULL;', '11').join('\n'),
      rename: findings('ALTER TABLE t RENAME COLUMN a TO b;', '15').join('\n'),
    };
    assert.equal(english.basis, 'measured on this server 3 min ago');
    assert.equal(english.learned, 'learned from 3 runs on this server');
    assert.match(english.notNull, /PostgreSQL 11 cannot use a CHECK to skip it; 12\+ can/);
    assert.match(english.rename, /^Renaming a column of t: renaming a column is a catalog change under ACCESS EXCLUSIVE/);
    try {
      l10n.config({ contents: de });
      assert.equal(describeBasis(measured, now), 'auf diesem Server gemessen, vor 3 min');
      assert.equal(describeBasis({ basis: 'learned', runs: 3 }, now), 'aus 3 Läufen auf diesem Server gelernt');
      assert.equal(describeBasis({ basis: 'default' }, now), 'grob: dieser Server wurde nicht gemessen');
      assert.equal(describeBasis(measured, 'dated'), 'measured on this server on 2026-12-05', 'kept in an English file');
      assert.match(
        findings('ALTER TABLE t ALTER COLUMN c SET NOT NULL;', '11').join('\n'),
        /PostgreSQL 11 kann den Scan nicht mit einem CHECK überspringen; ab 12 geht das/,
      );
      assert.match(
        findings('ALTER TABLE t RENAME COLUMN a TO b;', '15').join('\n'),
        /^Umbenennen einer Spalte von t: das Umbenennen einer Spalte ist eine Katalogänderung/,
      );
    } finally {
      l10n.config({ contents: {} });
    }
  });

  it('the run report (Open Report): German with the de bundle, English without (as the CLI prints it)', async () => {
    const { formatReport } = await import('../../src/db/run/report');
    const snap = (t: number) => ({ tableBytes: t, indexBytes: 8192, totalBytes: t + 8192, indexes: [] });
    const report = () =>
      formatReport({
        runId: 'r1',
        dialect: 'postgres',
        table: { schema: 'public', name: 'orders' },
        column: 'note',
        status: 'completed',
        startedAt: '2026-12-05T11:00:00Z',
        finishedAt: '2026-12-05T11:00:02Z',
        before: snap(8192),
        after: snap(16384),
        growthBytes: 8192,
        columnDefinition: { type: 'text', nullable: true, default: null },
        indexes: [{ name: 'orders_note_idx', columns: ['note'], unique: false, valid: true, bytes: 8192, idxScan: null }],
        analyzed: true,
        explain: null,
        steps: [{ phaseIndex: 0, stepIndex: 0, sql: 'UPDATE …', attempts: 2, seconds: 1.5, rows: 1000, batches: 2 }],
        resumed: false,
        checked: ['column'],
        problems: [],
        warnings: ["the session's lock_timeout could not be set back to 7s (Connection terminated)"],
      });
    const english = report();
    // A setting not set back (RunReport.warnings): said in the report the CLI prints and Open Report shows.
    assert.match(english, /\nWarning: the session's lock_timeout could not be set back to 7s \(Connection terminated\)\n/);
    assert.match(english, /^Run r1 completed on public\.orders \(postgres\)\nColumn note: text NULL\n/);
    assert.match(english, /\[1\.1\] UPDATE … \(1\.50 s, 2 attempts\) — 1000 rows in 2 batches$/);
    try {
      l10n.config({ contents: de });
      const german = report();
      assert.match(german, /^Lauf r1 auf public\.orders \(postgres\) abgeschlossen\nSpalte note: text NULL\n/);
      assert.match(german, /Index orders_note_idx \(note\): gültig, .*, Scans nicht erfasst\n/);
      assert.match(german, /\nWarnung: the session's lock_timeout could not be set back/);
      assert.match(german, /\nSchritte:\n {2}\[1\.1\] UPDATE … \(1\.50 s, 2 Versuche\) — 1000 Zeilen in 2 Stapeln$/);
    } finally {
      l10n.config({ contents: {} });
    }
  });

  it('a MySQL verdict inside a plan step: German with the de bundle', async () => {
    const { planColumn } = await import('../../src/core/plan');
    const { parseColumnDefinition } = await import('../../src/core/columnSpec');
    const why = () =>
      planColumn(
        parseColumnDefinition('note varchar(20)', 'mysql'),
        { table: { schema: 'shop', name: 'users' }, rows: 1_000_000, bytes: 500 * 1024 * 1024, primaryKey: ['id'] },
        { dialect: 'mysql', version: '8.0.36' },
      ).phases[0]!.steps[0]!.why;
    assert.match(why(), /^Add the column: ALGORITHM=INSTANT changes only the data dictionary/);
    try {
      l10n.config({ contents: de });
      assert.match(why(), /^Die Spalte hinzufügen: ALGORITHM=INSTANT ändert nur das Data Dictionary: kein Neuaufbau/);
    } finally {
      l10n.config({ contents: {} });
    }
  });

  it('the language status text and the statement summary: German with the de bundle, English without', async () => {
    const { lintStatusText, blocksText } = await import('../../src/core/lint/preview');
    const offline = () => lintStatusText({ dialect: 'postgres', version: '16' }, undefined);
    assert.equal(offline(), 'Column Wizard: offline, PostgreSQL 16 rules');
    try {
      l10n.config({ contents: de });
      assert.equal(offline(), 'Column Wizard: offline, Regeln von PostgreSQL 16');
      assert.equal(blocksText({ reads: true, writes: true }), 'blockiert Lesen und Schreiben');
      assert.equal(lintStatusText({ dialect: 'postgres', version: '15' }, 'demo'), 'Column Wizard: PostgreSQL 15 · demo');
    } finally {
      l10n.config({ contents: {} });
    }
    assert.equal(blocksText({ reads: true, writes: true }), 'blocks reads+writes');
  });
});

describe('the wizard page carries the locale and the translations to the webview', () => {
  it('writes <html lang> and the bundle as an escaped <meta>, which parses back to the same bundle', async () => {
    const { wizardHtml } = await import('../../src/extension/wizard/html');
    const { L10N_META } = await import('../../src/protocol');
    const de = JSON.parse(readFileSync('l10n/bundle.l10n.de.json', 'utf8'));
    const base = { cspSource: 'https://x', nonce: 'a1b2c3d4e5f60718293a4b5c', scriptUri: 'https://x/w.js', styleUri: 'https://x/w.css' };
    const html = wizardHtml({ ...base, l10n: { locale: 'de', bundle: de } });
    assert.match(html, /<html lang="de">/);
    const content = new RegExp(`<meta name="${L10N_META}" content="([^"]*)">`).exec(html)?.[1];
    assert.ok(content, 'no translations meta');
    const unescaped = content
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
    assert.deepEqual(JSON.parse(unescaped), de);
    assert.doesNotMatch(wizardHtml(base), new RegExp(L10N_META), 'English needs no bundle');
  });
});
