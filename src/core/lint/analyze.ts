import * as l10n from '@vscode/l10n';
/**
 * Lint a .sql migration: split, parse, map each statement onto the planner's DDL operations, ask the dialect
 * rules (`impactOf`) for their lock impact, and turn impact plus file context (transactions, lock timeouts,
 * tables created in the same file, table sizes) into findings. Lock rules live in ../rules.ts only. Pure.
 */
import { capabilities, defaultVolatility } from '../dialects/index';
import { formatCount, formatSeconds } from '../format';
import { DEFAULT_CALIBRATION, estimateStep, workKind } from '../impact';
import {
  impactOf,
  PG_LOCK_RANK,
  statementImpact,
  statementOperationImpact,
  PG_CATALOG_SUBCOMMANDS,
  isVarchar,
  varcharChange,
  type ConstraintKind as RuleConstraintKind,
  type DdlOperation,
  type Impact,
  type MysqlClauses,
  type StatementOperation,
} from '../rules';
import type { Calibration, ColumnFacts, Dialect, Estimate, IndexFacts, MysqlAlgorithm, Severity, TableFacts, Target } from '../types';
import type { MigrationTool } from '../migrations/types';
import type { LintAction, Mutable, NameRef, ObjectRef, ParsedStatement } from './model';
import { TOOLS, WRITERS } from '../migrations/tools/index';
import { createdRoutineName, readMysql } from './mysql';
import type { Parsers } from './parsers';
import { readPostgres } from './postgres';
import type { RuleId } from './ruleIds';
import { RULES } from './rules/index';
import { ignoreWithoutReason } from './rules/ignoreWithoutReason';
import { unusedIgnore } from './rules/unusedIgnore';
import type { ActionImpact, OperationImpact, RuleFinding, RuleModule, StatementContext } from './rules/types';
import { ignoreComments, LineMap, splitStatements, type Comment, type IgnoreComment, type Position } from './text';

/** Server versions assumed when neither a connection nor `--server-version` says. */
export const DEFAULT_VERSIONS: Readonly<Record<Dialect, string>> = { postgres: '15', mysql: '8.0.36', mariadb: '10.11' };

/** Tables at or under this many rows take their locks for milliseconds: blocking findings become `info`. */
export const SMALL_TABLE_ROWS = 10_000;

export interface LintOptions {
  readonly target: Target;
  /**
   * Whether the migration tool runs the file inside one transaction (dbmate, goose, Flyway on PostgreSQL…).
   * Default: read from the file's annotations (each tool's opt-out marker, `fileTransactionMode`); else the tool's own
   * default (`transactions.wrapsSqlFile` in its module under core/migrations/tools); a file of no known tool is not.
   */
  readonly wrapsInTransaction?: boolean;
  /** The detected migration tool: its default (`transactions.wrapsSqlFile` in its module) applies when the file's annotations say nothing. */
  readonly tool?: MigrationTool;
  /** The text of the tool's side file for this migration (`transactions.sqlSidecar`, e.g. Flyway's `.sql.conf`), when the caller found one. */
  readonly sidecar?: string;
  /** Live facts for a table, when a connection is bound. */
  readonly facts?: (table: NameRef) => TableFacts | undefined;
  /** The tool or the role already sets a lock timeout for every migration. */
  readonly lockTimeoutConfigured?: boolean;
  readonly smallTableRows?: number;
  /** Measured throughputs for the lock-time estimates (DEFAULT_CALIBRATION otherwise). */
  readonly calibration?: Calibration;
  /** Knowledge carried from earlier files of the same run, in migration order (see `newCarry`). */
  readonly carry?: LintCarry;
  /** Rule severities from a config file (./config.ts): `off` drops the rule, a severity replaces the rule's own. */
  readonly ruleSeverities?: Readonly<Record<string, Severity | 'off'>>;
  /** Writes the row counts and durations of the messages in this locale's digits (VS Code's `env.language`); the CLI's figures ("2,400,000", "4.2 s") without it. The words follow @vscode/l10n's bundle. */
  readonly locale?: string;
}

/** What one migration leaves for the next: CHECK (c IS NOT NULL) constraints by name, and the columns they proved. */
export interface LintCarry {
  readonly checkProves: Map<string, string>;
  readonly provenNotNull: Set<string>;
}

export function newCarry(): LintCarry {
  return { checkProves: new Map(), provenNotNull: new Set() };
}

export type { OperationImpact } from './rules/types';

export interface AnalyzedStatement {
  readonly index: number;
  readonly start: number;
  readonly end: number;
  readonly startPos: Position;
  readonly endPos: Position;
  readonly text: string;
  readonly parsed: ParsedStatement;
  readonly inTransaction: boolean;
  /** The table was created earlier in this file: its locks harm nobody. */
  readonly newTable: boolean;
  readonly operations: readonly OperationImpact[];
  /** The strongest impact of the statement's operations, for a CodeLens. */
  readonly strongest?: Impact;
  readonly rows?: number;
  /** Seconds the statement blocks reads or writes, estimated from the table's size (only when facts are known). */
  readonly lockSeconds?: number;
  /** Where `lockSeconds` comes from: the basis of the longest-blocking operation's estimate. */
  readonly lockBasis?: Pick<Estimate, 'basis' | 'measuredAt' | 'runs'>;
}

export interface LintFinding {
  readonly rule: RuleId;
  readonly severity: Severity;
  readonly message: string;
  readonly fix?: string;
  readonly statement: number;
  readonly start: number;
  readonly end: number;
  readonly startPos: Position;
  readonly endPos: Position;
}

export interface LintResult {
  readonly target: Target;
  readonly wrapsInTransaction: boolean;
  readonly statements: readonly AnalyzedStatement[];
  readonly findings: readonly LintFinding[];
}

