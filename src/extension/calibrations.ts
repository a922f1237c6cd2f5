/**
 * Calibration by default in the extension: each connection's server is measured once, in the background, on its own
 * session (a private sample table, a few seconds, with a cancellable progress notification), only where the profile
 * allows probes; the figures are kept in the workspace state with the server's identity and version, measured again
 * when older than `columnWizard.calibrationMaxAgeHours` or on Recalibrate, and corrected after each run.
 * Until they are there, estimates use the rough offline rates and say so.
 */
import * as vscode from 'vscode';
import { describeBasis } from '../core/impact';
import type { Calibration, Plan } from '../core/types';
import { CalibrationCancelled } from '../db/calibrate';
import {
  isStored,
  learnFromRun,
  resolveCalibration,
  type CalibrationStore,
  type MeasuredStep,
  type ResolvedCalibration,
} from '../db/calibrationCache';
import type { Connections } from './connections/manager';
import type { ConnectionProfile } from './connections/profiles';
import type { Log } from './log';
import { readSettings } from './settings';

const LOG = 'calibration';
const PREFIX = 'columnWizard.calibration.';

/** What the wizard shows about its estimates: measuring now, measured (with when), or rough (with why). */
export interface EstimateState {
  readonly state: 'measuring' | 'measured' | 'rough';
  readonly text: string;
  readonly calibration?: Calibration;
}

/** The workspace state as a calibration store. */
export function mementoStore(state: vscode.Memento): CalibrationStore {
  return {
    get: (key) => {
      const v = state.get<unknown>(PREFIX + key);
      return Promise.resolve(isStored(v) ? v : undefined);
    },
    set: async (key, value) => {
      await state.update(PREFIX + key, value);
    },
  };
}

function profileKey(p: ConnectionProfile): string {
  return JSON.stringify([p.name, p.dialect, p.host, p.port, p.database]);
}

export class Calibrations implements vscode.Disposable {
  private readonly results = new Map<string, ResolvedCalibration | { failed: string }>();
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly changed = new vscode.EventEmitter<ConnectionProfile>();
  /** Fires when a profile's calibration arrived (or failed): re-plan with it. */
  readonly onDidChange = this.changed.event;
  readonly store: CalibrationStore;

  constructor(
    state: vscode.Memento,
    private readonly connections: Connections,
    private readonly log: Log,
  ) {
    this.store = mementoStore(state);
  }

  /** What is known now, without waiting. */
  peek(profile: ConnectionProfile): EstimateState {
    const key = profileKey(profile);
    const r = this.results.get(key);
    if (this.inflight.has(key) && (!r || 'failed' in r))
      return { state: 'measuring', text: vscode.l10n.t('rough estimate — measuring this server…') };
    if (!r) return { state: 'rough', text: vscode.l10n.t('rough estimate: this server is not measured yet') };
    if ('failed' in r) return { state: 'rough', text: vscode.l10n.t('rough estimate: {0}', r.failed) };
    if (r.source === 'default')
      return {
        state: 'rough',
        text: vscode.l10n.t('rough estimate: {0}', r.reason ?? vscode.l10n.t('not measured')),
        calibration: r.calibration,
      };
    const learned = Object.values(r.calibration.learned ?? {}).reduce((n, v) => Math.max(n, v.runs), 0);
    const basis = describeBasis({ basis: 'measured', ...(r.calibration.measuredAt ? { measuredAt: r.calibration.measuredAt } : {}) });
    const text =
      learned === 0
        ? vscode.l10n.t('estimates {0}', basis)
        : learned === 1
          ? vscode.l10n.t('estimates {0}, corrected by 1 run', basis)
          : vscode.l10n.t('estimates {0}, corrected by {1} runs', basis, learned);
    return { state: 'measured', text: r.reason ? `${text} (${r.reason})` : text, calibration: r.calibration };
  }

  /** Resolve the profile's calibration in the background (once per connection; `recalibrate` measures again). */
  ensure(profile: ConnectionProfile, options: { recalibrate?: boolean } = {}): Promise<void> {
    const key = profileKey(profile);
    const running = this.inflight.get(key);
    if (running) return running;
    if (this.results.has(key) && !options.recalibrate) return Promise.resolve();
    const work = this.resolve(profile, options.recalibrate === true).finally(() => {
      this.inflight.delete(key);
      this.changed.fire(profile);
    });
    this.inflight.set(key, work);
    return work;
  }

