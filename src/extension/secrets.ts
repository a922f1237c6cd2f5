import type * as vscode from 'vscode';
import { profileIdentity, type ConnectionProfile } from './connections/profiles';

/**
 * The only access to `context.secrets`. A password is stored under the profile's identity (engine, host, port,
 * user, database), so a profile with the same name pointing at another server never receives it. Values are never
 * logged, returned to the webview, or written anywhere else.
 */
export class Secrets {
  constructor(private readonly storage: vscode.SecretStorage) {}

  private key(profile: ConnectionProfile): string {
    return `columnWizard.password@${profileIdentity(profile)}`;
  }

  /** Before identities, passwords were stored under the profile name. */
  private legacyKey(profileName: string): string {
    return `columnWizard.password/${profileName}`;
  }

  /**
   * The password for this profile's server. A password stored under the old name-only key moves to the identity
   * key only when `userProfile` — the profile of that name in USER settings, the one it was saved with — has the
   * same identity; a same-named workspace profile pointing elsewhere gets nothing.
   */
  async getPassword(profile: ConnectionProfile, userProfile: ConnectionProfile | undefined): Promise<string | undefined> {
    const stored = await this.storage.get(this.key(profile));
    if (stored !== undefined) return stored;
    if (!userProfile || profileIdentity(userProfile) !== profileIdentity(profile)) return undefined;
    const legacy = await this.storage.get(this.legacyKey(profile.name));
    if (legacy === undefined) return undefined;
    await this.storage.store(this.key(profile), legacy);
    await this.storage.delete(this.legacyKey(profile.name));
    return legacy;
  }

  async setPassword(profile: ConnectionProfile, password: string | undefined): Promise<void> {
    if (password === undefined || password === '') await this.storage.delete(this.key(profile));
    else await this.storage.store(this.key(profile), password);
  }

  /** Forget the profile's password; the old name-keyed one too, but only for the user's own profile. */
  async deletePassword(profile: ConnectionProfile): Promise<void> {
    await this.storage.delete(this.key(profile));
    if (profile.origin !== 'workspace') await this.storage.delete(this.legacyKey(profile.name));
  }
}
