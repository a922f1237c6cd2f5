import * as vscode from 'vscode';
import { DEFAULT_LOCK_TIMEOUT_MS } from '../core/dialects/index';
import { parseProfiles, profileToSetting, type ConnectionProfile } from './connections/profiles';

const SECTION = 'columnWizard';

/** The one typed reader of the extension's settings. */
export interface Settings {
  readonly connections: readonly ConnectionProfile[];
  /** Entries of `columnWizard.connections` that were skipped, each with the reason. */
  readonly connectionProblems: readonly string[];
  readonly lockTimeoutMs: number;
  /** `auto` or a tool name. */
  readonly migrationsTool: string;
  /** Days after a rollout baseline before Verify Rollout is offered once; 0 never offers it. */
  readonly verifyAfterDays: number;
  /** Queries Verify Rollout explains (besides the baseline's), each one statement. */
  readonly verifyQueries: readonly string[];
  /** Hours after which a server's calibration (the throughput the estimates use) is measured again. */
  readonly calibrationMaxAgeHours: number;
}

/**
 * The settings as they apply to `resource` (a file or workspace folder): in a multi-root workspace a folder's own
 * `.vscode/settings.json` decides its resource-scoped settings (`migrationsTool`, `lockTimeoutMs`, `lint.*`).
 */
export function readSettings(resource?: vscode.Uri): Settings {
  const c = vscode.workspace.getConfiguration(SECTION, resource);
  const parsed = parseProfiles(c.get<unknown>('connections', []));
  const { problems } = parsed;
  // VS Code replaces the user's array with a workspace's: a profile is the user's own only when user settings hold
  // exactly that entry; anything else came from the workspace (a repository's .vscode/settings.json).
  const user = new Set(userProfiles().map((p) => JSON.stringify(profileToSetting(p))));
  const profiles = parsed.profiles.map((p): ConnectionProfile => ({ ...p, origin: user.has(JSON.stringify(profileToSetting(p))) ? 'user' : 'workspace' }));
  const lock = c.get<number>('lockTimeoutMs', DEFAULT_LOCK_TIMEOUT_MS);
  return {
    connections: profiles,
    connectionProblems: problems,
    lockTimeoutMs: typeof lock === 'number' && lock > 0 ? lock : DEFAULT_LOCK_TIMEOUT_MS,
    migrationsTool: c.get<string>('migrationsTool', 'auto'),
    verifyAfterDays: Math.max(0, Math.min(365, Number(c.get<number>('verifyAfterDays', 3)) || 0)),
    calibrationMaxAgeHours: Math.max(0, Math.min(24 * 365, Number(c.get<number>('calibrationMaxAgeHours', 168)) || 0)),
    verifyQueries: (c.get<unknown[]>('verifyQueries', []) ?? []).filter((q): q is string => typeof q === 'string' && q.trim() !== '').slice(0, 50),
  };
}

/** The profiles of user settings only (what the user defined, whatever a workspace says). */
export function userProfiles(): ConnectionProfile[] {
  return parseProfiles(vscode.workspace.getConfiguration(SECTION).inspect<unknown>('connections')?.globalValue ?? []).profiles;
}

/** Where a profile lives: workspace settings when it is defined there, user settings otherwise. */
function targetOf(name: string): vscode.ConfigurationTarget {
  const inspected = vscode.workspace.getConfiguration(SECTION).inspect<unknown[]>('connections');
  const inWorkspace = parseProfiles(inspected?.workspaceValue ?? []).profiles.some((p) => p.name === name);
  return inWorkspace ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}

/** Add or replace a profile in the scope chosen (user by default). */
export async function saveProfile(profile: ConnectionProfile, scope: vscode.ConfigurationTarget = vscode.ConfigurationTarget.Global): Promise<void> {
  const c = vscode.workspace.getConfiguration(SECTION);
  const inspected = c.inspect<unknown[]>('connections');
  const current = (scope === vscode.ConfigurationTarget.Workspace ? inspected?.workspaceValue : inspected?.globalValue) ?? [];
  const others = current.filter((e) => !(typeof e === 'object' && e !== null && (e as { name?: unknown }).name === profile.name));
  await c.update('connections', [...others, profileToSetting(profile)], scope);
}

export async function deleteProfile(name: string): Promise<void> {
  const c = vscode.workspace.getConfiguration(SECTION);
  const scope = targetOf(name);
  const inspected = c.inspect<unknown[]>('connections');
  const current = (scope === vscode.ConfigurationTarget.Workspace ? inspected?.workspaceValue : inspected?.globalValue) ?? [];
  await c.update('connections', current.filter((e) => !(typeof e === 'object' && e !== null && (e as { name?: unknown }).name === name)), scope);
}

export function onSettingsChange(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration(SECTION)) listener(); });
}
