/**
 * Inline preview and lint of .sql migrations: diagnostics, a CodeLens with the lock impact over each ALTER TABLE /
 * CREATE INDEX, a hover with the explanation, quick fixes ("Rewrite as safe phases", "Ignore here") and the
 * "Preview Plan for Statement" command. All analysis is core/lint; this file only adapts it to the editor.
 */
import * as vscode from 'vscode';
import { DEFAULT_VERSIONS, lintSql, type LintOptions, type LintResult } from '../../core/lint/analyze';
import type { NameRef } from '../../core/lint/model';
import { loadParsers, type Parsers } from '../../core/lint/parsers';
import { addColumnOf, guessEngine, hoverMarkdown, isMigrationSqlPath, lensTitleWithBasis, phasedSql, statementAt, unknownSizeFacts } from '../../core/lint/preview';
import { isMigrationTool, type MigrationTool } from '../../core/migrations/types';
import { WRITERS } from '../../core/migrations/tools/index';
import { planColumn } from '../../core/plan';
import type { Calibration, ColumnSpec, Dialect, LockLevel, MysqlAlgorithm, TableFacts, Target } from '../../core/types';
import type { Log } from '../log';
import { lintSettings, lockTimeoutMs, migrationsToolSetting, onSettingsChange, readSettings } from '../settings';
import { describeError } from '../../core/format';
import { ruleDocPath } from '../../core/lint/ruleDocs';
import { chooseLintTarget, LintStatus } from './lintStatus';
import { COMMANDS, INTERNAL_COMMANDS } from '../commandIds';

/** Where the server version and table sizes come from when a connection is bound (wired by the connections feature). */
export interface LintTargetSource {
  targetFor(document: vscode.TextDocument): Promise<{ readonly target: Target; readonly facts?: (t: NameRef) => TableFacts | undefined; readonly calibration?: Calibration; readonly profile?: string } | undefined>;
  /** Lint with this connection from now on, or offline (null): the lint status item's choice. */
  bind?(name: string | null): Promise<void>;
  /** The connections lint may bind. */
  profiles?(): readonly { readonly name: string; readonly dialect: Dialect; readonly description: string }[];
  /** Open the wizard prefilled with this column on the bound connection; false when no connection fits. */
  openWizard?(document: vscode.TextDocument, table: NameRef, spec: ColumnSpec): Promise<boolean>;
  /** Probe the statement on the bound server and compare with the claim (undefined: no connection fits). */
  verify?(document: vscode.TextDocument, table: NameRef, sql: string, claim: { lock: LockLevel; rewrite: boolean; algorithm?: MysqlAlgorithm }): Promise<{ profile: string; agrees: boolean; differences: string[] } | undefined>;
}

const SOURCE = 'column-wizard';
const DEBOUNCE_MS = 300;

interface Linted {
  readonly version: number;
  readonly result: LintResult;
  readonly sizeKnown: boolean;
  readonly facts?: (t: NameRef) => TableFacts | undefined;
  /** The connection whose server the rules come from; undefined: offline rules. */
  readonly profile?: string;
}

export class SqlPreview implements vscode.CodeLensProvider, vscode.HoverProvider, vscode.CodeActionProvider {
  /** Files on disk and unsaved editors only: not git's old versions, diff views, output or other virtual documents. */
  static readonly selector: vscode.DocumentSelector = [{ language: 'sql', scheme: 'file' }, { language: 'sql', scheme: 'untitled' }, { pattern: '**/*.sql', scheme: 'file' }];
  private readonly diagnostics = vscode.languages.createDiagnosticCollection(SOURCE);
  private readonly results = new Map<string, Linted>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly lensesChanged = new vscode.EventEmitter<void>();
  /** Probe outcomes by document and statement text: shown in the CodeLens until the statement changes. */
  private readonly verified = new Map<string, { profile: string; agrees: boolean; differences: string[] }>();
  readonly onDidChangeCodeLenses = this.lensesChanged.event;
  private parsers: Promise<Parsers> | undefined;
  private status: LintStatus | undefined;
  /** Rule pages ship in the VSIX (docs/rules): each diagnostic's code links to its rule's page. */
  private docsRoot: vscode.Uri | undefined;
  /** The plans Preview Plan opens beside a file (untitled SQL): shown, not linted. */
  private readonly previews = new Set<string>();

