/**
 * The SQL lint's first job: keep every open migration file linted. It lints on open and (debounced) on edit, with
 * the rules of the bound connection's server, else of the settings or a guess from the text, and the transaction
 * wrapping of the migration tool that runs the file; it publishes the findings as diagnostics (each linking to its
 * rule's page) and keeps the lint status item current. ./sqlPreview.ts shows the results in the editor (CodeLens,
 * hover, quick fixes) and runs the statement commands. All analysis is core/lint.
 */
import * as vscode from 'vscode';
import { DEFAULT_VERSIONS, lintSql, type LintOptions, type LintResult } from '../../core/lint/analyze';
import type { NameRef } from '../../core/lint/model';
import { loadParsers, type Parsers } from '../../core/lint/parsers';
import { guessEngine, isMigrationSqlPath } from '../../core/lint/preview';
import { ruleDocPath } from '../../core/lint/ruleDocs';
import { isMigrationTool, type MigrationTool } from '../../core/migrations/types';
import { WRITERS } from '../../core/migrations/tools/index';
import { describeError } from '../../core/format';
import type { Calibration, ColumnSpec, Dialect, LockLevel, MysqlAlgorithm, TableFacts, Target } from '../../core/types';
import type { Log } from '../log';
import { lintSettings, migrationsToolSetting, onSettingsChange, readSettings } from '../settings';
import { chooseLintTarget, LintStatus } from './lintStatus';
import { LintConfigFiles, type DocumentConfig } from './lintConfig';
import { snapshotFacts } from '../../core/lint/snapshot';

/** Where the server version and table sizes come from when a connection is bound (wired by the connections feature). */
export interface LintTargetSource {
  targetFor(document: vscode.TextDocument): Promise<
    | {
        readonly target: Target;
        readonly facts?: (t: NameRef) => TableFacts | undefined;
        readonly calibration?: Calibration;
        readonly profile?: string;
      }
    | undefined
  >;
  /** Lint with this connection from now on, or offline (null): the lint status item's choice. */
  bind?(name: string | null): Promise<void>;
  /** The connections lint may bind. */
  profiles?(): readonly { readonly name: string; readonly dialect: Dialect; readonly description: string }[];
  /** Open the wizard prefilled with this column on the bound connection; false when no connection fits. */
  openWizard?(document: vscode.TextDocument, table: NameRef, spec: ColumnSpec): Promise<boolean>;
  /** Probe the statement on the bound server and compare with the claim (undefined: no connection fits). */
  verify?(
    document: vscode.TextDocument,
    table: NameRef,
    sql: string,
    claim: { lock: LockLevel; rewrite: boolean; algorithm?: MysqlAlgorithm },
  ): Promise<{ profile: string; agrees: boolean; differences: string[] } | undefined>;
}

/** The diagnostics' source: the quick fixes act on these only. */
export const SOURCE = 'column-wizard';
const DEBOUNCE_MS = 300;

/** Files on disk and unsaved editors only: not git's old versions, diff views, output or other virtual documents. */
export const SQL_DOCUMENTS: vscode.DocumentSelector = [
  { language: 'sql', scheme: 'file' },
  { language: 'sql', scheme: 'untitled' },
  { pattern: '**/*.sql', scheme: 'file' },
];

export interface Linted {
  readonly version: number;
  readonly result: LintResult;
  readonly sizeKnown: boolean;
  readonly facts?: (t: NameRef) => TableFacts | undefined;
  /** The connection whose server the rules come from; undefined: offline rules. */
  readonly profile?: string;
  /** The lint configuration file that applied (and the snapshot it named, when that gave the facts), workspace-relative. */
  readonly configured?: { readonly config: string; readonly snapshot?: string };
}

export class DocumentLinter {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection(SOURCE);
  private readonly results = new Map<string, Linted>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly linted = new vscode.EventEmitter<void>();
  /** Fires after a document is linted. */
  readonly onDidLint = this.linted.event;
  private parsers: Promise<Parsers> | undefined;
  private status: LintStatus | undefined;
  /** Rule pages ship in the VSIX (docs/rules): each diagnostic's code links to its rule's page. */
  private docsRoot: vscode.Uri | undefined;
  /** Documents that are shown, not linted (the plans Preview Plan opens beside a file, untitled SQL). */
  private readonly previews = new Set<string>();
  /** `.column-wizard.json` / package.json `columnWizard`, as the CLI reads them (rules, target, snapshot). */
  private configs: LintConfigFiles | undefined;

  constructor(
    readonly log: Log,
    readonly source?: LintTargetSource,
  ) {}

