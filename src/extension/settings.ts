import * as vscode from 'vscode';
import { DEFAULT_LOCK_TIMEOUT_MS } from '../core/dialects/index';
import { DIALECTS, type Dialect } from '../core/types';
import { parseProfiles, profileToSetting, type ConnectionProfile } from './connections/profiles';
import { onSettingsChange, section } from './settingsAccess';

export { onSettingsChange };

/**
 * The one typed reader of the extension's settings: every read and write of `columnWizard.*` goes through this module
 * and ./settingsAccess.ts (the raw access, light enough for the activation glue); test/unit/registries.test.ts checks
 * that no other file calls getConfiguration.
 */
export interface Settings {
  readonly connections: readonly ConnectionProfile[];
  /** Entries of `columnWizard.connections` that were skipped, each with the reason. */
  readonly connectionProblems: readonly string[];
  readonly lockTimeoutMs: number;
  /** `auto` or a tool name. */
  readonly migrationsTool: string;
  readonly lint: LintSettings;
  /** Days after a rollout baseline before Verify Rollout is offered once; 0 never offers it. */
  readonly verifyAfterDays: number;
  /** Queries Verify Rollout explains (besides the baseline's), each one statement. */
  readonly verifyQueries: readonly string[];
  /** Hours after which a server's calibration (the throughput the estimates use) is measured again. */
  readonly calibrationMaxAgeHours: number;
}

/** The offline lint target (`columnWizard.lint.dialect`, `columnWizard.lint.serverVersion`). */
export interface LintSettings {
  readonly dialect: Dialect | 'auto';
  /** As written, trimmed; '' when unset. */
  readonly serverVersion: string;
}

/** `columnWizard.lockTimeoutMs` as it applies to `resource`; the default when unset or not a positive number. */
export function lockTimeoutMs(resource?: vscode.Uri): number {
  const lock = section(resource).get<number>('lockTimeoutMs', DEFAULT_LOCK_TIMEOUT_MS);
  return typeof lock === 'number' && lock > 0 ? lock : DEFAULT_LOCK_TIMEOUT_MS;
}

/** `columnWizard.migrationsTool` as it applies to `resource`: `auto` or a tool name. */
export function migrationsToolSetting(resource?: vscode.Uri): string {
  return section(resource).get<string>('migrationsTool', 'auto') ?? 'auto';
}

/** Remember the migration tool for a workspace folder. */
export async function saveMigrationsTool(folder: vscode.Uri, tool: string, scope: vscode.ConfigurationTarget): Promise<void> {
  await section(folder).update('migrationsTool', tool, scope);
}

export function lintSettings(resource?: vscode.Uri): LintSettings {
  const c = section(resource);
  const dialect = c.get<string>('lint.dialect') ?? 'auto';
  return { dialect: DIALECTS.find((d) => d === dialect) ?? 'auto', serverVersion: (c.get<string>('lint.serverVersion') ?? '').trim() };
}

/** Lint offline with `dialect` rules at `version`: the workspace's settings when a folder is open, else the user's. */
export async function saveLintTarget(resource: vscode.Uri | undefined, dialect: Dialect, version: string): Promise<void> {
  const c = section(resource);
  const scope = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await c.update('lint.dialect', dialect, scope);
  await c.update('lint.serverVersion', version, scope);
}

/**
 * The settings as they apply to `resource` (a file or workspace folder): in a multi-root workspace a folder's own
 * `.vscode/settings.json` decides its resource-scoped settings (`migrationsTool`, `lockTimeoutMs`, `lint.*`).
 */
export function readSettings(resource?: vscode.Uri): Settings {
  const c = section(resource);
  const parsed = parseProfiles(c.get<unknown>('connections', []));
  const { problems } = parsed;
  // VS Code replaces the user's array with a workspace's: a profile is the user's own only when user settings hold
  // exactly that entry; anything else came from the workspace (a repository's .vscode/settings.json).
  const user = new Set(userProfiles().map((p) => JSON.stringify(profileToSetting(p))));
  const profiles = parsed.profiles.map((p): ConnectionProfile => ({
    ...p,
    origin: user.has(JSON.stringify(profileToSetting(p))) ? 'user' : 'workspace',
  }));
  return {
    connections: profiles,
    connectionProblems: problems,
    lockTimeoutMs: lockTimeoutMs(resource),
    migrationsTool: migrationsToolSetting(resource),
    lint: lintSettings(resource),
    verifyAfterDays: Math.max(0, Math.min(365, Number(c.get<number>('verifyAfterDays', 3)) || 0)),
    calibrationMaxAgeHours: Math.max(0, Math.min(24 * 365, Number(c.get<number>('calibrationMaxAgeHours', 168)) || 0)),
    verifyQueries: (c.get<unknown[]>('verifyQueries', []) ?? [])
      .filter((q): q is string => typeof q === 'string' && q.trim() !== '')
      .slice(0, 50),
  };
}

/** The profiles of user settings only (what the user defined, whatever a workspace says). */
export function userProfiles(): ConnectionProfile[] {
  return parseProfiles(section().inspect<unknown>('connections')?.globalValue ?? []).profiles;
}

/** Where a profile lives: workspace settings when it is defined there, user settings otherwise. */
function targetOf(name: string): vscode.ConfigurationTarget {
  const inspected = section().inspect<unknown[]>('connections');
  const inWorkspace = parseProfiles(inspected?.workspaceValue ?? []).profiles.some((p) => p.name === name);
  return inWorkspace ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}

/** Add or replace a profile in the scope chosen (user by default). */
export async function saveProfile(
  profile: ConnectionProfile,
  scope: vscode.ConfigurationTarget = vscode.ConfigurationTarget.Global,
): Promise<void> {
  const c = section();
  const inspected = c.inspect<unknown[]>('connections');
  const current = (scope === vscode.ConfigurationTarget.Workspace ? inspected?.workspaceValue : inspected?.globalValue) ?? [];
  const others = current.filter((e) => !(typeof e === 'object' && e !== null && (e as { name?: unknown }).name === profile.name));
  await c.update('connections', [...others, profileToSetting(profile)], scope);
}

export async function deleteProfile(name: string): Promise<void> {
  const c = section();
  const scope = targetOf(name);
  const inspected = c.inspect<unknown[]>('connections');
  const current = (scope === vscode.ConfigurationTarget.Workspace ? inspected?.workspaceValue : inspected?.globalValue) ?? [];
  await c.update(
    'connections',
    current.filter((e) => !(typeof e === 'object' && e !== null && (e as { name?: unknown }).name === name)),
    scope,
  );
}
