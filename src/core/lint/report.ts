/** Rendering lint results: text for terminals, JSON for scripts, SARIF 2.1.0 for code-scanning uploads. Pure. */
import type { Log as SarifLog, Result as SarifResult } from 'sarif';
import type { Severity } from '../types';
import type { LintFinding, LintResult } from './analyze';
import { LINT_RULES } from './ruleIds';
import { ruleDocUrl } from './ruleDocs';
import { fnv1a } from '../hash';

export interface FileResult {
  /** The path as given, relative to the repository root when it can be (SARIF `uri`). */
  readonly path: string;
  readonly result: LintResult;
}

export function hasErrors(files: readonly FileResult[]): boolean {
  return files.some((f) => f.result.findings.some((x) => x.severity === 'error'));
}

/** `path:line:col: severity rule: message` per finding, the fix indented below, and a count. */
export function renderText(files: readonly FileResult[]): string {
  const out: string[] = [];
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of files) {
    for (const x of f.result.findings) {
      counts[x.severity]++;
      out.push(`${f.path}:${x.startPos.line + 1}:${x.startPos.character + 1}: ${x.severity} ${x.rule}: ${x.message}`);
      if (x.fix) out.push(`    fix: ${x.fix}`);
    }
  }
  const target = files[0]?.result.target;
  out.push(
    `${files.length} file(s) checked${target ? ` for ${target.dialect} ${target.version}` : ''}: ${counts.error} error(s), ${counts.warning} warning(s), ${counts.info} note(s).`,
  );
  return out.join('\n');
}

export function renderJson(files: readonly FileResult[]): string {
  return JSON.stringify(
    {
      files: files.map((f) => ({
        path: f.path,
        target: f.result.target,
        wrapsInTransaction: f.result.wrapsInTransaction,
        findings: f.result.findings.map((x) => ({
          rule: x.rule,
          severity: x.severity,
          message: x.message,
          ...(x.fix ? { fix: x.fix } : {}),
          line: x.startPos.line + 1,
          column: x.startPos.character + 1,
          endLine: x.endPos.line + 1,
          endColumn: x.endPos.character + 1,
        })),
        statements: f.result.statements.map((s) => ({
          line: s.startPos.line + 1,
          kind: s.parsed.kind,
          ...(s.parsed.table ? { table: s.parsed.table } : {}),
          ...(s.strongest
            ? {
                lock: s.strongest.lock,
                blocks: s.strongest.blocks,
                rewrite: s.strongest.rewrite,
                ...(s.strongest.algorithm ? { algorithm: s.strongest.algorithm } : {}),
              }
            : {}),
          ...(s.rows !== undefined ? { rows: s.rows } : {}),
          ...(s.lockSeconds !== undefined ? { lockSeconds: s.lockSeconds } : {}),
        })),
      })),
    },
    null,
    2,
  );
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/** SARIF 2.1.0 as GitHub code scanning accepts it: one run, the rule table, 1-based regions, repo-relative URIs (typed by @types/sarif). */
export function renderSarif(files: readonly FileResult[], toolVersion: string): SarifLog {
  const ruleIndex = new Map<string, number>(LINT_RULES.map((r, i) => [r.id, i]));
  const results = files.flatMap((f) => {
    const prints = fingerprints(f.path, f.result);
    return f.result.findings.map((x, i) => sarifResult(f.path, x, ruleIndex.get(x.rule) ?? -1, prints[i]!));
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'column-wizard',
            version: toolVersion,
            rules: LINT_RULES.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase()),
              shortDescription: { text: r.title },
              fullDescription: { text: r.help },
              help: { text: r.help },
              helpUri: ruleDocUrl(r.id),
              defaultConfiguration: { level: LEVEL[r.severity] },
            })),
          },
        },
        results,
      },
    ],
  };
}

function sarifResult(path: string, x: LintFinding, ruleIndex: number, fingerprint: string): SarifResult {
  return {
    ruleId: x.rule,
    ...(ruleIndex >= 0 ? { ruleIndex } : {}),
    level: LEVEL[x.severity],
    message: { text: x.fix ? `${x.message} Fix: ${x.fix}` : x.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: toUri(path), uriBaseId: '%SRCROOT%' },
          region: {
            startLine: x.startPos.line + 1,
            startColumn: x.startPos.character + 1,
            endLine: x.endPos.line + 1,
            endColumn: x.endPos.character + 1,
          },
        },
      },
    ],
    partialFingerprints: { [FINGERPRINT]: fingerprint },
  };
}

/** The key of Column Wizard's own fingerprint (versioned: a change of the recipe gets a new key). */
export const FINGERPRINT = 'columnWizardFinding/v1';

/**
 * One fingerprint per finding that stays the same when the finding's lines move (statements, blank lines or comments
 * added above it): a hash of the file, the rule, the statement's text with its whitespace collapsed, the finding's
 * offset inside the statement, and which occurrence of that same statement text in the file it is. Editing the
 * statement itself gives a new fingerprint.
 */
function fingerprints(path: string, result: LintResult): string[] {
  const seen = new Map<string, number>();
  return result.findings.map((x) => {
    const s = result.statements[x.statement];
    const text = s ? s.text.replace(/\s+/g, ' ').trim() : '';
    const within = s ? x.start - s.start : x.start;
    const key = [toUri(path), x.rule, text, within].join('\u0000');
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return `${fnv1a(key)}${fnv1a(`${key}\u0000${n}`)}:${n + 1}`;
  });
}

/** A relative path as a URI reference: forward slashes, each segment percent-encoded. */
function toUri(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\.\//, '').split('/').map(encodeURIComponent).join('/');
}
