import type * as vscode from 'vscode';

/**
 * The only access to `context.secrets`. Keys are derived from the profile name; values are never logged,
 * returned to the webview, or written anywhere else.
 */
export class Secrets {
  constructor(private readonly storage: vscode.SecretStorage) {}

  private key(profileName: string): string {
    return `columnWizard.password/${profileName}`;
  }

  getPassword(profileName: string): Thenable<string | undefined> {
    return this.storage.get(this.key(profileName));
  }

  async setPassword(profileName: string, password: string | undefined): Promise<void> {
    if (password === undefined || password === '') await this.storage.delete(this.key(profileName));
    else await this.storage.store(this.key(profileName), password);
  }

  deletePassword(profileName: string): Thenable<void> {
    return this.storage.delete(this.key(profileName));
  }
}