/**
 * The transaction mode written in the file by its migration tool (each tool's `transactions.sqlComment` in its module under
 * core/migrations/tools), or undefined when the file does not say. An opt-out anywhere wins.
 */
export function fileTransactionMode(comments: readonly Comment[]): boolean | undefined {
  let mode: boolean | undefined;
  for (const c of comments) {
    for (const t of TOOLS) {
      const says = t.transactions.sqlComment?.(c.text);
      if (says === false) return false;
      if (says === true) mode = true;
    }
  }
  return mode;
}

/** The section a comment starts (dbmate's and goose's up/down, a Liquibase changeset; see `transactions.sqlSection`), if any. */
function sectionOf(comments: readonly Comment[]): { readonly mode?: boolean } | undefined {
  let found: { readonly mode?: boolean } | undefined;
  for (const c of comments) for (const t of TOOLS) found = t.transactions.sqlSection?.(c.text) ?? found;
  return found;
}

function key(t: NameRef | undefined): string {
  return t ? t.name.toLowerCase() : '';
}

function objectKey(o: ObjectRef): string {
  return `${o.kind}:${o.name}`;
}

const BLOCKING_RANK = (i: Impact): number => (i.blocks.reads ? 4 : 0) + (i.blocks.writes ? 2 : 0) + (i.rewrite || i.scan ? 1 : 0);

/** The impact of the operations that blocks most (the first of equals), undefined for none. */
function strongestImpact(operations: readonly OperationImpact[]): Impact | undefined {
  let top: Impact | undefined;
  for (const o of operations) if (top === undefined || BLOCKING_RANK(o.impact) > BLOCKING_RANK(top)) top = o.impact;
  return top;
}

/**
 * Which of `rules` (in their order) to ask about a statement: those whose `on` it meets (its kind, an operation's or an
 * ALTER TABLE action's kind) and those with no `on`. One flag per rule, 1 = ask; the flags hold until the next `select`.
 */
function ruleGate(rules: readonly RuleModule[]): { select(p: ParsedStatement, operations: readonly OperationImpact[]): Uint8Array } {
  const always: number[] = [];
  const kinds = new Map<string, number[]>();
  const ops = new Map<string, number[]>();
  const actions = new Map<string, number[]>();
  const add = (map: Map<string, number[]>, keys: readonly string[] | undefined, i: number) => {
    for (const k of keys ?? []) map.set(k, [...(map.get(k) ?? []), i]);
  };
  rules.forEach((r, i) => {
    if (!r.on) always.push(i);
    else {
      add(kinds, r.on.kinds, i);
      add(ops, r.on.ops, i);
      add(actions, r.on.actions, i);
    }
  });
  const mark = (asked: Uint8Array, indexes: readonly number[] | undefined) => {
    if (indexes) for (const i of indexes) asked[i] = 1;
  };
  // One array for every statement: the driver reads it before it asks about the next statement.
  const asked = new Uint8Array(rules.length);
  return {
    select(p, operations) {
      asked.fill(0);
      mark(asked, always);
      mark(asked, kinds.get(p.kind));
      for (const o of operations) mark(asked, ops.get(o.op.op));
      for (const a of p.actions) mark(asked, actions.get(a.kind));
      return asked;
    },
  };
}

/** The first table a foreign key of these actions references that was not created in this file. */
function referencedTable(actions: readonly LintAction[], created: ReadonlySet<string>): NameRef | undefined {
  for (const a of actions) {
    const r =
      a.kind === 'add-constraint'
        ? a.refTable
        : a.kind === 'add-column' && a.spec.references
          ? { name: a.spec.references.table }
          : undefined;
    if (r !== undefined && !created.has(key(r))) return r;
  }
  return undefined;
}