  constructor(readonly log: Log, private readonly source?: LintTargetSource) {}

  register(context: vscode.ExtensionContext): void {
    const s = context.subscriptions;
    s.push(this.diagnostics, this.lensesChanged);
    this.docsRoot = context.extensionUri;
    this.status = new LintStatus(SqlPreview.selector);
    s.push(this.status);
    s.push(vscode.window.onDidChangeActiveTextEditor((e) => this.showStatus(e?.document)));
    s.push(vscode.languages.registerCodeLensProvider(SqlPreview.selector, this));
    s.push(vscode.languages.registerHoverProvider(SqlPreview.selector, this));
    s.push(vscode.languages.registerCodeActionsProvider(SqlPreview.selector, this, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }));
    s.push(vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)));
    s.push(vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, DEBOUNCE_MS)));
    s.push(vscode.workspace.onDidCloseTextDocument((d) => { this.forget(d.uri); this.previews.delete(d.uri.toString()); }));
    s.push(vscode.workspace.onDidChangeWorkspaceFolders(() => { this.detection = undefined; }));
    s.push(onSettingsChange(() => {
      this.results.clear();
      for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
    }));
    s.push({ dispose: () => { for (const t of this.timers.values()) clearTimeout(t); } });
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  private applies(d: vscode.TextDocument): boolean {
    if (d.uri.scheme === 'untitled') return d.languageId === 'sql' && !this.previews.has(d.uri.toString());
    return d.uri.scheme === 'file' && (d.languageId === 'sql' || d.uri.path.endsWith('.sql')) && isMigrationSqlPath(d.uri.path);
  }

  /** The status item names the rules of the file in front (once it is linted). */
  private showStatus(d: vscode.TextDocument | undefined): void {
    const linted = d && this.results.get(d.uri.toString());
    if (linted) this.status?.show(linted.result.target, linted.profile);
    else if (d && !this.applies(d)) this.status?.notLinted();
  }

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
    if (!changed) return;
    this.results.clear();
    for (const doc of vscode.workspace.textDocuments) this.schedule(doc, 0);
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    this.results.delete(key);
    this.diagnostics.delete(uri);
    for (const k of [...this.verified.keys()]) if (k.startsWith(`${key}\n`)) this.verified.delete(k);
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
  }

  private schedule(d: vscode.TextDocument, delay: number): void {
    if (!this.applies(d)) return;
    const key = d.uri.toString();
    const old = this.timers.get(key);
    if (old) clearTimeout(old);
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      this.lint(d).catch((err) => this.log.error('lint', `linting ${d.uri.fsPath} failed`, err));
    }, delay));
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
    const options: LintOptions = {
      target: bound?.target ?? offlineTarget(text, d.uri),
      ...(bound?.facts ? { facts: bound.facts } : {}),
      ...(tool ? { tool } : {}),
      ...(sidecar !== undefined ? { sidecar } : {}),
      ...(bound?.calibration ? { calibration: bound.calibration } : {}),
    };
    const result = lintSql(text, options, parsers);
    const linted: Linted = { version: d.version, result, sizeKnown: bound?.facts !== undefined, ...(bound?.facts ? { facts: bound.facts } : {}), ...(bound?.profile ? { profile: bound.profile } : {}) };
    this.results.set(d.uri.toString(), linted);
    this.diagnostics.set(d.uri, result.findings.map((f) => {
      const diag = new vscode.Diagnostic(
        new vscode.Range(f.startPos.line, f.startPos.character, f.endPos.line, f.endPos.character),
        f.fix ? `${f.message}\n${vscode.l10n.t('Safe alternative: {0}', f.fix)}` : f.message,
        f.severity === 'error' ? vscode.DiagnosticSeverity.Error : f.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information,
      );
      diag.source = SOURCE;
      diag.code = this.docsRoot ? { value: f.rule, target: vscode.Uri.joinPath(this.docsRoot, ruleDocPath(f.rule)) } : f.rule;
      return diag;
    }));
    this.lensesChanged.fire();
    if (vscode.window.activeTextEditor?.document === d) this.showStatus(d);
    return linted;
  }

  provideCodeLenses(d: vscode.TextDocument): vscode.CodeLens[] {
    const linted = this.results.get(d.uri.toString());
    if (!linted || linted.version !== d.version) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const s of linted.result.statements) {
      // The lock time carries its basis: measured on the bound server, learned from runs there, or rough.
      const title = lensTitleWithBasis(s, vscode.l10n.t('rough estimate'));
      if (!title) continue;
      const range = new vscode.Range(s.startPos.line, s.startPos.character, s.startPos.line, s.startPos.character);
      const v = this.verified.get(`${d.uri.toString()}\n${s.text}`);
      const mark = v ? ` · ${v.agrees ? vscode.l10n.t('verified on {0}', v.profile) : vscode.l10n.t('{0} differs: {1}', v.profile, v.differences.join('; '))}` : '';
      lenses.push(new vscode.CodeLens(range, { title: title + mark, command: '', tooltip: s.strongest?.why ?? '' }));
      if (!v && this.source?.verify && linted.sizeKnown && !s.newTable && s.parsed.table) {
        lenses.push(new vscode.CodeLens(range, { title: vscode.l10n.t('Verify on server'), command: INTERNAL_COMMANDS.verifyStatement, arguments: [d.uri, s.index], tooltip: vscode.l10n.t('Run the statement on an empty copy of the table and compare the lock it takes') }));
      }
      if (addColumnOf(s, '')) {
        lenses.push(new vscode.CodeLens(range, { title: vscode.l10n.t('Preview plan'), command: COMMANDS.previewPlan, arguments: [d.uri, s.index] }));
      }
    }
    return lenses;
  }

  provideHover(d: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const linted = this.results.get(d.uri.toString());
    if (!linted || linted.version !== d.version) return undefined;
    const s = statementAt(linted.result, d.offsetAt(position));
    if (!s || s.operations.length === 0 && !linted.result.findings.some((f) => f.statement === s.index)) return undefined;
    const md = new vscode.MarkdownString(hoverMarkdown(s, linted.result.findings), true);
    return new vscode.Hover(md, new vscode.Range(s.startPos.line, s.startPos.character, s.endPos.line, s.endPos.character));
  }

  provideCodeActions(d: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const linted = this.results.get(d.uri.toString());
    if (!linted || linted.version !== d.version) return [];
    const ours = context.diagnostics.filter((x) => x.source === SOURCE);
    if (ours.length === 0) return [];
    const s = statementAt(linted.result, d.offsetAt(range.start));
    if (!s) return [];
    const actions: vscode.CodeAction[] = [];
    const add = addColumnOf(s, '');
    if (add && ours.some((x) => x.severity <= vscode.DiagnosticSeverity.Warning)) {
      const facts = linted.facts?.(add.table) ?? unknownSizeFacts(add.table);
      const plan = planColumn(add.spec, facts, linted.result.target, { lockTimeoutMs: lockTimeoutMs(d.uri) });
      const action = new vscode.CodeAction(vscode.l10n.t('Rewrite as safe phases'), vscode.CodeActionKind.QuickFix);
      action.isPreferred = true;
      action.diagnostics = ours;
      action.edit = new vscode.WorkspaceEdit();
      const text = d.getText();
      const end = text[s.end] === ';' ? s.end + 1 : s.end;
      action.edit.replace(d.uri, new vscode.Range(d.positionAt(s.start), d.positionAt(end)), phasedSql(plan, linted.facts !== undefined));
      actions.push(action);
      const files = new vscode.CodeAction(vscode.l10n.t('Write safe phases as migration files (in the project\'s tool format)'), vscode.CodeActionKind.QuickFix);
      files.diagnostics = ours;
      files.command = { title: files.title, command: INTERNAL_COMMANDS.writePhaseFiles, arguments: [d.uri, s.index] };
      actions.push(files);
    }
    for (const rule of new Set(ours.map(ruleOf))) {
      const ignore = new vscode.CodeAction(vscode.l10n.t('Ignore {0} for this statement', rule), vscode.CodeActionKind.QuickFix);
      ignore.diagnostics = ours.filter((x) => ruleOf(x) === rule);
      ignore.edit = new vscode.WorkspaceEdit();
      const line = d.lineAt(s.startPos.line);
      const indent = line.text.slice(0, line.firstNonWhitespaceCharacterIndex);
      ignore.edit.insert(d.uri, new vscode.Position(s.startPos.line, 0), `${indent}-- column-wizard-ignore ${rule}\n`);
      actions.push(ignore);
    }
    return actions;
  }

  /**
   * Write the plan of an ADD COLUMN statement as new migration files in the workspace's tool format (detected, or the
   * `columnWizard.migrationsTool` setting), and leave the statement in place as a comment that names them.
   */
  async writePhaseFiles(uri: unknown, index: unknown): Promise<PhaseFilesResult | undefined> {
    if (!(uri instanceof vscode.Uri) || typeof index !== 'number') throw new Error('writePhaseFiles needs a document and a statement index');
    const doc = await vscode.workspace.openTextDocument(uri);
    const linted = await this.lint(doc);
    const s = linted.result.statements[index];
    const add = s ? addColumnOf(s, '') : undefined;
    if (!s || !add) throw new Error(vscode.l10n.t('the statement is not a single ALTER TABLE … ADD COLUMN'));
    const facts = linted.facts?.(add.table) ?? unknownSizeFacts(add.table);
    const plan = planColumn(add.spec, facts, linted.result.target, { lockTimeoutMs: lockTimeoutMs(doc.uri) });
    const { migrationTarget, writePlanFiles } = await import('../migrationFiles');
    const target = await migrationTarget({ resource: doc.uri });
    if (!target) throw new Error(vscode.l10n.t('open a workspace folder to write migration files into'));
    const { paths } = await writePlanFiles(plan, target, this.log);
    const text = doc.getText();
    const end = text[s.end] === ';' ? s.end + 1 : s.end;
    const original = text.slice(s.start, end).split('\n').map((l) => `-- ${l}`).join('\n');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(doc.positionAt(s.start), doc.positionAt(end)), `-- Column Wizard: replaced by the safe phases in ${paths.join(', ')}\n${original}`);
    await vscode.workspace.applyEdit(edit);
    void vscode.window.showInformationMessage(vscode.l10n.t('Column Wizard: wrote {0} ({1}).', paths.join(', '), target.tool));
    return { tool: target.tool, paths };
  }

  /** Probe one statement on the bound server; the CodeLens then says whether the claim held. */
  async verifyStatement(uri: unknown, index: unknown): Promise<{ profile: string; agrees: boolean; differences: string[] } | undefined> {
    if (!(uri instanceof vscode.Uri) || typeof index !== 'number') throw new Error('verifyStatement needs a document and a statement index');
    const doc = await vscode.workspace.openTextDocument(uri);
    const linted = await this.lint(doc);
    const s = linted.result.statements[index];
    if (!s?.strongest || !s.parsed.table || !this.source?.verify) return undefined;
    const outcome = await this.source.verify(doc, s.parsed.table, s.text, s.strongest);
    if (!outcome) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Column Wizard: no connection fits this file; add one (or use it in Add Column…) to verify on a server.'));
      return undefined;
    }
    this.verified.set(`${doc.uri.toString()}\n${s.text}`, outcome);
    this.lensesChanged.fire();
    return outcome;
  }

  /** `columnWizard.previewPlan [uri, statementIndex]`: the planner's phases for an ADD COLUMN, in a new SQL editor. */
  async previewPlan(uri?: unknown, index?: unknown): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const doc = uri instanceof vscode.Uri ? await vscode.workspace.openTextDocument(uri) : editor?.document;
    if (!doc) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Column Wizard: open a .sql migration and put the cursor on an ALTER TABLE … ADD COLUMN statement.'));
      return;
    }
    const linted = await this.lint(doc);
    const s = typeof index === 'number' ? linted.result.statements[index]
      : editor && editor.document === doc ? statementAt(linted.result, doc.offsetAt(editor.selection.active)) : undefined;
    const add = s ? addColumnOf(s, '') : undefined;
    if (!add) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Column Wizard: "Preview Plan" works on a statement that adds one column (ALTER TABLE … ADD COLUMN …).'));
      return;
    }
    // With a connection that fits the file: the wizard, prefilled. Without: the plan as SQL beside the file.
    const table = s!.parsed.table!;
    if (await this.source?.openWizard?.(doc, table, add.spec)) return;
    const facts = linted.facts?.(add.table) ?? unknownSizeFacts(add.table);
    const plan = planColumn(add.spec, facts, linted.result.target, { lockTimeoutMs: lockTimeoutMs(doc.uri) });
    const preview = await vscode.workspace.openTextDocument({ language: 'sql', content: phasedSql(plan, linted.facts !== undefined) });
    this.previews.add(preview.uri.toString());
    this.forget(preview.uri);
    await vscode.window.showTextDocument(preview, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  }
}

