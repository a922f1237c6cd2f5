import * as vscode from 'vscode';
import { connect, type DatabaseClient, type ServerInfo } from '../../db/client';
import { checkLocalHost } from '../../db/hosts';
import type { Dialect } from '../../core/types';
import type { Log } from '../log';
import type { Secrets } from '../secrets';
import { deleteProfile, onSettingsChange, readSettings, saveProfile, userProfiles } from '../settings';
import {
  DEFAULT_PORT,
  describeProfile,
  envCandidates,
  parseDotEnv,
  profileIdentity,
  profilePermissions,
  toConnectionOptions,
  type ConnectionProfile,
  type EnvCandidate,
  type ProfilePermissions,
} from './profiles';

const LOG = 'connections';
/** globalState: identities whose host and port the user confirmed for a workspace-defined profile. */
const CONFIRMED = 'columnWizard.confirmedWorkspaceConnections';
/** globalState: identities on which the user was told what a probe creates and drops. */
const PROBE_NOTICE = 'columnWizard.probeNoticeShown';

/** A connection refused before any network traffic: Restricted Mode, an unconfirmed workspace profile, a permission. */
export class ConnectionRefused extends Error {
  override readonly name = 'ConnectionRefused';
}

/**
 * The saved connections and one open client per connection, opened on first use (the driver module loads then,
 * never at activation) and closed when the profile changes, is removed, or the extension stops.
 */