/** Lint one file's text: walk the statements keeping the file state, and ask every rule module (./rules) about each. */
export function lintSql(text: string, options: LintOptions, parsers: Parsers): LintResult {
  const target = options.target;
  const engine = target.dialect === 'postgres' ? 'postgres' : 'mysql';
  const caps = capabilities(target);
  const split = splitStatements(text, engine);
  const lines = new LineMap(text);
  const tx = options.tool ? WRITERS[options.tool].transactions : undefined;
  const wraps =
    options.wrapsInTransaction ??
    fileTransactionMode(split.comments) ??
    (options.sidecar !== undefined ? tx?.sqlSidecar?.says(options.sidecar) : undefined) ??
    (tx ? tx.wrapsSqlFile(split.statements.length) : false);
  const fileIgnores = ignoreComments(split.comments, true);
  const severities = options.ruleSeverities ?? {};
  // Every ignore comment, the statement it stands before, and whether it suppressed a finding (unused ones are reported).
  const ignoreUse = new Map<IgnoreComment, { statement: number; used: boolean }>(
    fileIgnores.map((c) => [c, { statement: 0, used: false }]),
  );
  /** The ignore comment that silences `rule` here (the statement's own first, then the file's); marks it used. */
  const suppressor = (rule: string, own: readonly IgnoreComment[]): IgnoreComment | undefined => {
    const silences = (i: IgnoreComment): boolean => i.rules.includes(rule) || i.rules.includes('all');
    const c = own.find(silences) ?? fileIgnores.find(silences);
    if (c) ignoreUse.get(c)!.used = true;
    return c;
  };
  // The rules that look at statements and are not turned off, chosen once per file rather than once per statement.
  const statementRules = (RULES as readonly RuleModule[]).filter((r) => r.check && severities[r.id] !== 'off');
  const gate = ruleGate(statementRules);
  const small = options.smallTableRows ?? SMALL_TABLE_ROWS;
  const calibration = options.calibration ?? DEFAULT_CALIBRATION;

  const statements: AnalyzedStatement[] = [];
  const findings: LintFinding[] = [];

  // File state, reset at each section a tool runs on its own (up/down of a dbmate or goose file, a Liquibase changeset).
  let sectionWraps = wraps;
  let inTx = wraps && engine === 'postgres';
  let txId = 0;
  let sessionTimeout = options.lockTimeoutConfigured === true;
  let localTimeout = false;
  // MySQL/MariaDB `SET [SESSION] foreign_key_checks = 0` earlier in the file: ADD FOREIGN KEY then runs INPLACE.
  let foreignKeyChecks = true;
  let created = new Set<string>();
  // Schemas, routines, types and extensions created in this file (`kind:name`): the statement index and transaction.
  let createdObjects = new Map<string, { index: number; tx: number }>();
  // The last statement that changed a table not created in this file (a DROP … CASCADE of a newer object touches none).
  let lastExistingChange = -1;
  // Enum values added by ALTER TYPE … ADD VALUE in the open transaction: value → transaction.
  let addedEnumValues = new Map<string, number>();
  // What earlier statements of this file did to existing tables: later rules see it on top of the live facts.
  let changed = new Map<string, FileChanges>();
  const notValidAdded = new Map<string, { kind: RuleConstraintKind; tx: number; table: string }>();
  // Tables a blocking statement of the open transaction has locked: the lock is held until COMMIT.
  const lockedInTx = new Map<string, { tx: number; impact: Impact }>();
  const provenNotNull = options.carry?.provenNotNull ?? new Set<string>();
  const checkProves = options.carry?.checkProves ?? new Map<string, string>();

  // The positions of the statement being read: its findings without a range of their own share them (no search, no object).
  let statementStart = -1;
  let statementStartPos: Position | undefined;
  let statementEnd = -1;
  let statementEndPos: Position | undefined;
  const positionAt = (offset: number): Position =>
    offset === statementStart ? statementStartPos! : offset === statementEnd ? statementEndPos! : lines.positionAt(offset);
  /** `smallTable`: a blocking finding on a table small enough that its lock lasts milliseconds: information. `message`: the rule's message with notes added. */
  const toFinding = (
    rule: RuleModule,
    f: RuleFinding,
    statement: number,
    range: { start: number; end: number },
    smallTable = false,
    message = f.message,
  ): LintFinding => {
    const start = f.range?.start ?? range.start;
    const end = f.range?.end ?? range.end;
    const fix = f.fix ?? (f.blocking ? rule.help : undefined);
    const configured = severities[rule.id];
    const severity: Severity = smallTable
      ? 'info'
      : configured !== undefined && configured !== 'off'
        ? configured
        : (f.severity ?? rule.severity);
    const startPos = positionAt(start);
    const endPos = positionAt(end);
    // Two literals rather than a spread: the same keys in the same order, without a temporary object per finding.
    return fix
      ? { rule: rule.id as RuleId, severity, message, fix, statement, start, end, startPos, endPos }
      : { rule: rule.id as RuleId, severity, message, statement, start, end, startPos, endPos };
  };

  /** What ADD … NOT VALID, a validated CHECK (c IS NOT NULL) and VALIDATE leave for later statements and files. */
  const rememberConstraints = (action: LintAction, op: DdlOperation, table: NameRef | undefined, stmtInTx: boolean): void => {
    if (action.kind === 'add-constraint') {
      if (action.notValid) {
        if (action.name)
          notValidAdded.set(action.name.toLowerCase(), {
            kind: op.op === 'add-constraint' ? op.kind : 'check',
            tx: stmtInTx ? txId : -1,
            table: key(table),
          });
        if (action.name && action.provesNotNull) checkProves.set(action.name.toLowerCase(), action.provesNotNull.toLowerCase());
      } else if (action.provesNotNull) provenNotNull.add(`${key(table)}.${action.provesNotNull.toLowerCase()}`);
    } else if (action.kind === 'validate-constraint') {
      const proves = checkProves.get(action.name.toLowerCase());
      if (proves) provenNotNull.add(`${key(table)}.${proves}`);
    }
  };
  const blockedEstimate = (o: OperationImpact, facts: TableFacts): Estimate =>
    estimateStep(
      o.impact,
      workKind(o.impact, { index: o.op.op === 'create-index', concurrent: o.op.op === 'create-index' && o.op.concurrent }),
      facts,
      calibration,
      undefined,
      { dialect: target.dialect },
    );

  // MySQL/MariaDB: the routine each statement creates, so that DROP … IF EXISTS before a re-create (there is no CREATE
  // OR REPLACE PROCEDURE on MySQL) is known as a replacement.
  const routineCreated = engine === 'mysql' ? split.statements.map((st) => createdRoutineName(st.text)?.toLowerCase()) : [];

  split.statements.forEach((raw, index) => {
    const section = sectionOf(raw.leadingComments);
    if (section) {
      sectionWraps = options.wrapsInTransaction ?? section.mode ?? wraps;
      inTx = sectionWraps && engine === 'postgres';
      txId++;
      localTimeout = false;
      sessionTimeout = options.lockTimeoutConfigured === true;
      foreignKeyChecks = true;
      created = new Set();
      createdObjects = new Map();
      lastExistingChange = -1;
      addedEnumValues = new Map();
      changed = new Map();
    }
    const parsed =
      engine === 'postgres'
        ? readPostgres(raw.text, parsers.postgres)
        : readMysql(raw.text, target.dialect === 'mariadb' ? parsers.mariadb : parsers.mysql);
    const ownIgnores = ignoreComments(raw.leadingComments, false);
    statementStart = raw.start;
    statementStartPos = lines.positionAt(raw.start);
    statementEnd = raw.end;
    statementEndPos = lines.positionAt(raw.end);
    for (const c of ownIgnores) ignoreUse.set(c, { statement: index, used: false });
    const table = parsed.table;
    const tableKey = key(table);
    const newTable = table !== undefined && created.has(tableKey);
    const facts = table && !newTable ? withChanges(options.facts?.(table), changed.get(tableKey)) : undefined;
    // A replayed or never-analyzed table has no row count (-1): no small-table relief, no time estimate.
    const rows = facts && facts.rows >= 0 ? facts.rows : undefined;
    const stmtInTx = inTx;
    const timeoutHere =
      sessionTimeout || localTimeout || (parsed.setting !== undefined && isLockTimeout(parsed.setting.name) && isOn(parsed.setting.value));
    const actions: ActionImpact[] = [];
    // Kept in the statement's result: built at its length (a first push reserves 16 slots).
    let operations: OperationImpact[] = [];
    const cascade = parsed.statementOp?.op === 'drop-object' && parsed.statementOp.cascade;
    const newObject =
      (parsed.objects?.length ?? 0) > 0 &&
      parsed.objects!.every((o) => {
        const made = createdObjects.get(objectKey(o));
        return made !== undefined && (!cascade || made.index > lastExistingChange);
      });
    const recreatedLater =
      routineCreated.length > 0 &&
      (parsed.objects?.length ?? 0) > 0 &&
      parsed.objects!.every((o) => o.kind === 'function' && routineCreated.indexOf(o.name.toLowerCase(), index + 1) > index);
    const objectsFromThisTransaction =
      inTx && (parsed.objects?.length ?? 0) > 0 && parsed.objects!.every((o) => createdObjects.get(objectKey(o))?.tx === txId);
    const uncommittedEnumValues =
      addedEnumValues.size === 0
        ? []
        : [...addedEnumValues]
            .filter(([value, tx]) => tx === txId && inTx && raw.text.includes(`'${value.replace(/'/g, "''")}'`))
            .map(([value]) => value);

    switch (parsed.kind) {
      case 'begin':
        if (engine === 'postgres') {
          inTx = true;
          txId++;
        }
        break;
      case 'commit':
      case 'rollback':
        if (engine === 'postgres') {
          inTx = false;
          txId++;
          localTimeout = false;
        }
        break;
      case 'set':
        if (parsed.setting && /^(?:@@)?(?:session\.)?foreign_key_checks$/.test(parsed.setting.name))
          foreignKeyChecks = isChecksOn(parsed.setting.value);
        if (parsed.setting && isLockTimeout(parsed.setting.name)) {
          const on = isOn(parsed.setting.value);
          if (parsed.setting.local && engine === 'postgres') localTimeout = on;
          else {
            sessionTimeout = on;
            if (!on) localTimeout = false;
          }
        }
        break;
      case 'create-table':
        if (table) created.add(tableKey);
        break;
      case 'create-index': {
        const idx = parsed.index!;
        const op: DdlOperation = {
          op: 'create-index',
          concurrent: idx.concurrent,
          unique: idx.unique,
          ...(idx.fulltext ? { fulltext: true } : {}),
          ...(idx.spatial ? { spatial: true } : {}),
          ...mysqlClauses(parsed),
        };
        operations = [{ op, impact: impactOf(op, target, facts) }];
        break;
      }
      case 'other':
        if (parsed.statementOp) operations = [{ op: parsed.statementOp, impact: statementOperationImpact(parsed.statementOp, target) }];
        break;
      case 'alter-table':
        for (const action of parsed.actions) {
          const statementOp = engine === 'postgres' ? toStatementOperation(action, facts) : undefined;
          if (statementOp) {
            const impact = statementOperationImpact(statementOp, target);
            actions.push({ action, op: statementOp, impact, fails: Boolean(impact.fails) });
            operations.push({ op: statementOp, impact });
            continue;
          }
          const op = toOperation(
            action,
            parsed,
            target.dialect,
            provenNotNull,
            facts,
            notValidAdded,
            parsed.setting?.name === 'foreign_key_checks' ? isChecksOn(parsed.setting.value) : foreignKeyChecks,
          );
          if (!op) continue;
          const impact = impactOf(op, target, facts);
          const fails = Boolean(impact.fails) && !(op.op === 'add-column' && !op.spec.nullable && op.spec.default.kind === 'none');
          let validatesInSameTransaction = false;
          if (!fails && action.kind === 'validate-constraint') {
            const added = notValidAdded.get(action.name.toLowerCase());
            validatesInSameTransaction = added !== undefined && added.tx === txId && stmtInTx;
          }
          actions.push({ action, op, impact, fails, ...(validatesInSameTransaction ? { validatesInSameTransaction } : {}) });
          operations.push({ op, impact });
          if (!fails) rememberConstraints(action, op, table, stmtInTx);
        }
        if (operations.length > 0) operations = operations.slice();
        break;
      default:
        break;
    }

    // Several subcommands run as one statement, with the slowest algorithm and strictest lock any of them needs (rules.ts).
    let whole: Impact | undefined;
    if (parsed.kind === 'alter-table') {
      const ddlOps = operations.map((o) => o.op).filter((o): o is DdlOperation => !isStatementOperation(o));
      // One subcommand: its impact, computed above with the same arguments statementImpact would pass.
      if (ddlOps.length === 1 && operations.length === 1) whole = operations[0]!.impact;
      else whole = statementImpact(ddlOps, target, facts);
      if (ddlOps.length < operations.length) whole = strictestPg(operations.map((o) => o.impact));
    }
    const strongest = whole ?? strongestImpact(operations);
    // ALTER TABLE subcommands the rules have no operation for take ACCESS EXCLUSIVE (the PostgreSQL default for ALTER TABLE).
    const unmapped = parsed.kind === 'alter-table' && operations.length < parsed.actions.length;
    // A foreign key also locks the table it references, which may be old and busy even when this one is new.
    const referenced = referencedTable(parsed.actions, created);
    const locked = table && stmtInTx ? lockedInTx.get(tableKey) : undefined;

    // Every property always present (undefined when it has no value), in one order: every statement's context has the
    // same shape, so the rules' reads of it stay monomorphic, and no object is spread or extended per statement.
    const context: StatementContext = {
      target,
      engine,
      caps,
      parsed,
      start: raw.start,
      end: raw.end,
      table,
      newTable,
      newObject,
      objectsFromThisTransaction,
      recreatedLater,
      uncommittedEnumValues: uncommittedEnumValues.length ? uncommittedEnumValues : undefined,
      facts,
      rows,
      inTransaction: stmtInTx,
      wraps: sectionWraps,
      timeoutHere,
      actions,
      operations,
      whole,
      strongest,
      unmapped,
      referenced,
      created,
      lockedEarlierInTransaction: locked?.tx === txId ? locked.impact : undefined,
    };
    const asked = gate.select(parsed, operations);
    for (let r = 0; r < statementRules.length; r++) {
      if (asked[r] === 0) continue;
      const rule = statementRules[r]!;
      for (const f of rule.check!(context)) {
        if (f.blocking && (newTable || newObject)) continue;
        if (suppressor(rule.id, ownIgnores)) continue;
        if (!f.blocking) {
          findings.push(toFinding(rule, f, index, raw));
          continue;
        }
        // Stats: a blocking finding on a small live table is information, not a failure.
        const smallTable = rows !== undefined && rows <= small;
        let note = '';
        if (smallTable) note = ' ' + l10n.t('The table has {0} rows, so this lasts milliseconds.', formatCount(rows, options.locale));
        else if (rows !== undefined) note = ' ' + l10n.t('The table has about {0} rows.', formatCount(rows, options.locale));
        let estimate = '';
        const ops = f.op ? [f.op] : operations;
        if (facts && rows !== undefined && rows > small && ops.length > 0) {
          const worst = ops
            .map((o) => ({ impact: o.impact, seconds: blockedEstimate(o, facts).lockSeconds }))
            .reduce((a, b) => (b.seconds > a.seconds ? b : a));
          const about = formatSeconds(worst.seconds, options.locale);
          if (worst.impact.blocks.reads) estimate = ' ' + l10n.t('Estimated: reads and writes blocked for about {0}.', about);
          else if (worst.impact.blocks.writes) estimate = ' ' + l10n.t('Estimated: writes blocked for about {0}.', about);
        }
        findings.push(toFinding(rule, f, index, raw, smallTable, f.message + note + estimate));
      }
    }

    if (stmtInTx && table && !newTable && strongest && (strongest.blocks.reads || strongest.blocks.writes) && !lockedInTx.has(tableKey))
      lockedInTx.set(tableKey, { tx: txId, impact: strongest });
    else if (table && lockedInTx.get(tableKey)?.tx !== txId) lockedInTx.delete(tableKey);
    const longest =
      facts && rows !== undefined && operations.length > 0
        ? operations.map((o) => blockedEstimate(o, facts)).reduce((a, b) => (b.lockSeconds > a.lockSeconds ? b : a))
        : undefined;
    const lockSeconds = longest?.lockSeconds;
    const lockBasis = longest
      ? {
          basis: longest.basis,
          ...(longest.measuredAt ? { measuredAt: longest.measuredAt } : {}),
          ...(longest.runs ? { runs: longest.runs } : {}),
        }
      : undefined;
    if (!inTx || engine === 'mysql') txId++;
    const analyzed: Mutable<AnalyzedStatement> = {
      index,
      start: raw.start,
      end: raw.end,
      startPos: statementStartPos,
      endPos: statementEndPos,
      text: raw.text,
      parsed,
      inTransaction: stmtInTx,
      newTable,
      operations,
    };
    if (strongest) analyzed.strongest = strongest;
    if (rows !== undefined) analyzed.rows = rows;
    if (lockSeconds !== undefined) analyzed.lockSeconds = lockSeconds;
    if (lockBasis) analyzed.lockBasis = lockBasis;
    statements.push(analyzed);
    if (parsed.kind === 'alter-table' && table && !newTable) recordChanges(changed, tableKey, parsed.actions);
    if (table && !newTable && operations.length > 0) lastExistingChange = index;
    if (parsed.creates) createdObjects.set(objectKey(parsed.creates), { index, tx: stmtInTx ? txId : -1 });
    // Even when the type was created in the same transaction (PostgreSQL 15 refuses that too: test/db/lintVsProbe.test.ts).
    if (parsed.statementOp?.op === 'enum-add-value' && stmtInTx) addedEnumValues.set(parsed.statementOp.value, txId);
  });

  // File-level rules (unterminated quotes and comments, NUL bytes): findings attach to the statement they fall in.
  const statementAt = (offset: number): number => {
    let found = 0;
    split.statements.forEach((st, i) => {
      if (st.start <= offset) found = i;
    });
    return found;
  };
  for (const rule of RULES as readonly RuleModule[]) {
    if (!rule.checkFile || severities[rule.id] === 'off') continue;
    for (const f of rule.checkFile({ text, split, lines })) {
      if (suppressor(rule.id, [])) continue;
      const range = f.range ?? { start: 0, end: text.length };
      findings.push(toFinding(rule, f, f.statement ?? statementAt(range.start), range));
    }
  }
  // The ignore comments themselves: a reason is required, and one that silenced nothing is reported. These two rules
  // answer only to the config file and to a file-wide ignore naming them, not to the comment they are about.
  for (const c of fileIgnores) ignoreUse.get(c)!.statement = statementAt(c.range.start);
  const meta = (rule: RuleModule, c: IgnoreComment, f: RuleFinding, statement: number): void => {
    if (severities[rule.id] === 'off') return;
    const silencer = fileIgnores.find((i) => i !== c && i.rules.includes(rule.id));
    if (silencer) {
      ignoreUse.get(silencer)!.used = true;
      return;
    }
    findings.push(toFinding(rule, f, statement, c.range));
  };
  // Statement comments first: a file-wide ignore of these rules is used when it silences one of them.
  for (const [c, { statement, used }] of [...ignoreUse].sort(([a], [b]) => Number(a.fileWide) - Number(b.fileWide))) {
    const marker = c.fileWide ? 'column-wizard-ignore-file' : 'column-wizard-ignore';
    if (!c.reason)
      meta(
        ignoreWithoutReason,
        c,
        {
          message: l10n.t(
            '`{0}` gives no reason: write `-- {0}: <why it is safe here>` so a reviewer can judge it.',
            `${marker} ${c.rules.join(', ')}`,
          ),
        },
        statement,
      );
    const unknown = c.rules.filter((r) => r !== 'all' && !RULES.some((m) => m.id === r));
    if (unknown.length)
      meta(
        unusedIgnore,
        c,
        {
          severity: 'warning',
          message: l10n.t(
            'No rule has the id {0}: this ignore comment silences nothing under that name.',
            unknown.map((u) => `"${u}"`).join(', '),
          ),
        },
        statement,
      );
    else if (!used && !c.rules.some((r) => r !== 'all' && severities[r] === 'off'))
      meta(
        unusedIgnore,
        c,
        {
          message: c.fileWide
            ? l10n.t(
                '`{0}` silenced nothing: no statement of this file has such a finding. Remove it, or it will hide a finding nobody reviewed.',
                `${marker} ${c.rules.join(', ')}`,
              )
            : l10n.t(
                '`{0}` silenced nothing: the statement after it has no such finding. Remove it, or it will hide a finding nobody reviewed.',
                `${marker} ${c.rules.join(', ')}`,
              ),
        },
        statement,
      );
  }
  return { target, wrapsInTransaction: wraps, statements, findings };
}