  register(context: vscode.ExtensionContext): void {
    const s = context.subscriptions;
    s.push(this.diagnostics, this.linted);
    this.docsRoot = context.extensionUri;
    this.status = new LintStatus(SQL_DOCUMENTS);
    s.push(this.status);
    this.configs = new LintConfigFiles(this.log, () => this.relintAll());
    s.push(this.configs);
    s.push(vscode.window.onDidChangeActiveTextEditor((e) => this.showStatus(e?.document)));
    s.push(vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)));
    s.push(vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, DEBOUNCE_MS)));
    s.push(
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.forget(d.uri);
        this.previews.delete(d.uri.toString());
      }),
    );
    s.push(
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.detection = undefined;
      }),
    );
    s.push(onSettingsChange(() => this.relintAll()));
    s.push({
      dispose: () => {
        for (const t of this.timers.values()) clearTimeout(t);
      },
    });
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  /** The lint result of the document's current version, if it is linted. */
  current(d: vscode.TextDocument): Linted | undefined {
    const linted = this.results.get(d.uri.toString());
    return linted && linted.version === d.version ? linted : undefined;
  }

  /** Show a document without linting it (a plan Preview Plan opened). */
  showOnly(uri: vscode.Uri): void {
    this.previews.add(uri.toString());
    this.forget(uri);
  }

  private applies(d: vscode.TextDocument): boolean {
    if (d.uri.scheme === 'untitled') return d.languageId === 'sql' && !this.previews.has(d.uri.toString());
    return d.uri.scheme === 'file' && (d.languageId === 'sql' || d.uri.path.endsWith('.sql')) && isMigrationSqlPath(d.uri.path);
  }

  /** The status item names the rules of the file in front (once it is linted). */
  private showStatus(d: vscode.TextDocument | undefined): void {
    const linted = d && this.results.get(d.uri.toString());
    if (linted) this.status?.show(linted.result.target, linted.profile, linted.configured);
    else if (d && !this.applies(d)) this.status?.notLinted();
  }

  /** The lint status item's Change: another connection, or offline rules; then every open file is linted again. */
  async chooseTarget(): Promise<void> {
    const d = vscode.window.activeTextEditor?.document;
    const linted = d && this.results.get(d.uri.toString());
    const engine = guessEngine(d?.getText() ?? '');
    const changed = await chooseLintTarget({
      connections: (this.source?.profiles?.() ?? []).filter((p) => (p.dialect === 'postgres') === (engine === 'postgres')),
      current: linted ? { target: linted.result.target, ...(linted.profile ? { profile: linted.profile } : {}) } : undefined,
      resource: d?.uri,
      bind: (name) => this.source?.bind?.(name) ?? Promise.resolve(),
    });
    if (changed) this.relintAll();
  }

  /** Forget every result and lint the open documents again (the settings or the target changed). */
  private relintAll(): void {
    this.results.clear();
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    this.results.delete(key);
    this.diagnostics.delete(uri);
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
  }

  private schedule(d: vscode.TextDocument, delay: number): void {
    if (!this.applies(d)) return;
    const key = d.uri.toString();
    const old = this.timers.get(key);
    if (old) clearTimeout(old);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.lint(d).catch((err) => this.log.error('lint', `linting ${d.uri.fsPath} failed`, err));
      }, delay),
    );
  }

  private detection: Promise<{ tool: MigrationTool; folder: vscode.Uri; dir: string } | undefined> | undefined;

  /**
   * The migration tool whose transaction wrapping applies to this file: the `columnWizard.migrationsTool` setting, else
   * the tool detected in the workspace (once per session) when the file lies in its folder.
   */
  private async toolFor(d: vscode.TextDocument): Promise<MigrationTool | undefined> {
    const setting = migrationsToolSetting(d.uri);
    if (isMigrationTool(setting)) return setting;
    this.detection ??= (async () => {
      try {
        const { migrationTarget } = await import('../migrationFiles');
        const t = await migrationTarget({ setting: 'auto' });
        return t?.detected ? { tool: t.detected.tool, folder: t.folder.uri, dir: t.detected.dir } : undefined;
      } catch (err) {
        this.log.warn('lint', `migration tool detection failed: ${describeError(err)}`);
        return undefined;
      }
    })();
    const detected = await this.detection;
    if (!detected) return undefined;
    const prefix = detected.folder.path.replace(/\/+$/, '') + (detected.dir ? `/${detected.dir}/` : '/');
    return d.uri.path.startsWith(prefix) ? detected.tool : undefined;
  }

  /** The tool's side file beside the migration (Flyway's `<script>.sql.conf`), which can take it out of the transaction. */
  private async sidecarFor(d: vscode.TextDocument, tool: MigrationTool): Promise<string | undefined> {
    const pathOf = WRITERS[tool].transactions.sqlSidecar?.path;
    if (!pathOf || d.uri.scheme !== 'file') return undefined;
    try {
      return new TextDecoder().decode(await vscode.workspace.fs.readFile(d.uri.with({ path: pathOf(d.uri.path) })));
    } catch {
      return undefined;
    }
  }

  /** Lint a document now (or return the result for its current version). */
  async lint(d: vscode.TextDocument): Promise<Linted> {
    const cached = this.results.get(d.uri.toString());
    if (cached && cached.version === d.version) return cached;
    this.parsers ??= loadParsers();
    const parsers = await this.parsers;
    const text = d.getText();
    const bound = await this.source?.targetFor(d);
    const tool = await this.toolFor(d);
    const sidecar = tool ? await this.sidecarFor(d, tool) : undefined;
    const config = await this.configs?.forDocument(d.uri);
    // Without a connection, the configuration's snapshot gives the server and the tables, as for `column-wizard lint`.
    const snapshot = bound ? undefined : config?.snapshot;
    const facts = bound?.facts ?? (snapshot ? snapshotFacts(snapshot) : undefined);
    const options: LintOptions = {
      target: bound?.target ?? offlineTarget(text, d.uri, config),
      ...(facts ? { facts } : {}),
      ...(config && Object.keys(config.config.rules).length ? { ruleSeverities: config.config.rules } : {}),
      ...(tool ? { tool } : {}),
      ...(sidecar !== undefined ? { sidecar } : {}),
      ...(bound?.calibration ? { calibration: bound.calibration } : {}),
      locale: vscode.env.language,
    };
    const result = lintSql(text, options, parsers);
    const linted: Linted = {
      version: d.version,
      result,
      sizeKnown: facts !== undefined,
      ...(facts ? { facts } : {}),
      ...(bound?.profile ? { profile: bound.profile } : {}),
      ...(config
        ? {
            configured: {
              config: vscode.workspace.asRelativePath(config.uri),
              ...(snapshot && config.config.snapshot ? { snapshot: config.config.snapshot } : {}),
            },
          }
        : {}),
    };
    this.results.set(d.uri.toString(), linted);
    this.diagnostics.set(
      d.uri,
      result.findings.map((f) => {
        const diag = new vscode.Diagnostic(
          new vscode.Range(f.startPos.line, f.startPos.character, f.endPos.line, f.endPos.character),
          f.fix ? `${f.message}\n${vscode.l10n.t('Safe alternative: {0}', f.fix)}` : f.message,
          f.severity === 'error'
            ? vscode.DiagnosticSeverity.Error
            : f.severity === 'warning'
              ? vscode.DiagnosticSeverity.Warning
              : vscode.DiagnosticSeverity.Information,
        );
        diag.source = SOURCE;
        diag.code = this.docsRoot ? { value: f.rule, target: vscode.Uri.joinPath(this.docsRoot, ruleDocPath(f.rule)) } : f.rule;
        return diag;
      }),
    );
    this.linted.fire();
    if (vscode.window.activeTextEditor?.document === d) this.showStatus(d);
    return linted;
  }
}