export class Connections implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly clients = new Map<string, Promise<DatabaseClient>>();
  private readonly subscriptions: vscode.Disposable[] = [];

  private readonly locality = new Map<string, Promise<boolean>>();

  constructor(
    private readonly secrets: Secrets,
    private readonly log: Log,
    private readonly global: vscode.Memento,
  ) {
    this.subscriptions.push(
      this.changed,
      onSettingsChange(() => {
        void this.closeAll();
        this.locality.clear();
        const problems = readSettings().connectionProblems;
        for (const p of problems) this.log.warn(LOG, p);
        this.changed.fire();
      }),
    );
  }

  list(): readonly ConnectionProfile[] {
    return readSettings().connections;
  }

  find(name: string): ConnectionProfile | undefined {
    return this.list().find((p) => p.name === name);
  }

  /** The shared client of a profile; a failed attempt is forgotten so the next call retries. */
  client(profile: ConnectionProfile): Promise<DatabaseClient> {
    const key = profileIdentity(profile);
    let c = this.clients.get(key);
    if (!c) {
      c = this.open(profile);
      this.clients.set(key, c);
      c.catch(() => this.clients.delete(key));
    }
    return c;
  }

  /** Whether the profile's host resolves only to loopback addresses (the one rule, src/db/hosts.ts); cached per host. */
  isLocal(profile: ConnectionProfile): Promise<boolean> {
    const host = profile.host.trim().toLowerCase();
    let v = this.locality.get(host);
    if (!v) {
      v = checkLocalHost(host).then((r) => r.local);
      this.locality.set(host, v);
    }
    return v;
  }

  async permissions(profile: ConnectionProfile): Promise<ProfilePermissions> {
    return profilePermissions(profile, await this.isLocal(profile));
  }

  /** A workspace-defined profile whose host and port the user has not confirmed yet. */
  needsConfirmation(profile: ConnectionProfile): boolean {
    return profile.origin === 'workspace' && !(this.global.get<string[]>(CONFIRMED) ?? []).includes(profileIdentity(profile));
  }

  /**
   * May the inline lint connect without asking? Only in a trusted workspace, to a profile that needs no
   * confirmation, on a local host or where the user turned `lintAutoConnect` on.
   */
  async mayAutoConnect(profile: ConnectionProfile): Promise<boolean> {
    if (!vscode.workspace.isTrusted || this.needsConfirmation(profile)) return false;
    return (await this.permissions(profile)).lintAutoConnect;
  }

  /** Everything checked before a connection opens: workspace trust, and the user's confirmation of a workspace profile. */
  private async admit(profile: ConnectionProfile): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      throw new ConnectionRefused(
        vscode.l10n.t(
          'Column Wizard does not connect to databases in Restricted Mode. Trust this workspace to connect; offline lint and planning keep working.',
        ),
      );
    }
    if (!this.needsConfirmation(profile)) return;
    const perms = await this.permissions(profile);
    const allows =
      perms.run && perms.probe
        ? vscode.l10n.t('The profile allows running migrations and probes (shadow tables) there.')
        : perms.run
          ? vscode.l10n.t('The profile allows running migrations there.')
          : perms.probe
            ? vscode.l10n.t('The profile allows probes (shadow tables) there.')
            : '';
    const connect = vscode.l10n.t('Connect');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t(
        'This workspace\'s settings define the connection "{0}". Connect to {1} port {2}?',
        profile.name,
        profile.host,
        profile.port,
      ),
      {
        modal: true,
        detail: [
          describeProfile(profile),
          vscode.l10n.t(
            'Defined in the workspace settings (.vscode/settings.json), not by you. No stored password is sent unless you saved one for exactly this server.',
          ),
          allows,
        ]
          .filter(Boolean)
          .join('\n'),
      },
      connect,
    );
    if (answer !== connect) {
      throw new ConnectionRefused(
        vscode.l10n.t(
          'Not connecting to "{0}" ({1}): the workspace defines it and it was not confirmed.',
          profile.name,
          `${profile.host}:${profile.port}`,
        ),
      );
    }
    await this.global.update(CONFIRMED, [...(this.global.get<string[]>(CONFIRMED) ?? []), profileIdentity(profile)]);
    this.log.info(LOG, `confirmed the workspace connection "${profile.name}" (${describeProfile(profile)})`);
  }

  /**
   * Probes create and drop objects on the server: refused where the profile does not allow them, and the first
   * time on a server the user is told exactly what happens. Throws ConnectionRefused when not allowed.
   */
  async admitProbe(profile: ConnectionProfile, interactive: boolean): Promise<void> {
    const perms = await this.permissions(profile);
    if (!perms.probe) {
      throw new ConnectionRefused(
        perms.readOnly
          ? vscode.l10n.t('"{0}" is a production connection: introspection and EXPLAIN only, no probes.', profile.name)
          : vscode.l10n.t(
              'Probes are off for "{0}" ({1} is not a local host): set "allowProbe": true in its profile to allow them.',
              profile.name,
              profile.host,
            ),
      );
    }
    const shown = this.global.get<string[]>(PROBE_NOTICE) ?? [];
    if (shown.includes(profileIdentity(profile))) return;
    const detail =
      profile.dialect === 'postgres'
        ? vscode.l10n.t(
            'Each probe creates a private schema cw_probe_<random> holding an empty copy of the table (CREATE TABLE … LIKE … INCLUDING ALL) — or a temporary table when you lack CREATE on the database — runs the step on the copy inside a transaction that is rolled back, then drops the schema (DROP SCHEMA … CASCADE). The real table is locked only for the instant of the copy (1 s lock timeout). Statements that rename, drop or move other objects are refused.',
          )
        : vscode.l10n.t(
            'Each probe creates an empty copy of the table, _cw_probe_<random>, in the same database (CREATE TABLE … LIKE …), runs the step on the copy, then drops it (DROP TABLE IF EXISTS). Statements that rename, drop or move other objects are refused.',
          );
    if (await this.isLocal(profile)) {
      // A local database: say once what a probe does, without stopping the work (a remote one asks first, below).
      await this.global.update(PROBE_NOTICE, [...shown, profileIdentity(profile)]);
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Column Wizard verifies plans on "{0}" by probing. {1}', profile.name, detail),
      );
      return;
    }
    if (!interactive)
      throw new ConnectionRefused(
        vscode.l10n.t('Probing on "{0}" needs your go-ahead first (open the Add Column wizard on it).', profile.name),
      );
    const probe = vscode.l10n.t('Probe');
    const answer = await vscode.window.showInformationMessage(
      vscode.l10n.t('Verify plans on "{0}" by probing?', profile.name),
      { modal: true, detail },
      probe,
    );
    if (answer !== probe) throw new ConnectionRefused(vscode.l10n.t('Not probing on "{0}".', profile.name));
    await this.global.update(PROBE_NOTICE, [...shown, profileIdentity(profile)]);
  }

  /** A client of its own (for a wizard panel), closed by the caller. */
  async open(profile: ConnectionProfile): Promise<DatabaseClient> {
    await this.admit(profile);
    const password = await this.secrets.getPassword(
      profile,
      userProfiles().find((p) => p.name === profile.name),
    );
    this.log.info(
      LOG,
      `connecting to ${describeProfile(profile)}${profile.origin === 'workspace' ? ' (defined in workspace settings)' : ''}`,
    );
    return connect(toConnectionOptions(profile, password, { lockTimeoutMs: readSettings().lockTimeoutMs }));
  }

  /** Connect, read the server version, disconnect: what Add Connection checks before saving. */
  async test(profile: ConnectionProfile, password: string | undefined): Promise<ServerInfo> {
    if (!vscode.workspace.isTrusted)
      throw new ConnectionRefused(
        vscode.l10n.t('Column Wizard does not connect to databases in Restricted Mode. Trust this workspace first.'),
      );
    const client = await connect(toConnectionOptions(profile, password));
    try {
      return await client.serverInfo();
    } finally {
      await client.close().catch(() => undefined);
    }
  }

  async closeAll(): Promise<void> {
    const all = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(all.map(async (c) => (await c.catch(() => null))?.close().catch(() => undefined)));
  }

  /** Remove the profile from settings and its password from secret storage. */
  async remove(profile: ConnectionProfile): Promise<void> {
    const c = this.clients.get(profileIdentity(profile));
    this.clients.delete(profileIdentity(profile));
    await (await c?.catch(() => null))?.close().catch(() => undefined);
    await deleteProfile(profile.name);
    await this.secrets.deletePassword(profile);
    this.log.info(LOG, `removed connection "${profile.name}" and its stored password`);
    this.changed.fire();
  }

  /** Test, then save the profile and its password. Throws with the reason the test failed. */
  async save(profile: ConnectionProfile, password: string | undefined, scope: vscode.ConfigurationTarget): Promise<ServerInfo> {
    const info = await this.test(profile, password);
    // The server knows best whether "mysql" is MySQL or MariaDB.
    const saved = profile.dialect !== 'postgres' && info.dialect !== profile.dialect ? { ...profile, dialect: info.dialect } : profile;
    await this.secrets.setPassword(saved, password);
    await saveProfile(saved, scope);
    // The user typed (or picked) this server just now: a workspace-scoped save needs no second confirmation.
    if (scope !== vscode.ConfigurationTarget.Global && this.needsConfirmation({ ...saved, origin: 'workspace' })) {
      await this.global.update(CONFIRMED, [...(this.global.get<string[]>(CONFIRMED) ?? []), profileIdentity(saved)]);
    }
    this.log.info(LOG, `saved connection "${saved.name}" (${describeProfile(saved)}, ${info.dialect} ${info.version})`);
    this.changed.fire();
    return info;
  }

  /** Connections described by `.env` files at the root of the workspace folders. */
  async envCandidates(): Promise<{ candidates: EnvCandidate[]; problems: string[] }> {
    const candidates: EnvCandidate[] = [];
    const problems: string[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const uri = vscode.Uri.joinPath(folder.uri, '.env');
      let text: string;
      try {
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      } catch {
        continue;
      }
      const found = envCandidates(parseDotEnv(text), folder.name);
      candidates.push(...found.candidates);
      problems.push(...found.problems.map((p) => `${folder.name}/.env: ${p}`));
    }
    const taken = new Set(this.list().map((p) => p.name));
    return { candidates: candidates.filter((c) => !taken.has(c.profile.name)), problems };
  }

  dispose(): void {
    void this.closeAll();
    for (const d of this.subscriptions) d.dispose();
  }
}