/** Columns and indexes an earlier statement of the file added or dropped (e.g. a STORED generated column makes a later MODIFY … NOT NULL copy on MariaDB). */
interface FileChanges {
  readonly columns: ColumnFacts[];
  readonly indexes: IndexFacts[];
  readonly dropped: Set<string>;
}

function recordChanges(changed: Map<string, FileChanges>, table: string, actions: readonly LintAction[]): void {
  let c = changed.get(table);
  if (!c) changed.set(table, (c = { columns: [], indexes: [], dropped: new Set() }));
  for (const a of actions) {
    if (a.kind === 'add-column') {
      c.dropped.delete(a.spec.name.toLowerCase());
      c.columns.push({
        name: a.spec.name,
        type: a.spec.type.name,
        nullable: a.spec.nullable,
        default: null,
        generated: a.spec.generated ? (a.spec.generated.stored ? 'stored' : 'virtual') : null,
      });
    } else if (a.kind === 'drop-column') {
      c.dropped.add(a.column.toLowerCase());
    } else if (a.kind === 'add-index') {
      c.indexes.push({
        name: a.name ?? '',
        columns: a.columns,
        unique: a.unique,
        primary: false,
        method: a.fulltext ? 'FULLTEXT' : 'BTREE',
      });
    }
  }
}

