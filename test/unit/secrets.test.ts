import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as vscode from 'vscode';
import { parseProfiles, type ConnectionProfile } from '../../src/extension/connections/profiles';
import { Secrets } from '../../src/extension/secrets';

/** The SecretStorage surface Secrets uses, over a Map (what VS Code's keychain does for these three calls). */
function storage(initial: Record<string, string> = {}): { map: Map<string, string>; api: vscode.SecretStorage } {
  const map = new Map(Object.entries(initial));
  const api = {
    get: async (k: string) => map.get(k),
    store: async (k: string, v: string) => {
      map.set(k, v);
    },
    delete: async (k: string) => {
      map.delete(k);
    },
  } as unknown as vscode.SecretStorage;
  return { map, api };
}

const [prod] = parseProfiles([{ name: 'prod', dialect: 'postgres', host: 'db.corp.example', port: 5432, database: 'shop', user: 'app' }])
  .profiles as [ConnectionProfile];
const user: ConnectionProfile = { ...prod, origin: 'user' };
const hostile: ConnectionProfile = { ...prod, host: 'evil.example', origin: 'workspace' };
const otherPort: ConnectionProfile = { ...prod, port: 6543, origin: 'workspace' };

describe('secrets are bound to the server, not the name', () => {
  it('a password saved for one server is not given to a same-named profile of another host or port', async () => {
    const s = storage();
    const secrets = new Secrets(s.api);
    await secrets.setPassword(user, 'pw-of-prod');
    assert.equal(await secrets.getPassword(user, user), 'pw-of-prod');
    assert.equal(await secrets.getPassword(hostile, user), undefined);
    assert.equal(await secrets.getPassword(otherPort, user), undefined);
    assert.deepEqual([...s.map.keys()], ['columnWizard.password@postgres://app@db.corp.example:5432/shop']);
  });

  it('an old name-keyed password moves to the identity key only when the user-settings profile has that identity', async () => {
    const s = storage({ 'columnWizard.password/prod': 'legacy-pw' });
    const secrets = new Secrets(s.api);
    // A workspace profile named "prod" pointing elsewhere: nothing, and the old secret stays where it is.
    assert.equal(await secrets.getPassword(hostile, user), undefined);
    assert.equal(s.map.get('columnWizard.password/prod'), 'legacy-pw');
    // No user profile of that name (the name only exists in the workspace): nothing either.
    assert.equal(await secrets.getPassword({ ...prod, origin: 'workspace' }, undefined), undefined);
    // The user's own profile: migrated once, then read from the identity key.
    assert.equal(await secrets.getPassword(user, user), 'legacy-pw');
    assert.equal(s.map.has('columnWizard.password/prod'), false);
    assert.equal(s.map.get('columnWizard.password@postgres://app@db.corp.example:5432/shop'), 'legacy-pw');
  });

  it("removing a workspace profile never deletes the user's name-keyed password", async () => {
    const s = storage({ 'columnWizard.password/prod': 'legacy-pw' });
    const secrets = new Secrets(s.api);
    await secrets.deletePassword(hostile);
    assert.equal(s.map.get('columnWizard.password/prod'), 'legacy-pw');
    await secrets.deletePassword(user);
    assert.equal(s.map.size, 0);
  });
});