/** The rule id of one of our diagnostics (its code is `{ value: rule, target: the rule's page }`). */
export function ruleOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

/**
 * Without a connection: `columnWizard.lint.dialect` / `columnWizard.lint.serverVersion` when set; else the configuration
 * file's snapshot server, else its `dialect` / `serverVersion`; else the dialect of the saved connection profiles when
 * they agree with the text, else guessed from the text; the default version of the dialect.
 */
function offlineTarget(text: string, resource: vscode.Uri, file: DocumentConfig | undefined): Target {
  const settings = lintSettings(resource);
  const fromFile: { dialect?: Dialect; version?: string } = file?.snapshot?.server ?? {
    ...(file?.config.dialect ? { dialect: file.config.dialect } : {}),
    ...(file?.config.serverVersion ? { version: file.config.serverVersion } : {}),
  };
  let dialect: Dialect;
  if (settings.dialect !== 'auto') {
    dialect = settings.dialect;
  } else if (fromFile.dialect) {
    dialect = fromFile.dialect;
  } else {
    const dialects = [...new Set(readSettings(resource).connections.map((p) => p.dialect))];
    const guessed = guessEngine(text);
    dialect = dialects.length === 1 && (dialects[0] === 'postgres') === (guessed === 'postgres') ? dialects[0]! : guessed;
  }
  // The file's version applies to its own dialect (or, when it names none, to a dialect the settings did not choose).
  const fileVersion =
    fromFile.version && (fromFile.dialect ? fromFile.dialect === dialect : settings.dialect === 'auto') ? fromFile.version : undefined;
  const version = /^\d+(\.\d+){0,2}$/.test(settings.serverVersion) ? settings.serverVersion : fileVersion;
  return { dialect, version: version && /^\d+(\.\d+){0,2}/.test(version) ? version : DEFAULT_VERSIONS[dialect] };
}
