/**
 * Lint a .sql migration: split, parse, map each statement onto the planner's DDL operations, ask the dialect
 * rules (`impactOf`) for their lock impact, and turn impact plus file context (transactions, lock timeouts,
 * tables created in the same file, table sizes) into findings. Lock rules live in ../rules.ts only. Pure.
 */
import { capabilities } from '../dialects/index';
import { DEFAULT_CALIBRATION, estimateStep, workKind } from '../impact';
import { defaultVolatility, impactOf, statementImpact, type ConstraintKind as RuleConstraintKind, type DdlOperation, type Impact, type MysqlClauses } from '../rules';
import type { Calibration, ColumnFacts, Dialect, IndexFacts, MysqlAlgorithm, Severity, TableFacts, Target } from '../types';
import type { MigrationTool } from '../migrations/types';
import type { LintAction, NameRef, ParsedStatement } from './model';
import { toolWrapsSqlFile } from './tools';
import { readMysql } from './mysql';
import type { Parsers } from './parsers';
import { readPostgres } from './postgres';
import { ruleById, type RuleId } from './ruleIds';
import { ignoredRules, LineMap, splitStatements, type Comment, type Position, type SplitResult } from './text';

/** Server versions assumed when neither a connection nor `--server-version` says. */
export const DEFAULT_VERSIONS: Readonly<Record<Dialect, string>> = { postgres: '15', mysql: '8.0.36', mariadb: '10.11' };

/** Tables at or under this many rows take their locks for milliseconds: blocking findings become `info`. */
export const SMALL_TABLE_ROWS = 10_000;

export interface LintOptions {
  readonly target: Target;
  /**
   * Whether the migration tool runs the file inside one transaction (dbmate, goose, Flyway on PostgreSQL…).
   * Default: read from the file's annotations (`-- migrate:up transaction:false`, `-- +goose NO TRANSACTION`,
   * `-- atlas:txmode none`); a dbmate or goose file without an opt-out is wrapped; a plain file is not.
   */
  readonly wrapsInTransaction?: boolean;
  /** The detected migration tool: its default (`toolWrapsSqlFile`) applies when the file's annotations say nothing. */
  readonly tool?: MigrationTool;
  /** Live facts for a table, when a connection is bound. */
  readonly facts?: (table: NameRef) => TableFacts | undefined;
  /** The tool or the role already sets a lock timeout for every migration. */
  readonly lockTimeoutConfigured?: boolean;
  readonly smallTableRows?: number;
  /** Measured throughputs for the lock-time estimates (DEFAULT_CALIBRATION otherwise). */
  readonly calibration?: Calibration;
  /** Knowledge carried from earlier files of the same run, in migration order (see `newCarry`). */
  readonly carry?: LintCarry;
}

/** What one migration leaves for the next: CHECK (c IS NOT NULL) constraints by name, and the columns they proved. */
export interface LintCarry {
  readonly checkProves: Map<string, string>;
  readonly provenNotNull: Set<string>;
}

export function newCarry(): LintCarry {
  return { checkProves: new Map(), provenNotNull: new Set() };
}

export interface OperationImpact {
  readonly op: DdlOperation;
  readonly impact: Impact;
}

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

/** The transaction mode written in the file by its migration tool, or undefined when the file does not say. */
export function fileTransactionMode(comments: readonly Comment[]): boolean | undefined {
  let mode: boolean | undefined;
  for (const c of comments) {
    const t = c.text;
    if (/^migrate:up\b/i.test(t)) mode = !/transaction\s*:\s*false/i.test(t);
    else if (/^\+goose\s+NO\s+TRANSACTION\b/i.test(t)) return false;
    else if (/^\+goose\s+Up\b/i.test(t) && mode === undefined) mode = true;
    else if (/^atlas:txmode\s+none\b/i.test(t)) return false;
  }
  return mode;
}

