/**
 * The bound connection for SQL lint: the connection last used in this workspace, or the only one configured,
 * when its engine matches the file. Lint connects on its own only when the workspace is trusted, the profile needs no
 * confirmation (a workspace-defined one the user has not confirmed does), and its host is local or the profile
 * turns `lintAutoConnect` on; otherwise the file is linted offline. Gives the server version and table row counts; cached for a minute,
 * and an unreachable server falls back to offline lint (logged once per minute, never a popup).
 */
import type * as vscode from 'vscode';
import { factsLookup, guessEngine } from '../../core/lint/preview';
import type { Calibration, ColumnSpec, TableFacts, Target } from '../../core/types';
import type { Calibrations } from '../calibrations';
import { specToDraft } from '../../core/draft';
import type { NameRef } from '../../core/lint/model';
import { compare, type Prediction } from '../../db/verify';
import type { Connections } from '../connections/manager';
import { describeProfile, type ConnectionProfile } from '../connections/profiles';
import type { Log } from '../log';
import type { LintTargetSource } from './documentLinter';
import { describeError } from '../../core/format';

const LAST_CONNECTION = 'columnWizard.lastConnection';
/** Set by the lint status item's "offline" choice: lint binds no connection in this workspace until one is chosen. */
const LINT_OFFLINE = 'columnWizard.lint.offline';
const TTL_MS = 60_000;

interface Entry {
  readonly at: number;
  readonly value: Promise<
    { target: Target; facts: (t: NameRef) => TableFacts | undefined; calibration?: Calibration; profile: string } | undefined
  >;
}

/** The profile lint should use for a file of this engine, or undefined (offline). */
export function boundProfile(
  profiles: readonly ConnectionProfile[],
  last: string | undefined,
  engine: 'postgres' | 'mysql',
): ConnectionProfile | undefined {
  const fits = (p: ConnectionProfile) => (p.dialect === 'postgres') === (engine === 'postgres');
  const lastProfile = last ? profiles.find((p) => p.name === last) : undefined;
  if (lastProfile && fits(lastProfile)) return lastProfile;
  const candidates = profiles.filter(fits);
  return candidates.length === 1 ? candidates[0] : undefined;
}

export class ConnectionLintSource implements LintTargetSource {
  private readonly cache = new Map<string, Entry>();

  /** `calibrations` is passed in (not imported) so this module loads without the vscode API in unit tests. */
  constructor(
    private readonly connections: Connections,
    private readonly state: vscode.Memento,
    private readonly log: Log,
    private readonly extension?: vscode.ExtensionContext,
    private readonly calibrations?: Pick<Calibrations, 'ensure' | 'peek'>,
  ) {
    connections.onDidChange(() => this.cache.clear());
  }

  /** Open the Add Column wizard on the bound connection, prefilled with the statement's column; false when none fits. */
  async openWizard(document: vscode.TextDocument, table: NameRef, spec: ColumnSpec): Promise<boolean> {
    const profile = boundProfile(this.connections.list(), this.state.get<string>(LAST_CONNECTION), guessEngine(document.getText()));
    if (!profile || !this.extension) return false;
    const { WizardPanel } = await import('../wizard/panel');
    const schema = table.schema ?? (profile.dialect === 'postgres' ? 'public' : profile.database);
    await WizardPanel.show(
      { extension: this.extension, connections: this.connections, log: this.log },
      profile,
      { schema, name: table.name },
      specToDraft(spec),
    );
    return true;
  }

  targetFor(
    document: vscode.TextDocument,
  ): Promise<{ target: Target; facts: (t: NameRef) => TableFacts | undefined; calibration?: Calibration; profile: string } | undefined> {
    if (this.state.get<boolean>(LINT_OFFLINE)) return Promise.resolve(undefined);
    const profile = boundProfile(this.connections.list(), this.state.get<string>(LAST_CONNECTION), guessEngine(document.getText()));
    if (!profile) return Promise.resolve(undefined);
    const hit = this.cache.get(profile.name);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.value.then((v) => v && this.withCalibration(profile, v));
    const value = this.connections.mayAutoConnect(profile).then((ok) => {
      if (ok) return this.load(profile);
      this.log.info(
        'lint',
        `SQL lint works offline: it does not connect to "${profile.name}" on its own (not a local host, or a workspace connection not confirmed yet, or Restricted Mode); set "lintAutoConnect": true on the profile to allow it`,
      );
      return undefined;
    });
    this.cache.set(profile.name, { at: Date.now(), value });
    return value.then((v) => v && this.withCalibration(profile, v));
  }

  /** The connection's calibration as it is now (measured once in the background, where probes are allowed). */
  private withCalibration<T extends object>(profile: ConnectionProfile, v: T): T & { calibration?: Calibration } {
    const calibrations = this.calibrations;
    if (!calibrations) return v;
    void calibrations.ensure(profile);
    const { calibration } = calibrations.peek(profile);
    return calibration ? { ...v, calibration } : v;
  }

  /**
   * Run the statement on an empty copy of its table on the bound server (src/db probe) and compare with the linter's
   * claim. Undefined when no connection fits the file.
   */
  async verify(
    document: vscode.TextDocument,
    table: NameRef,
    sql: string,
    claim: Prediction,
  ): Promise<{ profile: string; agrees: boolean; differences: string[] } | undefined> {
    const profile = boundProfile(this.connections.list(), this.state.get<string>(LAST_CONNECTION), guessEngine(document.getText()));
    if (!profile) return undefined;
    await this.connections.admitProbe(profile, true);
    const client = await this.connections.client(profile);
    const schema = table.schema ?? (profile.dialect === 'postgres' ? 'public' : profile.database);
    const probe = await client.probe({ schema, name: table.name }, sql);
    const { agrees, differences } = compare(claim, probe);
    this.log.info('lint', `verified on ${profile.name}: ${sql.slice(0, 80)} → ${agrees ? 'agrees' : differences.join('; ')}`);
    return { profile: profile.name, agrees, differences };
  }

  /** The connections lint may bind, for the lint status item's QuickPick. */
  profiles(): { name: string; dialect: ConnectionProfile['dialect']; description: string }[] {
    return this.connections.list().map((p) => ({ name: p.name, dialect: p.dialect, description: describeProfile(p) }));
  }

  /** The lint status item's choice: lint with this connection (remembered as the last used), or offline (null). */
  async bind(name: string | null): Promise<void> {
    await this.state.update(LINT_OFFLINE, name === null ? true : undefined);
    if (name !== null) await this.state.update(LAST_CONNECTION, name);
    this.cache.clear();
  }

  private async load(
    profile: ConnectionProfile,
  ): Promise<{ target: Target; facts: (t: NameRef) => TableFacts | undefined; profile: string } | undefined> {
    try {
      const client = await this.connections.client(profile);
      const info = await client.serverInfo();
      const tables = await client.listTables();
      this.log.info('lint', `SQL lint uses ${profile.name} (${info.dialect} ${info.version}, ${tables.length} tables)`);
      return {
        profile: profile.name,
        target: { dialect: info.dialect, version: info.version },
        facts: factsLookup(tables, info.dialect === 'postgres' ? 'public' : profile.database),
      };
    } catch (err) {
      this.log.warn('lint', `SQL lint works offline: ${profile.name} is unreachable (${describeError(err)})`);
      return undefined;
    }
  }
}
