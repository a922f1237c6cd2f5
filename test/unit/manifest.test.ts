import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { localizeManifest } from '../../scripts/nls';
import { ALL_COMMANDS, COMMANDS, INTERNAL_COMMANDS } from '../../src/extension/commandIds';
import { CONTEXT_KEYS } from '../../src/extension/contextKeys';
import { BASELINE_DIR } from '../../src/core/rollout/baseline';

// As VS Code shows it: the "%key%" references resolved from package.nls.json.
const nls: Record<string, string> = JSON.parse(readFileSync('package.nls.json', 'utf8'));
const manifest = localizeManifest(JSON.parse(readFileSync('package.json', 'utf8')), nls);

describe('package.json manifest', () => {
  it('contributes exactly the commands the extension registers', () => {
    const contributed = (manifest.contributes.commands as { command: string }[]).map((c) => c.command).sort();
    assert.deepEqual(contributed, Object.values(COMMANDS).sort());
    for (const id of Object.values(INTERNAL_COMMANDS))
      assert.ok(!JSON.stringify(manifest).includes(`"${id}"`), `${id} is internal but in package.json`);
  });

  it('registers every command id through the handler table in src/extension/commands', () => {
    // The handler table is typed Record<AnyCommandKey, Handler>, so a missing handler fails to compile; this checks
    // that the registration loop (in the activation glue) covers ALL_COMMANDS (contributed and internal) rather than a
    // hand-written list.
    assert.match(readFileSync('src/extension/activate.ts', 'utf8'), /for \(const key of Object\.keys\(ALL_COMMANDS\)/);
    const src = readFileSync('src/extension/commands/index.ts', 'utf8');
    for (const key of Object.keys(ALL_COMMANDS)) assert.match(src, new RegExp(`\\n  ${key}: `), `no handler for ${key}`);
  });

  it('puts every command in the "Column Wizard" category', () => {
    for (const c of manifest.contributes.commands) assert.equal(c.category, 'Column Wizard', c.command);
  });

  it('declares only onLanguage:sql, the wizard serializer and a workspace with rollouts: VS Code ≥ 1.74 generates the onCommand/onView events from contributes', () => {
    // A webview panel serializer is registered in code, not contributed: its onWebviewPanel event cannot be generated.
    // A workspace with rollout baselines gets the application-side scan and the verify reminder without a SQL file
    // open: its folder is one fixed path (VS Code checks that it exists, no search of the workspace).
    assert.deepEqual(manifest.activationEvents, [
      'onLanguage:sql',
      'onWebviewPanel:columnWizard.wizard',
      `workspaceContains:${BASELINE_DIR}`,
    ]);
    assert.match(manifest.engines.vscode, /^\^1\.(7[4-9]|[89]\d|\d{3})\./);
  });

  it('shows Write Migration Files / Run Migration in the palette only with a wizard open, Preview Plan only in SQL editors', () => {
    const palette = new Map(
      (manifest.contributes.menus.commandPalette as { command: string; when: string }[]).map((m) => [m.command, m.when]),
    );
    assert.equal(palette.get(COMMANDS.writeMigration), CONTEXT_KEYS.wizardOpen);
    assert.equal(palette.get(COMMANDS.runMigration), CONTEXT_KEYS.wizardOpen);
    assert.equal(palette.get(COMMANDS.previewPlan), 'editorLangId == sql');
    // Adding a column or a connection is always offered.
    for (const id of [COMMANDS.addColumn, COMMANDS.addColumnQuick, COMMANDS.addConnection]) assert.ok(!palette.has(id), id);
    // The wizard sets and clears its key.
    const panel = readFileSync('src/extension/wizard/panel.ts', 'utf8');
    assert.match(panel, /'setContext', CONTEXT_KEYS\.wizardOpen, true\)/);
    assert.match(panel, /'setContext', CONTEXT_KEYS\.wizardOpen, WizardPanel\.open\.size > 0\)/);
  });

  it('offers Preview Plan in the context menu and title bar of SQL editors', () => {
    const m = manifest.contributes.menus;
    for (const menu of ['editor/context', 'editor/title']) {
      const item = (m[menu] as { command: string; when: string }[]).find((i) => i.command === COMMANDS.previewPlan);
      assert.ok(item, `${menu} has no Preview Plan`);
      assert.match(item.when, /resourceLangId == sql/, menu);
    }
    const title = (m['editor/title'] as { command: string }[]).map((i) =>
      manifest.contributes.commands.find((c: { command: string }) => c.command === i.command),
    );
    for (const c of title) assert.ok(c?.icon, `${c?.command} in editor/title needs an icon`);
  });

  it('names only declared context keys (src/extension/contextKeys.ts) in when clauses and completion events', () => {
    const declared = new Set<string>(Object.values(CONTEXT_KEYS));
    const clauses = [
      ...Object.values(manifest.contributes.menus as Record<string, { when?: string }[]>)
        .flat()
        .map((i) => i.when ?? ''),
      ...(manifest.contributes.walkthroughs as { steps: { completionEvents: string[] }[] }[])
        .flatMap((w) => w.steps.flatMap((s) => s.completionEvents))
        .filter((e) => e.startsWith('onContext:')),
    ];
    const keys = new Set(
      clauses
        .flatMap((c) => [...c.matchAll(/\bcolumnWizard\.[A-Za-z]+(?![.\w])/g)].map((m) => m[0]))
        .filter((k) => k !== 'columnWizard.connections'),
    );
    assert.ok(keys.size >= 3, "the menus and the walkthrough use the extension's context keys");
    for (const k of keys) assert.ok(declared.has(k), `${k} is not a declared context key`);
  });

  it('has a four-step walkthrough whose every step has its Markdown page, its image and completion events that exist', () => {
    const [walkthrough, ...others] = manifest.contributes.walkthroughs as {
      id: string;
      steps: { id: string; media: { markdown?: string }; completionEvents: string[]; description: string }[];
    }[];
    assert.equal(others.length, 0);
    assert.deepEqual(
      walkthrough!.steps.map((s) => s.id),
      ['connect', 'addColumn', 'write', 'lint'],
    );
    const commands = new Set<string>(Object.values(COMMANDS));
    const declared = new Set<string>(Object.values(CONTEXT_KEYS));
    for (const step of walkthrough!.steps) {
      assert.ok(step.media.markdown && existsSync(step.media.markdown), `${step.id}: markdown ${step.media.markdown}`);
      const md = readFileSync(step.media.markdown, 'utf8');
      const images = [...md.matchAll(/!\[[^\]]+\]\(([^)]+)\)/g)].map((m) => m[1]!);
      assert.ok(images.length > 0, `${step.id}: the page shows no image`);
      for (const img of images) {
        const path = join(dirname(step.media.markdown), img);
        assert.ok(existsSync(path), `${step.id}: ${path} missing`);
        assert.match(readFileSync(path, 'utf8'), /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, `${path} is an SVG`);
      }
      assert.ok(step.completionEvents.length > 0, `${step.id}: no completion event`);
      for (const e of step.completionEvents) {
        const [kind, arg] = [e.slice(0, e.indexOf(':')), e.slice(e.indexOf(':') + 1)];
        if (kind === 'onCommand') assert.ok(commands.has(arg), `${step.id}: ${e} names no contributed command`);
        else if (kind === 'onContext') {
          for (const k of arg.match(/\bcolumnWizard\.[A-Za-z]+/g) ?? [])
            assert.ok(declared.has(k), `${step.id}: ${k} is not a declared context key`);
        } else assert.fail(`${step.id}: unexpected completion event ${e}`);
      }
      // Command links in the step's text name contributed commands.
      const description = nls[step.description.replace(/^%|%$/g, '')] ?? step.description;
      for (const m of description.matchAll(/\(command:([\w.]+)\)/g)) assert.ok(commands.has(m[1]!), `${step.id}: link to ${m[1]}`);
    }
    // The first step completes as soon as a connection exists (the extension keeps the key current).
    assert.ok(walkthrough!.steps[0]!.completionEvents.includes(`onContext:${CONTEXT_KEYS.hasConnection}`));
    assert.match(readFileSync('src/extension/activate.ts', 'utf8'), /CONTEXT_KEYS\.hasConnection/);
  });

  it('resolves every %key% of the manifest in package.nls.json', () => {
    const keys = [...readFileSync('package.json', 'utf8').matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]!);
    assert.ok(keys.length > 0);
    for (const k of keys) assert.equal(typeof nls[k], 'string', `package.nls.json has no "${k}"`);
  });

  it('gives every setting a scope, an order and a description, every enum its descriptions, every connection field a description', () => {
    const props = manifest.contributes.configuration.properties as Record<
      string,
      {
        scope?: string;
        order?: number;
        description?: string;
        markdownDescription?: string;
        enum?: string[];
        enumDescriptions?: string[];
        items?: {
          properties?: Record<string, { description?: string; markdownDescription?: string; enum?: string[]; enumDescriptions?: string[] }>;
        };
      }
    >;
    const orders = new Set<number>();
    for (const [name, p] of Object.entries(props)) {
      assert.ok(
        ['application', 'machine', 'machine-overridable', 'window', 'resource', 'language-overridable'].includes(p.scope ?? ''),
        `${name}: scope`,
      );
      assert.equal(typeof p.order, 'number', `${name}: order`);
      assert.ok(!orders.has(p.order!), `${name}: order ${p.order} is taken`);
      orders.add(p.order!);
      assert.ok(p.markdownDescription ?? p.description, `${name}: description`);
      if (p.enum) assert.equal(p.enumDescriptions?.length, p.enum.length, `${name}: enumDescriptions`);
    }
    for (const [field, f] of Object.entries(props['columnWizard.connections']!.items!.properties!)) {
      assert.ok(f.markdownDescription ?? f.description, `connection field ${field}: description`);
      if (f.enum) assert.equal(f.enumDescriptions?.length, f.enum.length, `connection field ${field}: enumDescriptions`);
    }
    // What a workspace folder may decide for itself is read with the folder's resource (src/extension/settings.ts).
    for (const name of [
      'columnWizard.migrationsTool',
      'columnWizard.lint.dialect',
      'columnWizard.lint.serverVersion',
      'columnWizard.lockTimeoutMs',
    ]) {
      assert.equal(props[name]!.scope, 'resource', name);
    }
  });

  it('carries the marketplace metadata: icon (128×128 PNG), repository, bugs, homepage, keywords, categories, preview', () => {
    const png = readFileSync(manifest.icon);
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
    assert.match(manifest.repository.url, /^https:\/\/github\.com\/[\w-]+\/[\w-]+\.git$/);
    assert.equal(manifest.bugs.url, manifest.repository.url.replace(/\.git$/, '/issues'));
    assert.ok(manifest.homepage.startsWith(manifest.repository.url.replace(/\.git$/, '')));
    assert.ok(manifest.keywords.length >= 3 && manifest.keywords.length <= 30);
    assert.deepEqual(manifest.categories, ['Linters', 'Visualization']);
    assert.equal(manifest.preview, true);
  });

  it('declares the first settings and the CLI bin', () => {
    const props = Object.keys(manifest.contributes.configuration.properties).sort();
    for (const p of ['columnWizard.connections', 'columnWizard.lockTimeoutMs', 'columnWizard.migrationsTool'])
      assert.ok(props.includes(p), p);
    assert.deepEqual(manifest.bin, { 'column-wizard': 'dist/cli.js' });
    assert.equal(manifest.engines.vscode, '^1.90.0');
  });

  it('never offers a password setting', () => {
    const text = JSON.stringify(manifest.contributes.configuration);
    assert.doesNotMatch(text, /"password"/i);
  });
  it('puts the Connections view in its own activity-bar container, with menus that name contributed commands', () => {
    const c = manifest.contributes;
    const container = c.viewsContainers.activitybar.find((v: { id: string }) => v.id === 'columnWizard');
    assert.ok(container, 'no columnWizard activity-bar container');
    assert.ok(existsSync(container.icon), `missing icon ${container.icon}`);
    assert.deepEqual(
      c.views.columnWizard.map((v: { id: string }) => v.id),
      ['columnWizard.connections'],
    );
    const commands = new Set(Object.values(COMMANDS));
    const items = [...c.menus['view/title'], ...c.menus['view/item/context']] as { command: string; when: string }[];
    for (const item of items) {
      assert.ok(commands.has(item.command as never), `menu names unknown command ${item.command}`);
      assert.match(item.when, /view == columnWizard\.connections/);
    }
    // The tree's context values (src/extension/tree.ts) drive the item menus.
    assert.ok(
      items.some((i) => i.command === COMMANDS.addColumn && /viewItem == table/.test(i.when)),
      'Add Column… on a table',
    );
    assert.ok(
      items.some((i) => i.command === COMMANDS.removeConnection && /viewItem == connection/.test(i.when)),
      'Remove Connection on a connection',
    );
    const tree = readFileSync('src/extension/tree.ts', 'utf8');
    for (const v of ['table', 'connection']) assert.match(tree, new RegExp(`contextValue = '${v}'`));
    assert.match(c.viewsWelcome[0].contents, /\(command:columnWizard\.addConnection\)/);
  });
});