const SECTION_MARKER = /^(migrate:(up|down)\b|\+goose\s+(Up|Down)\b)/i;

function key(t: NameRef | undefined): string {
  return t ? t.name.toLowerCase() : '';
}

const BLOCKING_RANK = (i: Impact): number => (i.blocks.reads ? 4 : 0) + (i.blocks.writes ? 2 : 0) + (i.rewrite || i.scan ? 1 : 0);

/** Lint one file's text. */
export function lintSql(text: string, options: LintOptions, parsers: Parsers): LintResult {
  const target = options.target;
  const engine = target.dialect === 'postgres' ? 'postgres' : 'mysql';
  const caps = capabilities(target);
  const split = splitStatements(text, engine);
  const lines = new LineMap(text);
  const wraps = options.wrapsInTransaction ?? fileTransactionMode(split.comments)
    ?? (options.tool ? toolWrapsSqlFile(options.tool, split.statements.length) : false);
  const fileIgnores = ignoredRules(split.comments, true);
  const small = options.smallTableRows ?? SMALL_TABLE_ROWS;

  const statements: AnalyzedStatement[] = [];
  const findings: LintFinding[] = [];

  // File state, reset at each up/down section of a dbmate or goose file.
  let inTx = wraps && engine === 'postgres';
  let txId = 0;
  let sessionTimeout = options.lockTimeoutConfigured === true;
  let localTimeout = false;
  let created = new Set<string>();
  // What earlier statements of this file did to existing tables: later rules see it on top of the live facts.
  let changed = new Map<string, FileChanges>();
  const notValidAdded = new Map<string, { kind: RuleConstraintKind; tx: number; table: string }>();
  const provenNotNull = options.carry?.provenNotNull ?? new Set<string>();
  const checkProves = options.carry?.checkProves ?? new Map<string, string>();

  split.statements.forEach((raw, index) => {
    if (raw.leadingComments.some((c) => SECTION_MARKER.test(c.text))) {
      inTx = wraps && engine === 'postgres';
      txId++;
      localTimeout = false;
      sessionTimeout = options.lockTimeoutConfigured === true;
      created = new Set();
      changed = new Map();
    }
    const parsed = engine === 'postgres' ? readPostgres(raw.text, parsers.postgres) : readMysql(raw.text, parsers.mysql);
    const ignores = new Set([...fileIgnores, ...ignoredRules(raw.leadingComments, false)]);
    const statementFindings: LintFinding[] = [];
    const add = (rule: RuleId, severity: Severity, message: string, fix?: string, range?: { start: number; end: number }): void => {
      if (ignores.has('all') || ignores.has(rule)) return;
      const start = range?.start ?? raw.start;
      const end = range?.end ?? raw.end;
      statementFindings.push({ rule, severity, message, ...(fix ? { fix } : {}), statement: index, start, end, startPos: lines.positionAt(start), endPos: lines.positionAt(end) });
    };
    const table = parsed.table;
    const newTable = table !== undefined && created.has(key(table));
    const facts = table && !newTable ? withChanges(options.facts?.(table), changed.get(key(table))) : undefined;
    const rows = facts?.rows;
    const operations: OperationImpact[] = [];
    const stmtInTx = inTx;
    const timeoutHere = sessionTimeout || localTimeout || (parsed.setting !== undefined && isLockTimeout(parsed.setting.name) && isOn(parsed.setting.value));

    // Stats: a blocking finding on a small live table is information, not a failure.
    const scaled = (sev: Severity): { severity: Severity; note: string } => {
      if (rows === undefined) return { severity: sev, note: '' };
      if (rows <= small) return { severity: 'info', note: ` The table has ${rows.toLocaleString('en-US')} rows, so this lasts milliseconds.` };
      return { severity: sev, note: ` The table has about ${rows.toLocaleString('en-US')} rows.` };
    };
    // The operation whose finding is being written (statement-level clauses use the slowest one).
    let current: OperationImpact | undefined;
    // The impact of the whole ALTER TABLE when it has several subcommands.
    let whole: Impact | undefined;
    const blockedSeconds = (o: OperationImpact): number => estimateStep(o.impact, workKind(o.impact, { index: o.op.op === 'create-index', concurrent: o.op.op === 'create-index' && o.op.concurrent }), facts!, options.calibration ?? DEFAULT_CALIBRATION).lockSeconds;
    const blocking = (rule: RuleId, message: string, fix?: string): void => {
      if (newTable) return;
      const base = ruleById(rule)?.severity ?? 'warning';
      const s = scaled(base);
      let estimate = '';
      const ops = current ? [current] : operations;
      if (facts && rows !== undefined && rows > small && ops.length > 0) {
        const worst = ops.reduce((a, b) => (blockedSeconds(b) > blockedSeconds(a) ? b : a));
        const what = worst.impact.blocks.reads ? 'reads and writes' : worst.impact.blocks.writes ? 'writes' : undefined;
        if (what) estimate = ` Estimated: ${what} blocked for about ${formatEstimate(blockedSeconds(worst))}.`;
      }
      add(rule, s.severity, message + s.note + estimate, fix ?? ruleById(rule)?.help);
    };

    switch (parsed.kind) {
      case 'unparsed': {
        const at = parsed.error?.offset !== undefined ? raw.start + parsed.error.offset : raw.start;
        if (engine === 'postgres') add('syntax-error', 'error', `PostgreSQL's parser rejects this statement: ${parsed.error?.message ?? 'not parsed'}; nothing in it was checked.`, undefined, { start: at, end: Math.max(at + 1, raw.end) });
        else add('unparsed-statement', 'warning', `The MySQL/MariaDB parser could not read this statement (${parsed.error?.message ?? 'unknown error'}), so its locks are not checked.`, undefined, { start: at, end: Math.max(at + 1, raw.end) });
        break;
      }
      case 'begin':
        if (engine === 'postgres') { inTx = true; txId++; }
        break;
      case 'commit':
      case 'rollback':
        if (engine === 'postgres') { inTx = false; txId++; localTimeout = false; }
        break;
      case 'set':
        if (parsed.setting && isLockTimeout(parsed.setting.name)) {
          const on = isOn(parsed.setting.value);
          if (parsed.setting.local && engine === 'postgres') localTimeout = on;
          else { sessionTimeout = on; if (!on) localTimeout = false; }
        }
        break;
      case 'create-table':
        if (table) created.add(key(table));
        break;
      case 'create-index': {
        const idx = parsed.index!;
        const op: DdlOperation = { op: 'create-index', concurrent: idx.concurrent, unique: idx.unique, ...mysqlClauses(parsed) };
        const impact = impactOf(op, target, facts);
        operations.push({ op, impact });
        current = { op, impact };
        if (engine === 'postgres') {
          if (idx.concurrent && stmtInTx) {
            add('concurrent-index-in-transaction', 'error',
              `CREATE INDEX CONCURRENTLY cannot run inside a transaction block${wraps ? ': the migration tool runs this file in one transaction' : ''}.`,
              'Put it alone in a migration with the tool\'s no-transaction switch (dbmate `-- migrate:up transaction:false`, goose `-- +goose NO TRANSACTION`, Flyway `executeInTransaction=false`).');
          }
          if (!idx.concurrent && impact.blocks.writes) {
            blocking('index-not-concurrent', `CREATE INDEX on ${tableName(table)}: ${impact.why}.`,
              `CREATE ${idx.unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY${idx.name ? ` ${idx.name}` : ''} ON … (outside a transaction block).`);
          }
          if (idx.concurrent && caps.cicCorruptionRisk) {
            add('fails-on-server', 'error', `PostgreSQL ${target.version}: CREATE INDEX CONCURRENTLY can silently corrupt the index (fixed in 14.4).`, 'Upgrade to PostgreSQL 14.4 or later first.');
          }
        }
        break;
      }
      case 'alter-table':
        for (const action of parsed.actions) {
          const mapped = toOperation(action, parsed, target.dialect, provenNotNull, facts, notValidAdded);
          if (!mapped) continue;
          const impact = impactOf(mapped, target, facts);
          operations.push({ op: mapped, impact });
          current = { op: mapped, impact };
          actionFindings(action, mapped, impact);
        }
        current = undefined;
        // Several subcommands run as one statement, with the slowest algorithm and strictest lock any of them needs (rules.ts).
        whole = statementImpact(operations.map((o) => o.op), target, facts);
        if (engine === 'mysql' && whole?.algorithm && whole.algorithm !== 'INSTANT' && !whole.fails) {
          for (const o of operations) {
            if (o.op.op !== 'add-column' || o.impact.algorithm !== 'INSTANT') continue;
            current = o;
            blocking('add-column-not-instant', `ADD COLUMN ${o.op.spec.name} would be INSTANT alone, but not in this statement: ${whole.why}.`,
              'Put the ADD COLUMN in an ALTER TABLE of its own (INSTANT), and the other changes in a second statement.');
          }
          current = undefined;
        }
        break;
      default:
        break;
    }

    function actionFindings(action: LintAction, op: DdlOperation, impact: Impact): void {
      const tname = tableName(table);
      if (impact.fails && !(op.op === 'add-column' && !op.spec.nullable && op.spec.default.kind === 'none')) {
        add('fails-on-server', 'error', `${impact.fails}.`);
        return;
      }
      switch (action.kind) {
        case 'add-column': {
          const spec = action.spec;
          if (!spec.nullable && spec.default.kind === 'none' && !spec.autoIncrement && !newTable) {
            if (engine === 'postgres') {
              if (rows === 0) break;
              add('add-column-required', 'error',
                `ADD COLUMN ${spec.name} NOT NULL without a DEFAULT fails on ${tname} as soon as it has rows, and INSERTs that omit the column break.`,
                ruleById('add-column-required')!.help);
            } else if (caps.notNullFillsZeroValue) {
              add('add-column-required', 'warning',
                `ADD COLUMN ${spec.name} NOT NULL without a DEFAULT gives existing rows of ${tname} the type's zero value, not an error.`,
                'Give an explicit DEFAULT, or add the column nullable, backfill, then MODIFY … NOT NULL.');
            }
          }
          if (engine === 'postgres') {
            if (impact.rewrite) blocking('add-column-rewrite', `ADD COLUMN ${spec.name}: ${impact.why}.`);
            else if (impact.scan && spec.references) blocking('constraint-not-valid-missing', `ADD COLUMN ${spec.name} … REFERENCES checks every row under ${impact.lock} on ${tname} and the referenced table.`, 'Add the column without REFERENCES, then ADD CONSTRAINT … FOREIGN KEY … NOT VALID and VALIDATE CONSTRAINT in a separate transaction.');
            else if (impact.scan && spec.unique) blocking('unique-constraint-builds-index', `ADD COLUMN ${spec.name} … UNIQUE builds the index under ${impact.lock}.`, 'Add the column, CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … UNIQUE USING INDEX.');
            else if (impact.scan && spec.check) blocking('constraint-not-valid-missing', `ADD COLUMN ${spec.name} … CHECK verifies every row under ${impact.lock}.`, 'Add the column, then ADD CONSTRAINT … CHECK (…) NOT VALID and VALIDATE CONSTRAINT separately.');
          } else {
            const explicitCopy = parsed.algorithm === 'COPY';
            if (!explicitCopy && impact.algorithm === 'COPY' || (impact.blocks.writes && !explicitCopy && !isBlockingLock(parsed.lock))) {
              blocking('add-column-rewrite', `ADD COLUMN ${spec.name}: ${impact.why}.`);
            } else if (impact.algorithm !== 'INSTANT' && !explicitCopy && !impact.blocks.writes) {
              blocking('add-column-not-instant', `ADD COLUMN ${spec.name} is not INSTANT on ${serverName(target)}: ${impact.why}.`);
            }
            if (target.dialect === 'mariadb' && caps.instantDefaultEvaluatedOnce && spec.default.kind === 'expression' && impact.algorithm === 'INSTANT') {
              const vol = defaultVolatility(spec.default.sql, target.dialect);
              if (vol !== 'immutable') {
                add('instant-default-evaluated-once', 'warning',
                  `MariaDB adds ${spec.name} instantly and evaluates DEFAULT ${spec.default.sql} once: every existing row of ${tname} gets that same value.`,
                  ruleById('instant-default-evaluated-once')!.help);
              }
            }
          }
          break;
        }
        case 'set-not-null':
          if (impact.scan && impact.blocks.writes) {
            blocking('set-not-null-scan', `SET NOT NULL on ${tname}.${action.column}: ${impact.why}.`,
              caps.notNullNotValid
                ? `ADD CONSTRAINT ${action.column}_not_null NOT NULL ${action.column} NOT VALID, then VALIDATE CONSTRAINT in its own transaction.`
                : ruleById('set-not-null-scan')!.help);
          }
          break;
        case 'add-constraint': {
          if (action.notValid) {
            if (action.name) notValidAdded.set(action.name.toLowerCase(), { kind: op.op === 'add-constraint' ? op.kind : 'check', tx: stmtInTx ? txId : -1, table: key(table) });
            if (action.name && action.provesNotNull) checkProves.set(action.name.toLowerCase(), action.provesNotNull.toLowerCase());
            break;
          }
          if (action.provesNotNull) provenNotNull.add(`${key(table)}.${action.provesNotNull.toLowerCase()}`);
          if ((action.constraint === 'unique' || action.constraint === 'primary') && !action.usingIndex) {
            if (engine === 'postgres') blocking('unique-constraint-builds-index', `ADD ${action.constraint === 'unique' ? 'UNIQUE' : 'PRIMARY KEY'} on ${tname}: ${impact.why}.`);
            break;
          }
          if (action.constraint === 'check' || action.constraint === 'foreign' || action.constraint === 'not-null') {
            if (engine === 'postgres' && impact.scan && (impact.blocks.writes || impact.blocks.reads)) {
              blocking('constraint-not-valid-missing', `ADD CONSTRAINT${action.name ? ` ${action.name}` : ''} on ${tname}: ${impact.why}.`,
                `Add it with NOT VALID, commit, then ALTER TABLE … VALIDATE CONSTRAINT ${action.name ?? '<name>'} (SHARE UPDATE EXCLUSIVE: reads and writes continue).`);
            } else if (engine === 'mysql' && impact.blocks.writes && parsed.algorithm !== 'COPY') {
              blocking('blocking-ddl', `ADD ${action.constraint === 'foreign' ? 'FOREIGN KEY' : 'CHECK'} on ${tname}: ${impact.why}.`,
                action.constraint === 'foreign' ? 'Only when every row is known to match: SET SESSION foreign_key_checks = 0 around the ALTER (INPLACE, no copy); otherwise an online schema change tool.' : 'There is no online path for CHECK on MySQL/MariaDB; use an online schema change tool for large tables.');
            }
          }
          break;
        }
        case 'validate-constraint': {
          const added = notValidAdded.get(action.name.toLowerCase());
          if (added && added.tx === txId && stmtInTx) {
            add('validate-in-same-transaction', 'warning',
              `VALIDATE CONSTRAINT ${action.name} runs in the same transaction as its ADD … NOT VALID: the ADD's lock is held during the whole validation scan.`,
              ruleById('validate-in-same-transaction')!.help);
          }
          const proves = checkProves.get(action.name.toLowerCase());
          if (proves) provenNotNull.add(`${key(table)}.${proves}`);
          break;
        }
        case 'add-index':
          if (engine === 'mysql' && impact.blocks.writes && !isBlockingLock(parsed.lock) && parsed.algorithm !== 'COPY') {
            blocking('index-not-concurrent', `ADD INDEX on ${tname}: ${impact.why}.`);
          }
          break;
        default:
          break;
      }
    }

    // MySQL/MariaDB clauses written on the statement.
    current = undefined;
    if (engine === 'mysql' && (parsed.kind === 'alter-table' || parsed.kind === 'create-index')) {
      if (parsed.algorithm === 'COPY') blocking('algorithm-copy', `ALGORITHM=COPY copies all of ${tableName(table)} and blocks writes until it finishes.`);
      if (isBlockingLock(parsed.lock)) blocking('lock-blocks-writes', `LOCK=${parsed.lock} blocks ${parsed.lock === 'EXCLUSIVE' ? 'reads and writes' : 'writes'} on ${tableName(table)} for the whole operation.`);
      if (target.dialect === 'mysql' && parsed.algorithm === 'INSTANT' && parsed.lock && parsed.lock !== 'DEFAULT') {
        add('instant-with-lock-clause', 'error', `ALGORITHM=INSTANT with LOCK=${parsed.lock}: MySQL refuses the statement (error 1221, incorrect usage of ALGORITHM=INSTANT and LOCK).`, ruleById('instant-with-lock-clause')!.help);
      }
    }

    const strongest = whole ?? operations.map((o) => o.impact).sort((a, b) => BLOCKING_RANK(b) - BLOCKING_RANK(a))[0];
    // ALTER TABLE subcommands the rules have no operation for take ACCESS EXCLUSIVE (the PostgreSQL default for ALTER TABLE).
    const unmapped = parsed.kind === 'alter-table' && operations.length < parsed.actions.length;
    // A foreign key also locks the table it references, which may be old and busy even when this one is new.
    const referenced = parsed.actions.map((a) => (a.kind === 'add-constraint' ? a.refTable : a.kind === 'add-column' && a.spec.references ? { name: a.spec.references.table } : undefined))
      .find((r): r is NameRef => r !== undefined && !created.has(key(r)));
    const needsTimeout = (!newTable && (unmapped || (strongest !== undefined && (engine === 'mysql' || strongest.blocks.reads || strongest.blocks.writes))))
      || (newTable && referenced !== undefined && engine === 'postgres');
    if (needsTimeout && !timeoutHere) {
      add('missing-lock-timeout', 'warning',
        `${engine === 'postgres' ? (strongest?.lock ?? 'ACCESS EXCLUSIVE') : 'The metadata lock'} on ${newTable && referenced ? tableName(referenced) : tableName(table)} is requested without a lock timeout: while it waits behind a long transaction, every query on the table queues behind it.`,
        engine === 'postgres' ? "SET lock_timeout = '2s'; before the statement, and retry on failure." : 'SET SESSION lock_wait_timeout = 2; before the statement, and retry on failure.');
    }

    const lockSeconds = facts && operations.length > 0
      ? Math.max(...operations.map(({ op, impact }) => estimateStep(impact, workKind(impact, { index: op.op === 'create-index', concurrent: op.op === 'create-index' && op.concurrent }), facts, options.calibration ?? DEFAULT_CALIBRATION).lockSeconds))
      : undefined;
    if (!inTx || engine === 'mysql') txId++;
    statements.push({
      index, start: raw.start, end: raw.end, startPos: lines.positionAt(raw.start), endPos: lines.positionAt(raw.end), text: raw.text,
      parsed, inTransaction: stmtInTx, newTable, operations, ...(strongest ? { strongest } : {}), ...(rows !== undefined ? { rows } : {}),
      ...(lockSeconds !== undefined ? { lockSeconds } : {}),
    });
    findings.push(...statementFindings);
    if (parsed.kind === 'alter-table' && table && !newTable) recordChanges(changed, key(table), parsed.actions);
  });

  findings.push(...textFindings(text, split, lines, fileIgnores));
  return { target, wrapsInTransaction: wraps, statements, findings };
}