  private async resolve(profile: ConnectionProfile, recalibrate: boolean): Promise<void> {
    const key = profileKey(profile);
    const permissions = await this.connections.permissions(profile);
    let client;
    try {
      client = await this.connections.open(profile);
    } catch (err) {
      this.results.set(key, { failed: `could not connect to measure (${err instanceof Error ? err.message : String(err)})` });
      return;
    }
    const abort = new AbortController();
    let finishProgress: () => void = () => undefined;
    try {
      const resolved = await resolveCalibration(client, this.store, {
        recalibrate,
        allowProbe: permissions.probe,
        maxAgeMs: readSettings().calibrationMaxAgeHours * 3600 * 1000,
        signal: abort.signal,
        // A second measurement refines a cached calibration: plan with the cached one meanwhile.
        onCached: (cached) => {
          this.results.set(key, cached);
          this.changed.fire(profile);
        },
        onMeasuring: () => {
          this.log.info(LOG, `measuring ${profile.name} on a private sample table for the estimates`);
          void vscode.window.withProgress(
            {
              location: vscode.ProgressLocation.Notification,
              title: vscode.l10n.t('Column Wizard: measuring {0} for the estimates (a few seconds, on a temporary table)', profile.name),
              cancellable: true,
            },
            (_progress, token) => {
              token.onCancellationRequested(() => abort.abort());
              return new Promise<void>((done) => {
                finishProgress = done;
              });
            },
          );
        },
      });
      this.results.set(key, resolved);
      this.log.info(
        LOG,
        `${profile.name}: ${resolved.source === 'default' ? `rough offline rates (${resolved.reason ?? 'not measured'})` : `${resolved.source} calibration of ${resolved.label}`}`,
      );
    } catch (err) {
      const reason =
        err instanceof CalibrationCancelled
          ? vscode.l10n.t('the measurement was cancelled (Recalibrate measures again)')
          : vscode.l10n.t('the measurement failed ({0})', err instanceof Error ? err.message : String(err));
      this.results.set(key, { failed: reason });
      this.log.warn(LOG, `${profile.name}: ${reason}`);
    } finally {
      finishProgress();
      await client.close().catch(() => undefined);
    }
  }

  /** After a run: fold the measured step times into the server's calibration. */
  async learn(profile: ConnectionProfile, plan: Plan, steps: readonly MeasuredStep[]): Promise<void> {
    const r = this.results.get(profileKey(profile));
    if (!r || 'failed' in r || r.source === 'default') return;
    const calibration = await learnFromRun(this.store, r.key, plan, { steps });
    if (calibration) {
      this.results.set(profileKey(profile), { ...r, calibration });
      this.changed.fire(profile);
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}

const services = new WeakMap<vscode.ExtensionContext, Calibrations>();

/** The one Calibrations of this extension instance. */
export function calibrationsOf(extension: vscode.ExtensionContext, connections: Connections, log: Log): Calibrations {
  let c = services.get(extension);
  if (!c) {
    c = new Calibrations(extension.workspaceState, connections, log);
    extension.subscriptions.push(c);
    services.set(extension, c);
  }
  return c;
}

/** Column Wizard: Recalibrate Estimates — measure a connection's server again now. */
export async function recalibrateCommand(ctx: {
  readonly extension: vscode.ExtensionContext;
  readonly connections: Connections;
  readonly log: Log;
}): Promise<void> {
  const profiles = ctx.connections.list();
  if (profiles.length === 0) throw new Error(vscode.l10n.t('No connection to measure: add one first.'));
  const profile =
    profiles.length === 1
      ? profiles[0]
      : (
          await vscode.window.showQuickPick(
            profiles.map((p) => ({ label: p.name, description: `${p.dialect} ${p.host}:${p.port}/${p.database}`, profile: p })),
            { title: vscode.l10n.t('Recalibrate the estimates of which connection?') },
          )
        )?.profile;
  if (!profile) return;
  const calibrations = calibrationsOf(ctx.extension, ctx.connections, ctx.log);
  await calibrations.ensure(profile, { recalibrate: true });
  void vscode.window.showInformationMessage(vscode.l10n.t('Column Wizard: {0}: {1}.', profile.name, calibrations.peek(profile).text));
}
