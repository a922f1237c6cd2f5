import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { localizeManifest } from '../../scripts/nls';

const readJson = (file: string) => JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'));
// With its texts: the descriptions (in package.nls.json) say which settings name hosts or queries.
const manifest = localizeManifest(readJson('package.json'), readJson('package.nls.json')) as {
  capabilities?: { untrustedWorkspaces?: { supported: unknown; restrictedConfigurations?: string[] } };
  contributes: { configuration: { properties: Record<string, unknown> } };
};

describe('workspace trust capability', () => {
  it('declares limited support in Restricted Mode', () => {
    assert.equal(manifest.capabilities?.untrustedWorkspaces?.supported, 'limited');
  });
  it('restricts every setting that names a host or enables probing, running or querying a server', () => {
    const restricted = new Set(manifest.capabilities?.untrustedWorkspaces?.restrictedConfigurations ?? []);
    const props = manifest.contributes.configuration.properties;
    const sensitive = Object.entries(props)
      .filter(([, schema]) => /"(host|allowRun|allowProbe|lintAutoConnect)"|EXPLAIN|[Qq]ueries/.test(JSON.stringify(schema)))
      .map(([k]) => k);
    assert.ok(sensitive.includes('columnWizard.connections'));
    for (const key of sensitive) assert.ok(restricted.has(key), `${key} is not in restrictedConfigurations`);
    for (const key of restricted) assert.ok(key in props, `${key} is restricted but not contributed`);
  });
});