/** Text the splitter could not close, and NUL bytes: the statements there cannot be read as written. */
function textFindings(text: string, split: SplitResult, lines: LineMap, ignores: ReadonlySet<string>): LintFinding[] {
  const out: LintFinding[] = [];
  const statementAt = (offset: number): number => {
    let found = 0;
    split.statements.forEach((s, i) => { if (s.start <= offset) found = i; });
    return found;
  };
  const add = (rule: RuleId, message: string, start: number, end: number): void => {
    if (ignores.has('all') || ignores.has(rule)) return;
    out.push({ rule, severity: 'error', message, fix: ruleById(rule)!.help, statement: statementAt(start), start, end, startPos: lines.positionAt(start), endPos: lines.positionAt(end) });
  };
  for (const u of split.unterminated) {
    const at = lines.positionAt(u.start);
    add('unterminated-text', `Unterminated ${u.kind} opened at line ${at.line + 1}, column ${at.character + 1}: the rest of the file (${text.length - u.start} characters) is read as its inside, so no statement there was checked.`, u.start, text.length);
  }
  let reported = -1;
  for (let i = text.indexOf('\0'); i >= 0; i = text.indexOf('\0', i + 1)) {
    const st = statementAt(i);
    if (st === reported) continue;
    reported = st;
    const at = lines.positionAt(i);
    add('nul-byte', `NUL byte (U+0000) at line ${at.line + 1}, column ${at.character + 1}: client libraries and the parsers end the text at it, so what follows in this statement is neither checked nor run as written.`, i, i + 1);
  }
  return out;
}