/** The rule id of one of our diagnostics (its code is `{ value: rule, target: the rule's page }`). */
export function ruleOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

export interface PhaseFilesResult {
  readonly tool: string;
  readonly paths: readonly string[];
}

/**
 * Without a connection: `columnWizard.lint.dialect` / `columnWizard.lint.serverVersion` when set; else the dialect of the
 * saved connection profiles when they agree with the text, else guessed from the text; the default version of the dialect.
 */
function offlineTarget(text: string, resource: vscode.Uri): Target {
  const { dialect: setDialect, serverVersion: setVersion } = lintSettings(resource);
  let dialect: Dialect;
  if (setDialect !== 'auto') {
    dialect = setDialect;
  } else {
    const dialects = [...new Set(readSettings(resource).connections.map((p) => p.dialect))];
    const guessed = guessEngine(text);
    dialect = dialects.length === 1 && (dialects[0] === 'postgres') === (guessed === 'postgres') ? dialects[0]! : guessed;
  }
  return { dialect, version: /^\d+(\.\d+){0,2}$/.test(setVersion) ? setVersion : DEFAULT_VERSIONS[dialect] };
}


let instance: SqlPreview | undefined;

/** Register the SQL preview (activate.ts calls this once). */
export function registerSqlPreview(context: vscode.ExtensionContext, log: Log, source?: LintTargetSource): SqlPreview {
  instance = new SqlPreview(log, source);
  instance.register(context);
  return instance;
}