function withChanges(facts: TableFacts | undefined, c: FileChanges | undefined): TableFacts | undefined {
  if (!facts || !c) return facts;
  const gone = (name: string) => c.dropped.has(name.toLowerCase());
  return {
    ...facts,
    columns: [...(facts.columns ?? []), ...c.columns].filter((col) => !gone(col.name)),
    indexes: [...(facts.indexes ?? []), ...c.indexes].filter((i) => !i.columns.some(gone)),
  };
}

function isLockTimeout(name: string): boolean {
  return name === 'lock_timeout' || name === 'lock_wait_timeout' || name === 'session.lock_wait_timeout';
}

function isChecksOn(value: string): boolean {
  return !/^'?(0|off|false)'?$/i.test(value.trim());
}

function isOn(value: string): boolean {
  const v = value.trim().replace(/^'|'$/g, '').toLowerCase();
  return v !== '' && v !== 'default' && !/^0+(ms|s|min)?$/.test(v);
}

const ALGORITHMS = new Set(['INSTANT', 'NOCOPY', 'INPLACE', 'COPY', 'DEFAULT']);
const LOCKS = new Set(['NONE', 'SHARED', 'EXCLUSIVE', 'DEFAULT']);

function mysqlClauses(p: ParsedStatement): { mysql?: MysqlClauses } {
  const algorithm = p.algorithm && ALGORITHMS.has(p.algorithm) ? (p.algorithm as MysqlAlgorithm | 'DEFAULT') : undefined;
  const lock = p.lock && LOCKS.has(p.lock) ? (p.lock as MysqlClauses['lock']) : undefined;
  if (!algorithm && !lock) return {};
  return { mysql: { ...(algorithm ? { algorithm } : {}), ...(lock ? { lock } : {}) } };
}

