/**
 * The SQL lint's second job: show what ./documentLinter.ts found in the editor and act on it. A CodeLens with the lock
 * impact over each ALTER TABLE / CREATE INDEX (with Verify on server and Preview plan), a hover with the explanation,
 * quick fixes ("Rewrite as safe phases", "Write safe phases as migration files", "Ignore here"), and the commands
 * behind them. All analysis is core/lint; this file only adapts it to the editor.
 */
import * as vscode from 'vscode';
import { describeError } from '../../core/format';
import { addColumnOf, hoverMarkdown, lensTitleWithBasis, phasedSql, statementAt, unknownSizeFacts } from '../../core/lint/preview';
import { planColumn } from '../../core/plan';
import { COMMANDS, INTERNAL_COMMANDS } from '../commandIds';
import type { Log } from '../log';
import { lockTimeoutMs } from '../settings';
import { DocumentLinter, ruleOf, SOURCE, SQL_DOCUMENTS, type LintTargetSource } from './documentLinter';

export class SqlPreview implements vscode.CodeLensProvider, vscode.HoverProvider, vscode.CodeActionProvider {
  private readonly lensesChanged = new vscode.EventEmitter<void>();
  /** Probe outcomes by document and statement text: shown in the CodeLens until the statement changes. */
  private readonly verified = new Map<string, { profile: string; agrees: boolean; differences: string[] }>();
  readonly onDidChangeCodeLenses = this.lensesChanged.event;

  constructor(readonly linter: DocumentLinter) {}

  register(context: vscode.ExtensionContext): void {
    const s = context.subscriptions;
    s.push(
      this.lensesChanged,
      this.linter.onDidLint(() => this.lensesChanged.fire()),
    );
    s.push(vscode.languages.registerCodeLensProvider(SQL_DOCUMENTS, this));
    s.push(vscode.languages.registerHoverProvider(SQL_DOCUMENTS, this));
    s.push(
      vscode.languages.registerCodeActionsProvider(SQL_DOCUMENTS, this, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
    );
    s.push(
      vscode.workspace.onDidCloseTextDocument((d) => {
        const key = d.uri.toString();
        for (const k of [...this.verified.keys()]) if (k.startsWith(`${key}\n`)) this.verified.delete(k);
      }),
    );
  }

  provideCodeLenses(d: vscode.TextDocument): vscode.CodeLens[] {
    const linted = this.linter.current(d);
    if (!linted) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const s of linted.result.statements) {
      // The lock time carries its basis: measured on the bound server, learned from runs there, or rough.
      const title = lensTitleWithBasis(s, vscode.l10n.t('rough estimate'));
      if (!title) continue;
      const range = new vscode.Range(s.startPos.line, s.startPos.character, s.startPos.line, s.startPos.character);
      const v = this.verified.get(`${d.uri.toString()}\n${s.text}`);
      const mark = v
        ? ` · ${v.agrees ? vscode.l10n.t('verified on {0}', v.profile) : vscode.l10n.t('{0} differs: {1}', v.profile, v.differences.join('; '))}`
        : '';
      lenses.push(new vscode.CodeLens(range, { title: title + mark, command: '', tooltip: s.strongest?.why ?? '' }));
      if (!v && this.linter.source?.verify && linted.sizeKnown && !s.newTable && s.parsed.table) {
        lenses.push(
          new vscode.CodeLens(range, {
            title: vscode.l10n.t('Verify on server'),
            command: INTERNAL_COMMANDS.verifyStatement,
            arguments: [d.uri, s.index],
            tooltip: vscode.l10n.t('Run the statement on an empty copy of the table and compare the lock it takes'),
          }),
        );
      }
      if (addColumnOf(s, '')) {
        lenses.push(
          new vscode.CodeLens(range, { title: vscode.l10n.t('Preview plan'), command: COMMANDS.previewPlan, arguments: [d.uri, s.index] }),
        );
      }
    }
    return lenses;
  }

  provideHover(d: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const linted = this.linter.current(d);
    if (!linted) return undefined;
    const s = statementAt(linted.result, d.offsetAt(position));
    if (!s || (s.operations.length === 0 && !linted.result.findings.some((f) => f.statement === s.index))) return undefined;
    const md = new vscode.MarkdownString(hoverMarkdown(s, linted.result.findings), true);
    return new vscode.Hover(md, new vscode.Range(s.startPos.line, s.startPos.character, s.endPos.line, s.endPos.character));
  }

