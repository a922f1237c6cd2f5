/**
 * The context keys the extension sets, declared once. package.json's `when` clauses and the walkthrough's
 * `onContext:` completion events name these (test/unit/manifest.test.ts checks that every `columnWizard.*` key they
 * use is declared here). Set with `vscode.commands.executeCommand('setContext', key, value)`. No vscode import, so the
 * manifest test loads it.
 */
export const CONTEXT_KEYS = {
  /** At least one connection profile is saved. */
  hasConnection: 'columnWizard.hasConnection',
  /** A wizard panel is open (Write Migration Files and Run Migration act on it). */
  wizardOpen: 'columnWizard.wizardOpen',
  /** Migration files were written in this window (the walkthrough's third step). */
  wroteMigration: 'columnWizard.wroteMigration',
} as const;

export type ContextKey = (typeof CONTEXT_KEYS)[keyof typeof CONTEXT_KEYS];