/** Columns and indexes an earlier statement of the file added or dropped (e.g. a STORED generated column makes a later MODIFY … NOT NULL copy on MariaDB). */
interface FileChanges {
  readonly columns: ColumnFacts[];
  readonly indexes: IndexFacts[];
  readonly dropped: Set<string>;
}

function recordChanges(changed: Map<string, FileChanges>, table: string, actions: readonly LintAction[]): void {
  let c = changed.get(table);
  if (!c) changed.set(table, c = { columns: [], indexes: [], dropped: new Set() });
  for (const a of actions) {
    if (a.kind === 'add-column') {
      c.dropped.delete(a.spec.name.toLowerCase());
      c.columns.push({ name: a.spec.name, type: a.spec.type.name, nullable: a.spec.nullable, default: null, generated: a.spec.generated ? (a.spec.generated.stored ? 'stored' : 'virtual') : null });
    } else if (a.kind === 'drop-column') {
      c.dropped.add(a.column.toLowerCase());
    } else if (a.kind === 'add-index') {
      c.indexes.push({ name: a.name ?? '', columns: a.columns, unique: a.unique, primary: false, method: a.fulltext ? 'FULLTEXT' : 'BTREE' });
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

function formatEstimate(s: number): string {
  if (s < 1) return `${Math.max(0.1, Math.round(s * 10) / 10)} s`;
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 360) / 10} h`;
}

function isLockTimeout(name: string): boolean {
  return name === 'lock_timeout' || name === 'lock_wait_timeout' || name === 'session.lock_wait_timeout';
}

function isOn(value: string): boolean {
  const v = value.trim().replace(/^'|'$/g, '').toLowerCase();
  return v !== '' && v !== 'default' && !/^0+(ms|s|min)?$/.test(v);
}

function isBlockingLock(lock: string | undefined): boolean {
  return lock === 'SHARED' || lock === 'EXCLUSIVE';
}

function tableName(t: NameRef | undefined): string {
  return t ? (t.schema ? `${t.schema}.${t.name}` : t.name) : 'the table';
}

function serverName(t: Target): string {
  return `${t.dialect === 'postgres' ? 'PostgreSQL' : t.dialect === 'mariadb' ? 'MariaDB' : 'MySQL'} ${t.version}`;
}

const ALGORITHMS = new Set(['INSTANT', 'NOCOPY', 'INPLACE', 'COPY', 'DEFAULT']);
const LOCKS = new Set(['NONE', 'SHARED', 'EXCLUSIVE', 'DEFAULT']);

function mysqlClauses(p: ParsedStatement): { mysql?: MysqlClauses } {
  const algorithm = p.algorithm && ALGORITHMS.has(p.algorithm) ? (p.algorithm as MysqlAlgorithm | 'DEFAULT') : undefined;
  const lock = p.lock && LOCKS.has(p.lock) ? (p.lock as MysqlClauses['lock']) : undefined;
  if (!algorithm && !lock) return {};
  return { mysql: { ...(algorithm ? { algorithm } : {}), ...(lock ? { lock } : {}) } };
}

/** The planner's operation for a parsed action, or undefined when the rules have none for it. */
function toOperation(
  a: LintAction, p: ParsedStatement, dialect: Dialect, provenNotNull: ReadonlySet<string>, facts: TableFacts | undefined,
  notValidAdded: ReadonlyMap<string, { kind: RuleConstraintKind }>,
): DdlOperation | undefined {
  const clauses = mysqlClauses(p);
  switch (a.kind) {
    case 'add-column':
      return { op: 'add-column', spec: a.spec, ...clauses };
    case 'set-not-null': {
      const proven = provenNotNull.has(`${key(p.table)}.${a.column.toLowerCase()}`)
        || (facts?.constraints ?? []).some((c) => c.kind === 'check' && c.validated && new RegExp(`\\b${escapeRe(a.column)}\\b"?\\s+IS\\s+NOT\\s+NULL`, 'i').test(c.definition));
      return { op: 'set-not-null', column: a.column, ...(proven ? { provenByCheck: true } : {}), ...clauses };
    }
    case 'set-default': {
      const volatile = a.default.kind === 'expression' && defaultVolatility(a.default.sql, dialect) === 'volatile';
      return { op: 'set-default', column: a.column, ...(volatile ? { volatile } : {}), ...clauses };
    }
    case 'add-constraint':
      if (a.constraint === 'exclusion') return undefined;
      return { op: 'add-constraint', kind: a.constraint, notValid: a.notValid, usingIndex: a.usingIndex !== undefined, ...clauses };
    case 'validate-constraint':
      return { op: 'validate-constraint', kind: notValidAdded.get(a.name.toLowerCase())?.kind ?? 'check', ...clauses };
    case 'add-index':
      return { op: 'create-index', concurrent: false, unique: a.unique, ...clauses };
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
      if (now && baseType(now.type) !== baseType(a.type.replace(/ NOT NULL$/, ''))) return { op: 'change-type', column: a.column, ...clauses };
      // MySQL `MODIFY c … NOT NULL` is how MySQL sets NOT NULL.
      if (/ NOT NULL$/.test(a.type)) return { op: 'set-not-null', column: a.column, ...clauses };
      return undefined;
    }
    default:
      return undefined;
  }
}

const TYPE_ALIASES: Readonly<Record<string, string>> = { integer: 'int', bool: 'tinyint', boolean: 'tinyint', dec: 'decimal', numeric: 'decimal', fixed: 'decimal', real: 'double', 'double precision': 'double' };

/** `int(11) unsigned` → `int`: the type's name without parameters or attributes, aliases folded. */
function baseType(type: string): string {
  const t = type.trim().toLowerCase().replace(/\s*\(.*$/, '').replace(/\s+(unsigned|signed|zerofill)\b.*$/, '');
  return TYPE_ALIASES[t] ?? t;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