const STATEMENT_OPS = new Set([
  'reindex',
  'vacuum-full',
  'cluster',
  'refresh-matview',
  'drop-table',
  'truncate',
  'rename',
  'domain-constraint',
  'set-logged',
  'set-tablespace',
  'set-access-method',
  'drop-object',
  'detach-partition',
  'exclusion-constraint',
  'alter-type-pg',
  'lock-table',
  'catalog-change',
  'alter-routine',
  'alter-owner',
  'enum-add-value',
  'mysql-object',
]);

/** (`drop-index` is both; the linter reads it only as a whole statement, never inside ALTER TABLE.) */
function isStatementOperation(o: DdlOperation | StatementOperation): o is StatementOperation {
  return STATEMENT_OPS.has(o.op);
}

/** Several PostgreSQL subcommands in one ALTER TABLE: the strictest lock, and every effect of each. */
function strictestPg(parts: readonly Impact[]): Impact {
  const top = parts.reduce((a, b) => (PG_LOCK_RANK[b.lock] > PG_LOCK_RANK[a.lock] ? b : a));
  const fails = parts.find((p) => p.fails)?.fails;
  return {
    lock: top.lock,
    blocks: { reads: parts.some((p) => p.blocks.reads), writes: parts.some((p) => p.blocks.writes) },
    rewrite: parts.some((p) => p.rewrite),
    scan: parts.some((p) => p.scan),
    why:
      parts.length === 1
        ? top.why
        : l10n.t('one ALTER TABLE takes the strictest lock any subcommand needs ({0}): {1}', top.lock, parts.map((p) => p.why).join('; ')),
    ...(fails ? { fails } : {}),
  };
}

