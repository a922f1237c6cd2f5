import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
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