function registered(): SqlPreview {
  if (!instance) throw new Error('the SQL preview is not registered');
  return instance;
}

/** The handler behind COMMANDS.previewPlan. */
export function previewPlanCommand(...args: unknown[]): Promise<void> {
  return registered().previewPlan(args[0], args[1]);
}

/** The handler behind the lint status item's Change (INTERNAL_COMMANDS.chooseLintTarget). */
export async function chooseLintTargetCommand(): Promise<void> {
  const preview = registered();
  await preview.chooseTarget().catch((err) => {
    preview.log.error('lint', 'choosing the lint target failed', err);
    void vscode.window.showErrorMessage(vscode.l10n.t('Column Wizard: {0}', describeError(err)));
  });
}

/** The handler behind a CodeLens's Verify on the server (INTERNAL_COMMANDS.verifyStatement). */
export async function verifyStatementCommand(uri: unknown, index: unknown): Promise<unknown> {
  const preview = registered();
  try {
    return await preview.verifyStatement(uri, index);
  } catch (err) {
    preview.log.error('lint', 'verifying the statement failed', err);
    void vscode.window.showErrorMessage(vscode.l10n.t('Column Wizard: {0}', describeError(err)));
    return undefined;
  }
}

/** The handler behind the "Write safe phases as migration files" quick fix (INTERNAL_COMMANDS.writePhaseFiles). */
export async function writePhaseFilesCommand(uri: unknown, index: unknown): Promise<unknown> {
  const preview = registered();
  try {
    return await preview.writePhaseFiles(uri, index);
  } catch (err) {
    preview.log.error('lint', 'writing the phase files failed', err);
    void vscode.window.showErrorMessage(vscode.l10n.t('Column Wizard: {0}', describeError(err)));
    return undefined;
  }
}