/** PostgreSQL ALTER TABLE subcommands whose verdict is a statement operation (rules.ts `statementOperationImpact`). */
function toStatementOperation(a: LintAction, facts: TableFacts | undefined): StatementOperation | undefined {
  if (a.kind === 'statement-op') return a.op;
  if (a.kind === 'other') {
    const subcommand = /^\w+/.exec(a.description)?.[0];
    if (subcommand && Object.hasOwn(PG_CATALOG_SUBCOMMANDS, subcommand)) return { op: 'catalog-change', subcommand };
  }
  if (a.kind === 'add-constraint' && a.constraint === 'exclusion') return { op: 'exclusion-constraint' };
  if (a.kind === 'alter-type') {
    const now = facts?.columns?.find((c) => c.name.toLowerCase() === a.column.toLowerCase());
    return { op: 'alter-type-pg', coercible: a.using ? false : now ? binaryCoercible(now.type, a.type) : undefined };
  }
  return undefined;
}

/**
 * Whether PostgreSQL changes a column from `from` to `to` without a rewrite (binary-coercible, or a longer length):
 * varchar(n) → varchar(m ≥ n) / text, text ↔ varchar without length, numeric(p,s) → numeric(q ≥ p, s), timestamp /
 * timestamptz / time / interval (p) → the same type with a precision ≥ p (none written is 6), the same type.
 * undefined when the names are not ones this knows.
 */
export function binaryCoercible(from: string, to: string): boolean | undefined {
  const norm = (t: string) => {
    const m = /^\s*([a-z ]+?)\s*(?:\(([\d,\s]+)\))?\s*$/i.exec(
      t
        .toLowerCase()
        // The server prints `timestamp(3) without time zone`: the zone words move before the precision.
        .replace(/^(timestamp|time)\s*(\(\s*\d+\s*\))?\s+with time zone$/, '$1tz$2')
        .replace(/^(timestamp|time)\s*(\(\s*\d+\s*\))?\s+without time zone$/, '$1$2')
        .replace(/character varying/, 'varchar')
        .replace(/^int4$|^int$/, 'integer')
        .replace(/^int8$/, 'bigint'),
    );
    return m
      ? {
          name: m[1]!.trim(),
          params: (m[2] ?? '')
            .split(',')
            .filter(Boolean)
            .map((x) => Number(x.trim())),
        }
      : undefined;
  };
  const a = norm(from);
  const b = norm(to);
  if (!a || !b) return undefined;
  if (a.name === b.name && a.params.join() === b.params.join()) return true;
  if ((a.name === 'varchar' || a.name === 'text') && b.name === 'text') return true;
  if (a.name === 'text' && b.name === 'varchar') return b.params.length === 0;
  if (a.name === 'varchar' && b.name === 'varchar') return b.params.length === 0 || (a.params.length > 0 && b.params[0]! >= a.params[0]!);
  if (a.name === b.name && ['timestamp', 'timestamptz', 'time', 'timetz', 'interval'].includes(a.name))
    return (b.params[0] ?? 6) >= (a.params[0] ?? 6);
  if (a.name === 'numeric' && b.name === 'numeric')
    return b.params.length === 0 || (a.params.length > 0 && b.params[0]! >= a.params[0]! && (b.params[1] ?? 0) === (a.params[1] ?? 0));
  return false;
}