// ───────────── the Add Connection dialogue ─────────────

interface Pick<T> extends vscode.QuickPickItem {
  readonly value: T;
}

async function ask(
  prompt: string,
  value: string,
  validate?: (v: string) => string | undefined,
  password = false,
): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: vscode.l10n.t('Column Wizard: Add Connection'),
    prompt,
    value,
    password,
    ignoreFocusOut: true,
    ...(validate ? { validateInput: validate } : {}),
  });
}

/** Ask for a connection (or offer the workspace's .env ones), test it, and save it. Returns the saved profile. */
export async function addConnectionInteractively(connections: Connections, log: Log): Promise<ConnectionProfile | undefined> {
  const { candidates, problems } = await connections.envCandidates();
  for (const p of problems) log.warn(LOG, p);
  let profile: ConnectionProfile | undefined;
  let password: string | undefined;
  if (candidates.length > 0) {
    const picked = await vscode.window.showQuickPick<Pick<EnvCandidate | null>>(
      [
        ...candidates.map((c) => ({
          label: `$(file) ${c.profile.name}`,
          description: describeProfile(c.profile),
          detail: c.password ? vscode.l10n.t('from .env ({0}), password included', c.source) : vscode.l10n.t('from .env ({0})', c.source),
          value: c,
        })),
        { label: `$(add) ${vscode.l10n.t('Enter the connection details…')}`, value: null },
      ],
      {
        title: vscode.l10n.t('Column Wizard: Add Connection'),
        placeHolder: vscode.l10n.t('Import a connection found in .env, or enter one'),
        ignoreFocusOut: true,
      },
    );
    if (!picked) return undefined;
    if (picked.value) {
      profile = picked.value.profile;
      password = picked.value.password;
    }
  }
  if (!profile) {
    const dialect = await vscode.window.showQuickPick<Pick<Dialect>>(
      [
        { label: 'PostgreSQL', value: 'postgres' },
        { label: 'MySQL', value: 'mysql' },
        { label: 'MariaDB', value: 'mariadb' },
      ],
      { title: vscode.l10n.t('Column Wizard: Add Connection'), placeHolder: vscode.l10n.t('Database server'), ignoreFocusOut: true },
    );
    if (!dialect) return undefined;
    const d = dialect.value;
    const host = await ask(vscode.l10n.t('Host'), '127.0.0.1', (v) =>
      v.trim() ? undefined : vscode.l10n.t('Enter a host name or address.'),
    );
    if (host === undefined) return undefined;
    const port = await ask(vscode.l10n.t('Port'), String(DEFAULT_PORT[d]), (v) =>
      /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 65535 ? undefined : vscode.l10n.t('A port is a whole number from 1 to 65535.'),
    );
    if (port === undefined) return undefined;
    const database = await ask(
      d === 'postgres' ? vscode.l10n.t('Database') : vscode.l10n.t('Database (schema)'),
      d === 'postgres' ? 'postgres' : '',
      (v) => (v.trim() ? undefined : vscode.l10n.t('Enter the database name.')),
    );
    if (database === undefined) return undefined;
    const user = await ask(vscode.l10n.t('User'), d === 'postgres' ? 'postgres' : 'root', (v) =>
      v.trim() ? undefined : vscode.l10n.t('Enter the user name.'),
    );
    if (user === undefined) return undefined;
    password = await ask(vscode.l10n.t("Password (kept in VS Code's secret storage; leave empty for none)"), '', undefined, true);
    if (password === undefined) return undefined;
    const ssl = await vscode.window.showQuickPick<Pick<boolean>>(
      [
        { label: vscode.l10n.t('No TLS'), value: false },
        { label: vscode.l10n.t('Require TLS'), value: true },
      ],
      { title: vscode.l10n.t('Column Wizard: Add Connection'), placeHolder: 'TLS', ignoreFocusOut: true },
    );
    if (!ssl) return undefined;
    profile = { name: '', dialect: d, host: host.trim(), port: Number(port), database: database.trim(), user: user.trim(), ssl: ssl.value };
  }
  const taken = new Set(connections.list().map((p) => p.name));
  const name = await ask(vscode.l10n.t('Name of this connection'), profile.name || `${profile.database}@${profile.host}`, (v) =>
    !v.trim()
      ? vscode.l10n.t('Give the connection a name.')
      : taken.has(v.trim())
        ? vscode.l10n.t('A connection named "{0}" exists; choose another name or remove it first.', v.trim())
        : undefined,
  );
  if (name === undefined) return undefined;
  const scope = vscode.workspace.workspaceFolders?.length
    ? await vscode.window.showQuickPick<Pick<vscode.ConfigurationTarget>>(
        [
          {
            label: vscode.l10n.t('User settings'),
            description: vscode.l10n.t('available in every workspace'),
            value: vscode.ConfigurationTarget.Global,
          },
          {
            label: vscode.l10n.t('Workspace settings'),
            description: vscode.l10n.t('this workspace only'),
            value: vscode.ConfigurationTarget.Workspace,
          },
        ],
        {
          title: vscode.l10n.t('Column Wizard: Add Connection'),
          placeHolder: vscode.l10n.t('Where to save the profile (the password always goes to secret storage)'),
          ignoreFocusOut: true,
        },
      )
    : { value: vscode.ConfigurationTarget.Global };
  if (!scope) return undefined;
  const final = { ...profile, name: name.trim() };
  try {
    const info = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Testing {0}…', describeProfile(final)) },
      () => connections.save(final, password, scope.value),
    );
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Column Wizard: connected to {0}; saved "{1}".', `${info.dialect} ${info.version}`, final.name),
    );
    return final;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.warn(LOG, `test of "${final.name}" failed: ${message}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('Column Wizard: the connection was not saved. {0}', message));
    return undefined;
  }
}