  provideCodeActions(
    d: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const linted = this.linter.current(d);
    if (!linted) return [];
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
      // A file that already uses DELIMITER, or a Flyway script, is split on `;` by its reader: compound statements need DELIMITER.
      const delimiter = /^\s*DELIMITER\s/im.test(text) || /(^|\/)V\d[^/]*__[^/]*\.sql$/i.test(d.uri.path);
      action.edit.replace(
        d.uri,
        new vscode.Range(d.positionAt(s.start), d.positionAt(end)),
        phasedSql(plan, linted.facts !== undefined, { delimiter }),
      );
      actions.push(action);
      const files = new vscode.CodeAction(
        vscode.l10n.t("Write safe phases as migration files (in the project's tool format)"),
        vscode.CodeActionKind.QuickFix,
      );
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
    if (!(uri instanceof vscode.Uri) || typeof index !== 'number')
      throw new Error('writePhaseFiles needs a document and a statement index');
    const doc = await vscode.workspace.openTextDocument(uri);
    const linted = await this.linter.lint(doc);
    const s = linted.result.statements[index];
    const add = s ? addColumnOf(s, '') : undefined;
    if (!s || !add) throw new Error(vscode.l10n.t('the statement is not a single ALTER TABLE … ADD COLUMN'));
    const facts = linted.facts?.(add.table) ?? unknownSizeFacts(add.table);
    const plan = planColumn(add.spec, facts, linted.result.target, { lockTimeoutMs: lockTimeoutMs(doc.uri) });
    const { migrationTarget, writePlanFiles } = await import('../migrationFiles');
    const target = await migrationTarget({ resource: doc.uri });
    if (!target) throw new Error(vscode.l10n.t('open a workspace folder to write migration files into'));
    const { paths } = await writePlanFiles(plan, target, this.linter.log);
    const text = doc.getText();
    const end = text[s.end] === ';' ? s.end + 1 : s.end;
    const original = text
      .slice(s.start, end)
      .split('\n')
      .map((l) => `-- ${l}`)
      .join('\n');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(
      doc.uri,
      new vscode.Range(doc.positionAt(s.start), doc.positionAt(end)),
      `-- Column Wizard: replaced by the safe phases in ${paths.join(', ')}\n${original}`,
    );
    await vscode.workspace.applyEdit(edit);
    void vscode.window.showInformationMessage(vscode.l10n.t('Column Wizard: wrote {0} ({1}).', paths.join(', '), target.tool));
    return { tool: target.tool, paths };
  }

  /** Probe one statement on the bound server; the CodeLens then says whether the claim held. */
  async verifyStatement(uri: unknown, index: unknown): Promise<{ profile: string; agrees: boolean; differences: string[] } | undefined> {
    if (!(uri instanceof vscode.Uri) || typeof index !== 'number')
      throw new Error('verifyStatement needs a document and a statement index');
    const doc = await vscode.workspace.openTextDocument(uri);
    const linted = await this.linter.lint(doc);
    const s = linted.result.statements[index];
    if (!s?.strongest || !s.parsed.table || !this.linter.source?.verify) return undefined;
    const outcome = await this.linter.source.verify(doc, s.parsed.table, s.text, s.strongest);
    if (!outcome) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Column Wizard: no connection fits this file; add one (or use it in Add Column…) to verify on a server.'),
      );
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
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Column Wizard: open a .sql migration and put the cursor on an ALTER TABLE … ADD COLUMN statement.'),
      );
      return;
    }
    const linted = await this.linter.lint(doc);
    const s =
      typeof index === 'number'
        ? linted.result.statements[index]
        : editor && editor.document === doc
          ? statementAt(linted.result, doc.offsetAt(editor.selection.active))
          : undefined;
    const add = s ? addColumnOf(s, '') : undefined;
    if (!add) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Column Wizard: "Preview Plan" works on a statement that adds one column (ALTER TABLE … ADD COLUMN …).'),
      );
      return;
    }
    // With a connection that fits the file: the wizard, prefilled. Without: the plan as SQL beside the file.
    const table = s!.parsed.table!;
    if (await this.linter.source?.openWizard?.(doc, table, add.spec)) return;
    const facts = linted.facts?.(add.table) ?? unknownSizeFacts(add.table);
    const plan = planColumn(add.spec, facts, linted.result.target, { lockTimeoutMs: lockTimeoutMs(doc.uri) });
    const preview = await vscode.workspace.openTextDocument({ language: 'sql', content: phasedSql(plan, linted.facts !== undefined) });
    this.linter.showOnly(preview.uri);
    await vscode.window.showTextDocument(preview, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  }
}

export interface PhaseFilesResult {
  readonly tool: string;
  readonly paths: readonly string[];
}

let instance: SqlPreview | undefined;

/** Register the SQL lint and its preview (features.ts calls this once). */
export function registerSqlPreview(context: vscode.ExtensionContext, log: Log, source?: LintTargetSource): SqlPreview {
  const linter = new DocumentLinter(log, source);
  linter.register(context);
  instance = new SqlPreview(linter);
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

/** Run `action` on the registered preview; a failure is logged as `failed` and shown, and the result is undefined. */
async function showingFailure<T>(failed: string, action: (preview: SqlPreview) => Promise<T>): Promise<T | undefined> {
  const preview = registered();
  try {
    return await action(preview);
  } catch (err) {
    preview.linter.log.error('lint', failed, err);
    void vscode.window.showErrorMessage(vscode.l10n.t('Column Wizard: {0}', describeError(err)));
    return undefined;
  }
}

/** The handler behind the lint status item's Change (INTERNAL_COMMANDS.chooseLintTarget). */
export async function chooseLintTargetCommand(): Promise<void> {
  await showingFailure('choosing the lint target failed', (p) => p.linter.chooseTarget());
}

/** The handler behind a CodeLens's Verify on the server (INTERNAL_COMMANDS.verifyStatement). */
export function verifyStatementCommand(uri: unknown, index: unknown): Promise<unknown> {
  return showingFailure('verifying the statement failed', (p) => p.verifyStatement(uri, index));
}

/** The handler behind the "Write safe phases as migration files" quick fix (INTERNAL_COMMANDS.writePhaseFiles). */
export function writePhaseFilesCommand(uri: unknown, index: unknown): Promise<unknown> {
  return showingFailure('writing the phase files failed', (p) => p.writePhaseFiles(uri, index));
}