/** The planner's operation for a parsed action, or undefined when the rules have none for it. */
function toOperation(
  a: LintAction,
  p: ParsedStatement,
  dialect: Dialect,
  provenNotNull: ReadonlySet<string>,
  facts: TableFacts | undefined,
  notValidAdded: ReadonlyMap<string, { kind: RuleConstraintKind }>,
  foreignKeyChecks: boolean,
): DdlOperation | undefined {
  const clauses = mysqlClauses(p);
  switch (a.kind) {
    case 'add-column':
      return { op: 'add-column', spec: a.spec, ...clauses };
    case 'set-not-null': {
      const proven =
        provenNotNull.has(`${key(p.table)}.${a.column.toLowerCase()}`) ||
        (facts?.constraints ?? []).some(
          (c) =>
            c.kind === 'check' && c.validated && new RegExp(`\\b${escapeRe(a.column)}\\b"?\\s+IS\\s+NOT\\s+NULL`, 'i').test(c.definition),
        );
      return { op: 'set-not-null', column: a.column, ...(proven ? { provenByCheck: true } : {}), ...clauses };
    }
    case 'set-default': {
      const volatile = a.default.kind === 'expression' && defaultVolatility(a.default.sql, dialect) === 'volatile';
      return { op: 'set-default', column: a.column, ...(volatile ? { volatile } : {}), ...clauses };
    }
    case 'add-constraint':
      if (a.constraint === 'exclusion') return undefined;
      return {
        op: 'add-constraint',
        kind: a.constraint,
        notValid: a.notValid,
        usingIndex: a.usingIndex !== undefined,
        ...(a.constraint === 'foreign' && dialect !== 'postgres' && !foreignKeyChecks ? { foreignKeyChecks: false } : {}),
        ...clauses,
      };
    case 'validate-constraint':
      return { op: 'validate-constraint', kind: notValidAdded.get(a.name.toLowerCase())?.kind ?? 'check', ...clauses };
    case 'add-index':
      return {
        op: 'create-index',
        concurrent: false,
        unique: a.unique,
        ...(a.fulltext ? { fulltext: true } : {}),
        ...(a.spatial ? { spatial: true } : {}),
        ...clauses,
      };
    case 'drop-primary-key':
      return {
        op: 'drop-primary-key',
        replaced: p.actions.some((x) => x.kind === 'add-constraint' && x.constraint === 'primary'),
        ...clauses,
      };
    case 'convert-charset':
      return { op: 'convert-charset', charset: a.charset, ...clauses };
    case 'rebuild':
      return { op: 'rebuild', ...(a.engine ? { engine: a.engine } : {}), ...clauses };
    case 'rename-index':
      return { op: 'rename-index', ...clauses };
    case 'drop-column':
      return { op: 'drop-column', column: a.column, ...clauses };
    case 'drop-not-null':
      return { op: 'drop-not-null', column: a.column, ...clauses };
    case 'drop-default':
      return { op: 'drop-default', column: a.column, ...clauses };
    case 'drop-constraint':
      return { op: 'drop-constraint', ...clauses };
    case 'alter-type': {
      if (dialect === 'postgres') return undefined;
      // A MODIFY to another data type copies the table (the live facts say what the type is now).
      const now = facts?.columns?.find((c) => c.name.toLowerCase() === a.column.toLowerCase());
      const next = a.type.replace(/ NOT NULL$/, '');
      if (now && baseType(now.type) !== baseType(next)) return { op: 'change-type', column: a.column, ...clauses };
      if (now && isUnsigned(now.type) !== isUnsigned(next)) {
        return {
          op: 'change-type',
          column: a.column,
          reason: `${isUnsigned(next) ? 'making' : 'removing'} UNSIGNED on ${a.column} (${now.type} → ${next}) changes the data type, which`,
          ...clauses,
        };
      }
      const members = now ? enumChange(now.type, next) : undefined;
      if (members === 'extend' && !/ NOT NULL$/.test(a.type) === now!.nullable) return { op: 'extend-enum', column: a.column, ...clauses };
      if (members && members !== 'extend') return { op: 'change-type', column: a.column, reason: members, ...clauses };
      // DECIMAL(p,s), FLOAT/DOUBLE(p) and fractional seconds of DATETIME/TIME/TIMESTAMP: new parameters are a new data type.
      if (now && PARAMETER_TYPES.has(baseType(next)) && typeParams(now.type) !== typeParams(next))
        return { op: 'change-type', column: a.column, ...clauses };
      const varchar = now ? varcharChange(now.type, next, now.charset, a.charset) : undefined;
      // VARCHAR → VARCHAR with the column's character set unknown (a replayed file that never named one): not judged.
      if (now && varchar === undefined && isVarchar(now.type) && isVarchar(next)) return undefined;
      if (varchar === 'extend' && !/ NOT NULL$/.test(a.type) === now!.nullable)
        return { op: 'extend-varchar', column: a.column, ...clauses };
      if (varchar && varchar !== 'extend' && varchar !== 'same')
        return { op: 'change-type', column: a.column, reason: varchar, ...clauses };
      // MySQL `MODIFY c … NOT NULL` is how MySQL sets NOT NULL.
      if (/ NOT NULL$/.test(a.type)) return { op: 'set-not-null', column: a.column, ...clauses };
      return undefined;
    }
    default:
      return undefined;
  }
}

/**
 * An ENUM/SET redefinition: 'extend' when the new members only follow the old ones and the storage size stays (ENUM:
 * 1 byte up to 255 members, else 2; SET: 1, 2, 3, 4 or 8 bytes for up to 8, 16, 24, 32, 64 members), else why it
 * copies the table; undefined when the types are not both ENUM or both SET, or the members are the same.
 */
function enumChange(from: string, to: string): string | 'extend' | undefined {
  const kind = baseType(from);
  if ((kind !== 'enum' && kind !== 'set') || baseType(to) !== kind) return undefined;
  const members = (t: string) => [...(/\(([\s\S]*)\)/.exec(t)?.[1] ?? '').matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]!);
  const a = members(from);
  const b = members(to);
  if (a.join('\u0000') === b.join('\u0000')) return undefined;
  const bytes = (n: number) => (kind === 'enum' ? (n <= 255 ? 1 : 2) : [1, 2, 3, 4, 8][Math.min(4, Math.max(0, Math.ceil(n / 8) - 1))]!);
  const appended = b.length > a.length && a.every((m, i) => m === b[i]);
  if (appended && bytes(a.length) === bytes(b.length)) return 'extend';
  return appended
    ? `appending members to ${kind.toUpperCase()} changes its storage from ${bytes(a.length)} to ${bytes(b.length)} bytes (${from} → ${to}), which`
    : `changing the members of ${kind.toUpperCase()} other than by appending (${from} → ${to}), which`;
}

const PARAMETER_TYPES = new Set(['decimal', 'float', 'double', 'datetime', 'time', 'timestamp']);

/** `decimal(10, 2) unsigned` → `10,2`; '' when no parameters are written. */
function typeParams(type: string): string {
  return (/\(([^)]*)\)/.exec(type)?.[1] ?? '').replace(/\s+/g, '');
}

function isUnsigned(type: string): boolean {
  return /\bunsigned\b/i.test(type);
}

const TYPE_ALIASES: Readonly<Record<string, string>> = {
  integer: 'int',
  bool: 'tinyint',
  boolean: 'tinyint',
  dec: 'decimal',
  numeric: 'decimal',
  fixed: 'decimal',
  real: 'double',
  'double precision': 'double',
};

/** `int(11) unsigned` → `int`: the type's name without parameters or attributes, aliases folded. */
function baseType(type: string): string {
  const t = type
    .trim()
    .toLowerCase()
    .replace(/\s*\(.*$/, '')
    .replace(/\s+(unsigned|signed|zerofill)\b.*$/, '');
  return TYPE_ALIASES[t] ?? t;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
