import * as l10n from '@vscode/l10n';
/**
 * The planner: a column spec + what is known about the table + the server → a phased plan whose every step carries its
 * SQL, its `down`, its lock impact (from rules.ts) and an estimate (from impact.ts). Pure; the result is frozen plain data.
 *
 * Phases, in order (empty ones are left out):
 *   expand     add the column in its cheapest safe form (brief lock; may run as one transaction on PostgreSQL)
 *   backfill   batched UPDATEs for values the server cannot add instantly (volatile defaults, old versions)
 *   index      online index builds (PostgreSQL CONCURRENTLY, outside any transaction; MySQL INPLACE, LOCK=NONE)
 *   constrain  NOT NULL / CHECK / FOREIGN KEY / UNIQUE the safe way (NOT VALID, then VALIDATE on its own)
 */
import { MYSQL_INTEGER_TYPE } from './dialects/mysql';
import { fnv1a } from './hash';
import { capabilities, DEFAULT_LOCK_TIMEOUT_MS, defaultVolatility, lockTimeoutSql, type Capabilities } from './dialects/index';
import { checkedExpression, renderColumnDefinition, renderDefault, validateColumn } from './columnSpec';
import { formatSeconds } from './format';
import type { ReportedCode } from './findings';
import {
  DEFAULT_CALIBRATION,
  estimateStep,
  addSeconds,
  firstScanExtraSeconds,
  isTextKey,
  isVariableWidth,
  keyBytesOf,
  valueBytesOf,
  workKind,
  type WorkKind,
  type WorkOptions,
} from './impact';
import { storageFindings } from './storage';
import { impactOf, instantAddProblem, onlineAddProblem, type DdlOperation, type Impact } from './rules';
import { noopSql, qualifiedTable, quoteIdent, quoteLiteral, SqlTextError, utf8Length } from './sql';
import type {
  BackfillSpec,
  Calibration,
  ColumnSpec,
  Finding,
  OnlineCopyTool,
  Phase,
  PhaseKind,
  Plan,
  Step,
  StepDone,
  TableFacts,
  Target,
} from './types';
import { standbyReplayFinding } from './replicas';

export interface PlanOptions {
  /** Lock timeout set before every DDL step, in milliseconds (default 2000). */
  readonly lockTimeoutMs?: number;
  /** Measured throughputs; DEFAULT_CALIBRATION when absent. */
  readonly calibration?: Calibration;
  /** PostgreSQL hot standbys / MySQL replicas exist even if `facts.replication` does not say so. */
  readonly standbys?: boolean;
  /** Rows per backfill batch (default 1000). */
  readonly batchSize?: number;
  /**
   * MySQL/MariaDB: an online schema-change tool installed where the plan runs (the runner). A change that otherwise needs a
   * batched UPDATE of every row and then a table rebuild is planned as one copy by the tool (see `onlineCopyMysql`).
   */
  readonly onlineCopyTool?: OnlineCopyTool;
  /**
   * MySQL/MariaDB, planned from the server: Column Wizard's own online copy (src/db/mysql/ownCopy.ts) may do that copy,
   * with `version` this build's; `refused` is why the server says it cannot for this table (its own triggers, a Galera
   * node …). Preferred to `onlineCopyTool` where the table allows it (ownCopyRefusal below), since it copies with
   * OWN_COPIERS connections at once.
   */
  readonly ownCopy?: { readonly version: string; readonly refused?: string };
}

/**
 * Connections Column Wizard's own copy copies with (src/db/mysql/ownCopy.ts). Two: on a 2-core machine a prototype's two
 * copiers took ×0.54–0.89 of pt-online-schema-change's time with a writer's p99 at 26–36 ms, one copier the same time as
 * the tool (5 pairs each, MariaDB 10.11, 1,000,000 rows).
 */
export const OWN_COPIERS = 2;

export { DEFAULT_LOCK_TIMEOUT_MS };
export const DEFAULT_BATCH_SIZE = 1000;
/** Above this size a step that blocks writes while copying is better done with an online schema-change tool. */
export const ONLINE_TOOL_THRESHOLD_BYTES = 1024 * 1024 * 1024;
/** A step longer than this on a server with replicas is reported as replica lag. */
export const REPLICA_LAG_WARN_SECONDS = 1;

/** A phase's title, in the language @vscode/l10n is configured with (read when the plan is built, not at import). */
function phaseTitle(kind: PhaseKind): string {
  switch (kind) {
    case 'expand':
      return l10n.t('Expand: add the column');
    case 'backfill':
      return l10n.t('Backfill existing rows in batches');
    case 'index':
      return l10n.t('Build indexes online');
    case 'constrain':
      return l10n.t('Enforce constraints without long locks');
    case 'cutover':
      return l10n.t('Cut over');
    case 'contract':
      return l10n.t('Contract');
  }
}

interface StepOptions {
  readonly down: string;
  /** What the step does, in words; the rule's explanation is appended. */
  readonly what: string;
  readonly work?: WorkOptions;
  readonly unavoidable?: string;
  readonly fallbackSql?: string;
  readonly session?: Step['session'];
  readonly backfill?: BackfillSpec;
  readonly ddl?: boolean;
  /** Use this impact instead of asking the rules (when the SQL forces an algorithm the rules did not pick). */
  readonly impact?: Impact;
  /** The index or constraint the step creates or drops (for `Step.done`). */
  readonly object?: string;
  readonly onlineCopy?: Step['onlineCopy'];
  /** The value the step computes per row (an online copy's DEFAULT): its volatile functions' cost is estimated per row. */
  readonly valueSql?: string;
}

/** What the catalog shows once a step has been applied, from its operation (`Step.done`). */
function doneOf(op: DdlOperation, object: string | undefined): StepDone | undefined {
  switch (op.op) {
    case 'add-column':
      return { kind: 'column', column: op.spec.name };
    case 'set-not-null':
      return { kind: 'not-null', column: op.column };
    case 'create-index':
      return object ? { kind: 'index', name: object } : undefined;
    case 'add-constraint':
      return object ? { kind: 'constraint', name: object } : undefined;
    case 'drop-constraint':
      return object ? { kind: 'no-constraint', name: object } : undefined;
    default:
      return undefined;
  }
}

/** Kinds of work that read every heap page (the first one after a PostgreSQL backfill sets the new rows' hint bits). */
const SCANS: ReadonlySet<WorkKind> = new Set<WorkKind>(['scan', 'validate', 'validate-fk', 'rewrite', 'index', 'concurrent-index']);

class Builder {
  readonly phases = new Map<PhaseKind, Step[]>();
  readonly warnings: Finding[] = [];
  readonly caps: Capabilities;
  readonly pg: boolean;
  readonly table: string;
  readonly col: string;
  private readonly timeoutSql: string;
  private readonly timeoutLabel: string;

  /** The table as each step finds it: heap and index bytes, and the indexes a write must maintain (earlier steps change them). */
  private heap: number;
  private indexBytes: number;
  private indexCount: number;
  /** The new column is NULL in every row so far (added without a value, not yet backfilled). */
  columnEmpty = false;
  /**
   * PostgreSQL: the new column holds the same value in every row so far (added with a constant default, which PostgreSQL
   * 11+ stores once in the catalog instead of rewriting the table), so an index on it has one key.
   */
  columnOneValue = false;
  /** The heap bytes each step's estimate assumed (steps are added in another order than they run). */
  private readonly heapAt = new WeakMap<Step, number>();
  /** PlanOptions.onlineCopyTool. */
  onlineCopyTool: OnlineCopyTool | undefined;
  /** PlanOptions.ownCopy. */
  ownCopy: PlanOptions['ownCopy'];

  constructor(
    readonly spec: ColumnSpec,
    readonly facts: TableFacts,
    readonly target: Target,
    readonly cal: Calibration,
    lockTimeoutMs: number,
    readonly batchSize: number,
  ) {
    this.heap = Math.max(0, facts.bytes);
    this.indexBytes = Math.max(0, facts.indexBytes ?? 0);
    this.indexCount = facts.indexes?.length ?? 1;
    this.caps = capabilities(target);
    this.pg = target.dialect === 'postgres';
    this.table = qualifiedTable(target.dialect, facts.table);
    this.col = quoteIdent(target.dialect, spec.name);
    this.timeoutSql = lockTimeoutSql(target.dialect, lockTimeoutMs);
    this.timeoutLabel = lockTimeoutMs % 1000 === 0 ? `${lockTimeoutMs / 1000} s` : `${lockTimeoutMs} ms`;
  }

  q(name: string): string {
    return quoteIdent(this.target.dialect, name);
  }

  /**
   * A deterministic object name within the identifier limit: `<table>_<column>_<suffix>`, shortened with a hash when too
   * long, and numbered (`_2`, `_3`…) when the table already has an index or constraint of that name — `IF NOT EXISTS`
   * would otherwise keep the old object and report success.
   */
  name(suffix: string): string {
    const taken = new Set(
      [...(this.facts.indexes ?? []).map((i) => i.name), ...(this.facts.constraints ?? []).map((c) => c.name)].map((n) =>
        this.pg ? n : n.toLowerCase(),
      ),
    );
    for (let k = 1; ; k++) {
      const candidate = this.fit(k === 1 ? suffix : `${suffix}${k}`);
      if (!taken.has(this.pg ? candidate : candidate.toLowerCase())) return candidate;
    }
  }

  private fit(suffix: string): string {
    const full = `${this.facts.table.name}_${this.spec.name}_${suffix}`;
    const limit = this.caps.identifierMaxLength;
    const len = (s: string) => (this.caps.identifierLengthUnit === 'bytes' ? utf8Length(s) : [...s].length);
    if (len(full) <= limit) return full;
    const tail = `_${fnv1a(full)}_${suffix}`;
    let head = '';
    for (const ch of `${this.facts.table.name}_${this.spec.name}`) {
      if (len(head + ch + tail) > limit) break;
      head += ch;
    }
    return head + tail;
  }

  add(phase: PhaseKind, op: DdlOperation, sql: string, o: StepOptions): void {
    const impact = o.impact ?? impactOf(op, this.target, this.facts);
    const kind: WorkKind = workKind(impact, o.work ?? {});
    const keyBytes = keyBytesOf(this.spec.type.name, this.spec.type.params);
    const newColumnBytes = valueBytesOf(this.spec.type.name, this.spec.type.params);
    const estimate = estimateStep(impact, kind, this.facts, this.cal, keyBytes, {
      heapBytes: this.heap,
      indexBytes: this.indexBytes,
      indexes: this.maintainedIndexes(),
      newColumnBytes,
      textKey: isTextKey(this.spec.type.name),
      // An index on a still-empty column is cheap on PostgreSQL (NULLs sort first, nothing to compare); InnoDB builds it
      // at the cost of a full key (bench/estimates, MariaDB 1M rows: 3.5 s empty vs 3.9–4.1 s for a char(36)/varchar(40) key).
      // One key in every row (a constant default added without a rewrite, e.g. a foreign key's DEFAULT 1) sorts like
      // the empty column: all keys equal, and PostgreSQL 13+'s deduplication writes few index tuples (bench/estimates,
      // fk shape: CONCURRENTLY on 1M / 3M rows 0.53–0.63 s / 1.46–2.32 s, estimated 0.80–0.99 s / 2.52–3.15 s as a key
      // with many values).
      emptyKey: (this.columnEmpty || this.columnOneValue) && this.pg,
      innodbEmptyKey: this.columnEmpty && !this.pg,
      dialect: this.target.dialect,
      ...(o.backfill
        ? {
            valueSql: o.backfill.valueSql,
            indexKeys: this.indexKeys(),
            variableWidth: isVariableWidth(this.spec.type.name),
            constantKey: !this.pg && ['immutable', 'stable'].includes(defaultVolatility(o.backfill.valueSql, this.target.dialect)),
          }
        : {}),
      ...(o.valueSql ? { valueSql: o.valueSql } : {}),
    });
    const storage = this.grow(kind, keyBytes, newColumnBytes);
    const done = doneOf(op, o.object);
    const step: Step = {
      sql,
      down: o.down,
      lock: impact.lock,
      ...(impact.algorithm ? { algorithm: impact.algorithm } : {}),
      blocks: { reads: impact.blocks.reads, writes: impact.blocks.writes },
      rewrite: impact.rewrite,
      estimate,
      ...(storage ? { storage } : {}),
      why: `${impact.referencedLock ? l10n.t('{0}: {1} (also {2} on the referenced table).', o.what, impact.why, impact.referencedLock) : l10n.t('{0}: {1}.', o.what, impact.why)}${queued(this.facts, impact, estimate.lockSeconds)}${o.ddl === false ? '' : this.queueNote(impact)}`,
      ...(o.ddl === false ? {} : { lockTimeoutSql: this.timeoutSql }),
      ...(o.backfill ? { backfill: o.backfill } : {}),
      ...(o.unavoidable ? { unavoidable: o.unavoidable } : {}),
      ...(o.fallbackSql ? { fallbackSql: o.fallbackSql } : {}),
      ...(o.session ? { session: o.session } : {}),
      ...(done ? { done } : {}),
      ...(o.onlineCopy ? { onlineCopy: o.onlineCopy } : {}),
    };
    this.heapAt.set(step, this.heap);
    const list = this.phases.get(phase) ?? [];
    list.push(step);
    this.phases.set(phase, list);
  }

  /**
   * How the step changes the table's size, for the steps after it and for the storage prediction. PostgreSQL's UPDATE
   * writes a new version of every row (the old ones stay until VACUUM), and each index gets a new entry per row;
   * MySQL/MariaDB update in place (pages split as rows widen); rebuilds and copies compact the table but need free
   * space for a whole copy while they run.
   */
  private grow(kind: WorkKind, keyBytes: number, newColumnBytes: number): Step['storage'] | undefined {
    const rows = Math.max(0, this.facts.rows);
    const before = { heap: this.heap, index: this.indexBytes };
    const live = () => Math.max(0, this.facts.bytes) + rows * newColumnBytes;
    let tempBytes = 0;
    switch (kind) {
      case 'backfill':
        if (this.pg) {
          this.heap += this.facts.bytes + rows * newColumnBytes;
          this.indexBytes += Math.max(0, this.facts.indexBytes ?? 0) * 0.8;
        } else {
          this.heap += rows * newColumnBytes * 1.5;
        }
        break;
      case 'index':
      case 'concurrent-index':
        this.indexBytes += (rows * (keyBytes + (this.pg ? 12 : 14))) / 0.9;
        this.indexCount++;
        tempBytes = rows * (keyBytes + 16);
        break;
      case 'rewrite':
      case 'copy':
      case 'online-copy':
      case 'own-copy':
        tempBytes = live() + this.indexBytes;
        this.heap = live();
        break;
      default:
        return undefined;
    }
    if (rows === 0) return undefined;
    return {
      tableBytes: Math.round(this.heap),
      indexBytes: Math.round(this.indexBytes),
      growthBytes: Math.round(this.heap + this.indexBytes - before.heap - before.index),
      ...(tempBytes > 0 ? { tempBytes: Math.round(tempBytes) } : {}),
    };
  }

  /**
   * The indexes a backfill must update per row besides the primary key: on PostgreSQL every index (an UPDATE that is not
   * HOT adds an entry to each); on MySQL/MariaDB only those on the new column, built by this plan before the backfill.
   */
  private maintainedIndexes(): number {
    const primary = (this.facts.indexes ?? []).some((i) => i.primary) || (this.facts.primaryKey?.length ?? 0) > 0 ? 1 : 0;
    return this.pg ? Math.max(0, this.indexCount - primary) : this.indexCount - (this.facts.indexes?.length ?? 1);
  }

  /** Distinct keys of the table's own secondary indexes whose statistics are known (PostgreSQL; see maintainedIndexes). */
  private indexKeys(): number[] {
    if (!this.pg) return [];
    const rows = Math.max(1, this.facts.rows);
    return (this.facts.indexes ?? []).filter((i) => !i.primary && i.rowsPerKey !== undefined).map((i) => Math.max(1, rows / i.rowsPerKey!));
  }

  /** While a DDL statement waits for its lock, queries that conflict with it queue behind it: bounded by the lock timeout. */
  private queueNote(impact: Impact): string {
    const conflictsWithDml = this.pg ? ['ACCESS EXCLUSIVE', 'EXCLUSIVE', 'SHARE ROW EXCLUSIVE', 'SHARE'].includes(impact.lock) : true;
    if (!conflictsWithDml) return '';
    const note = this.pg
      ? impact.lock === 'ACCESS EXCLUSIVE'
        ? l10n.t(
            'While it waits for its lock, every query on the table queue behind it — for at most the lock timeout ({0}).',
            this.timeoutLabel,
          )
        : l10n.t(
            'While it waits for its lock, writes to the table queue behind it — for at most the lock timeout ({0}).',
            this.timeoutLabel,
          )
      : l10n.t(
          'While it waits for its lock, queries on the table (metadata lock) queue behind it — for at most the lock timeout ({0}).',
          this.timeoutLabel,
        );
    return ` ${note}`;
  }

  warn(code: ReportedCode, severity: Finding['severity'], message: string, fix?: string): void {
    this.warnings.push({ code, severity, message, ...(fix ? { fix } : {}) });
  }

  backfillStep(valueSql: string): void {
    const key = this.facts.primaryKey && this.facts.primaryKey.length > 0 ? this.facts.primaryKey : this.pg ? ['ctid'] : [];
    const n = this.batchSize;
    let sql: string;
    if (this.pg) {
      const k = key.map((c) => (c === 'ctid' && !this.facts.primaryKey?.length ? 'ctid' : this.q(c)));
      const tuple = k.length === 1 ? k[0]! : `(${k.join(', ')})`;
      sql = `UPDATE ${this.table} SET ${this.col} = ${valueSql} WHERE ${tuple} IN (SELECT ${k.join(', ')} FROM ${this.table} WHERE ${this.col} IS NULL LIMIT ${n})`;
    } else {
      const order = key.length ? ` ORDER BY ${key.map((c) => this.q(c)).join(', ')}` : '';
      sql = `UPDATE ${this.table} SET ${this.col} = ${valueSql} WHERE ${this.col} IS NULL${order} LIMIT ${n}`;
    }
    this.add('backfill', { op: 'backfill' }, sql, {
      down: noopSql("the backfilled values go away with the column (the expand step's down)"),
      what: l10n.t(
        'Fill existing rows with {0}, {1} rows per batch, each batch in its own transaction, repeated until no row is updated',
        valueSql,
        n,
      ),
      work: { backfill: true },
      ddl: false,
      backfill: { table: this.facts.table, column: this.spec.name, valueSql, batchSize: n, ...(key.length ? { key } : {}) },
    });
    this.columnEmpty = false;
    this.columnOneValue = false;
  }

  /**
   * In the order the steps run: the first step after a PostgreSQL backfill that reads the whole heap (a VALIDATE, an
   * index build) also sets the hint bits of every row version the backfill wrote, so it gets that cost on top.
   */
  private chargeFirstScan(phases: Phase[]): void {
    let pending = false;
    for (const phase of phases)
      phase.steps.forEach((step, i) => {
        const kind = step.estimate.kind as WorkKind | undefined;
        if (step.backfill) pending = true;
        else if (pending && kind && SCANS.has(kind)) {
          pending = false;
          const extra = firstScanExtraSeconds(this.heapAt.get(step) ?? this.heap, this.cal);
          (phase.steps as Step[])[i] = { ...step, estimate: addSeconds(step.estimate, extra, step.blocks.reads || step.blocks.writes) };
        }
      });
  }

  build(): Plan {
    const order: PhaseKind[] = ['expand', 'backfill', 'index', 'constrain', 'cutover', 'contract'];
    const phases: Phase[] = [];
    for (const kind of order) {
      const steps = this.phases.get(kind);
      if (!steps || steps.length === 0) continue;
      const transactional = this.caps.transactionalDdl && kind === 'expand' && steps.every((s) => !s.unavoidable && !s.rewrite);
      phases.push({ kind, title: phaseTitle(kind), transactional, steps });
    }
    if (this.pg) this.chargeFirstScan(phases);
    return {
      dialect: this.target.dialect,
      serverVersion: this.target.version,
      table: { schema: this.facts.table.schema, name: this.facts.table.name, rows: this.facts.rows, bytes: this.facts.bytes },
      column: this.spec,
      phases,
      warnings: this.warnings,
      rollout: rollout(phases, this.spec),
    };
  }
}

/** With a sampled write rate: how many writes wait behind a step that blocks them. */
function queued(facts: TableFacts, impact: Impact, lockSeconds: number): string {
  const wps = facts.writesPerSecond;
  if (!wps || !(impact.blocks.writes || impact.blocks.reads)) return '';
  return (
    ' ' +
    l10n.t(
      'About {0} writes (at {1}/s) wait behind it while it holds the lock.',
      Math.max(1, Math.round(wps * lockSeconds)),
      Math.round(wps),
    )
  );
}

/** What each rollout checklist step is about, so the application side can tick the steps whose places in the code are done. */
export type RolloutStepKind = 'tolerate' | 'expand' | 'write' | 'server-fills' | 'backfill' | 'index' | 'constrain' | 'read' | 'contract';

/** The rollout checklist (`Plan.rollout` is its texts), each step with its kind. */
export function rolloutSteps(phases: readonly Phase[], spec: ColumnSpec): { readonly kind: RolloutStepKind; readonly text: string }[] {
  const has = (k: PhaseKind) => phases.some((p) => p.kind === k);
  const serverFilled = Boolean(spec.generated) || Boolean(spec.autoIncrement);
  const out: { kind: RolloutStepKind; text: string }[] = [
    {
      kind: 'tolerate',
      text: l10n.t(
        'Ship application code that tolerates the new column: INSERTs name their columns, nothing breaks on an extra column (no SELECT * into fixed shapes).',
      ),
    },
    { kind: 'expand', text: l10n.t('Run the expand phase.') },
    serverFilled
      ? {
          kind: 'server-fills',
          text: spec.generated
            ? l10n.t('The server fills the column (generated): the application never writes it.')
            : l10n.t(
                'The server fills the column (auto-increment): the application never writes it (it must not insert explicit values that collide with the sequence).',
              ),
        }
      : {
          kind: 'write',
          text: l10n.t('Ship code that writes the new column on every INSERT and UPDATE, alongside whatever it replaces (write both).'),
        },
  ];
  if (has('backfill')) out.push({ kind: 'backfill', text: l10n.t('Run the backfill phase; it is resumable and can be throttled.') });
  if (has('index'))
    out.push({ kind: 'index', text: l10n.t('Run the index phase (outside any transaction) and check that the indexes are valid.') });
  if (has('constrain'))
    out.push({
      kind: 'constrain',
      text: l10n.t('Run the constrain phase once every row has its value; each step in its own transaction.'),
    });
  out.push({ kind: 'read', text: l10n.t('Ship code that reads the new column.') });
  out.push({ kind: 'contract', text: l10n.t('Contract: remove the code paths (and any old column) the new column replaces.') });
  return out;
}

function rollout(phases: readonly Phase[], spec: ColumnSpec): string[] {
  return rolloutSteps(phases, spec).map((s) => s.text);
}

/** The default as a value expression for a backfill UPDATE. */
function valueOf(b: Builder): string {
  return renderDefault(b.target.dialect, b.spec.default) ?? 'NULL';
}

function planPostgres(b: Builder): void {
  const { spec, caps, table, col, facts } = b;
  const rows = facts.rows;
  const d = spec.default;
  const isNullDefault = d.kind === 'literal' && d.value.toUpperCase() === 'NULL';
  const volatility = d.kind === 'expression' ? defaultVolatility(d.sql, 'postgres') : 'immutable';
  const hasValue = d.kind !== 'none' && !isNullDefault;
  const serial = /^(small|big)?serial[248]?$/.test(spec.type.name);
  const dropColumn = `ALTER TABLE ${table} DROP COLUMN IF EXISTS ${col}`;
  const constraintsOmitted = ['unique', 'check', 'references'] as const;

  if (spec.generated?.stored || spec.autoIncrement || serial) {
    const sql = `ALTER TABLE ${table} ADD COLUMN ${renderColumnDefinition('postgres', spec, { omit: constraintsOmitted })}`;
    const reason = spec.generated?.stored
      ? `a stored generated column must be computed for every existing row, which PostgreSQL does only by rewriting the table under ACCESS EXCLUSIVE${caps.virtualGeneratedColumns ? '; a VIRTUAL generated column (PostgreSQL 18) needs no rewrite' : ''}; the alternative is a plain column filled by a trigger and a batched backfill`
      : 'an identity/serial column gives every existing row a value, which PostgreSQL does only by rewriting the table under ACCESS EXCLUSIVE; the alternative is a plain bigint column with a sequence default, filled by a batched backfill';
    b.add('expand', { op: 'add-column', spec }, sql, {
      down: dropColumn,
      what: l10n.t('Add the column'),
      unavoidable: rows !== 0 ? reason : undefined,
    });
  } else {
    const fast = !hasValue || (caps.fastDefault && (d.kind === 'literal' || volatility === 'immutable' || volatility === 'stable'));
    const notNullInline = !spec.nullable && ((hasValue && fast) || (!hasValue && rows === 0));
    const omit: Array<'default' | 'notNull' | 'unique' | 'check' | 'references'> = [...constraintsOmitted];
    if (!fast) omit.push('default');
    if (!notNullInline) omit.push('notNull');
    const addSpec: ColumnSpec = {
      ...spec,
      nullable: !notNullInline,
      default: fast ? d : { kind: 'none' },
      unique: false,
      check: undefined,
      references: undefined,
    };
    b.add(
      'expand',
      { op: 'add-column', spec: addSpec },
      `ALTER TABLE ${table} ADD COLUMN ${renderColumnDefinition('postgres', spec, { omit })}`,
      {
        down: dropColumn,
        what: fast ? l10n.t('Add the column') : l10n.t('Add the column without its default, so existing rows are not rewritten'),
      },
    );
    b.columnEmpty = !hasValue || !fast;
    b.columnOneValue = hasValue && fast;
    if (!fast) {
      const value = valueOf(b);
      b.add(
        'expand',
        { op: 'set-default', column: spec.name, volatile: volatility !== 'immutable' },
        `ALTER TABLE ${table} ALTER COLUMN ${col} SET DEFAULT ${value}`,
        {
          down: `ALTER TABLE ${table} ALTER COLUMN ${col} DROP DEFAULT`,
          what: l10n.t('Set the default for new rows only'),
        },
      );
      b.backfillStep(value);
      if (!caps.fastDefault && hasValue)
        b.warn(
          'no-fast-default',
          'info',
          l10n.t(
            'PostgreSQL {0} (before 11) rewrites the table for any DEFAULT on ADD COLUMN, so the default is set separately and existing rows are backfilled.',
            b.target.version,
          ),
        );
    }
    if (!spec.nullable && !notNullInline) {
      if (!hasValue) notNullNeedsValues(b);
      notNullPath(b, hasValue);
    }
  }

  if (spec.comment !== undefined) {
    b.add(
      'expand',
      { op: 'comment', column: spec.name },
      `COMMENT ON COLUMN ${table}.${col} IS ${quoteLiteral('postgres', spec.comment)}`,
      {
        down: `COMMENT ON COLUMN ${table}.${col} IS NULL`,
        what: l10n.t('Describe the column'),
      },
    );
  }

  // Indexes: named, CONCURRENTLY, IF NOT EXISTS, each on its own outside a transaction.
  const wantsIndex = spec.unique || spec.index || spec.references;
  if (wantsIndex) {
    const unique = Boolean(spec.unique);
    const name = b.name(unique ? 'key' : 'idx');
    b.add(
      'index',
      { op: 'create-index', concurrent: true, unique },
      `CREATE ${unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY IF NOT EXISTS ${b.q(name)} ON ${table} (${col})`,
      {
        object: name,
        down: `DROP INDEX CONCURRENTLY IF EXISTS ${qualifiedIndex(b, name)}`,
        what: unique
          ? l10n.t('Build the unique index without blocking writes; if it fails, drop the INVALID index and run it again')
          : spec.references && !spec.index
            ? l10n.t(
                'Build an index on the referencing column (for deletes of referenced rows) without blocking writes; if it fails, drop the INVALID index and run it again',
              )
            : l10n.t('Build the index without blocking writes; if it fails, drop the INVALID index and run it again'),
        work: { index: true, concurrent: true },
      },
    );
    if (facts.partitioned) {
      b.warn(
        'partitioned-index',
        'warning',
        l10n.t(
          'CREATE INDEX CONCURRENTLY cannot run on a partitioned table: create the index ON ONLY the parent table, build the same index CONCURRENTLY on each partition, then ALTER INDEX … ATTACH PARTITION each one (the parent index becomes valid when all are attached).',
        ),
      );
    }
    if (caps.cicCorruptionRisk) {
      b.warn(
        'cic-corruption-14',
        'error',
        l10n.t(
          'PostgreSQL {0} (14.0–14.3) can silently corrupt indexes built with CREATE INDEX CONCURRENTLY. Upgrade to 14.4 or later before running this plan; if you cannot, build the index without CONCURRENTLY in a maintenance window (it blocks writes).',
          b.target.version,
        ),
        l10n.t('upgrade to PostgreSQL 14.4+'),
      );
    }
    if (unique) {
      b.add(
        'constrain',
        { op: 'add-constraint', kind: 'unique', notValid: false, usingIndex: true },
        `ALTER TABLE ${table} ADD CONSTRAINT ${b.q(name)} UNIQUE USING INDEX ${b.q(name)}`,
        {
          object: name,
          down: `ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${b.q(name)}`,
          what: l10n.t('Attach the unique index as a UNIQUE constraint'),
        },
      );
    }
  }
  if (spec.check) {
    const name = b.name('check');
    const expr = checkedExpression('postgres', 'CHECK', spec.check);
    addNotValidThenValidate(b, 'check', name, `CHECK (${expr})`, l10n.t('Add the CHECK for new rows only'), 'check');
  }
  if (spec.references) {
    const r = spec.references;
    const name = b.name('fkey');
    const ref = `${r.schema ? `${b.q(r.schema)}.` : ''}${b.q(r.table)} (${b.q(r.column)})`;
    addNotValidThenValidate(
      b,
      'foreign',
      name,
      `FOREIGN KEY (${col}) REFERENCES ${ref}${r.onDelete ? ` ON DELETE ${r.onDelete}` : ''}`,
      l10n.t('Add the foreign key for new rows only'),
      'foreign',
    );
    if (facts.partitioned)
      b.warn(
        'fk-partitioned-not-valid',
        'error',
        l10n.t(
          'Foreign keys on partitioned tables cannot be NOT VALID in PostgreSQL: add the constraint on each partition NOT VALID and validate them, then on the parent.',
        ),
      );
  }
}

/**
 * NOT NULL with no value for the rows the table already has: the NOT NULL step can only fail (PostgreSQL: after a NOT VALID
 * check has started refusing every INSERT that leaves the column out; MySQL/MariaDB in a non-strict sql_mode: NULLs turned
 * into zero values). An error, so neither `run` nor the wizard's Run starts it; the fix offers a default for the type.
 */
function notNullNeedsValues(b: Builder): void {
  const value = suggestedDefault(b.target.dialect, b.spec.type.name);
  b.warnings.push({
    code: 'not-null-needs-values',
    severity: 'error',
    field: 'default',
    message:
      (b.facts.rows > 0
        ? l10n.t(
            '{0} is NOT NULL without a DEFAULT, and the table has about {1} rows: the existing rows would have no value, so the NOT NULL step cannot succeed.',
            b.spec.name,
            b.facts.rows,
          )
        : l10n.t(
            '{0} is NOT NULL without a DEFAULT, and the table has rows (or has no row estimate yet): the existing rows would have no value, so the NOT NULL step cannot succeed.',
            b.spec.name,
          )) +
      ' ' +
      l10n.t('Give a DEFAULT (existing rows get it), or add the column nullable, fill it, and make it NOT NULL in a later change.'),
    fix: value
      ? l10n.t('add DEFAULT {0} (or another value every existing row can take)', value)
      : l10n.t('add a DEFAULT that every existing row can take'),
  });
}

/** A value of the type every existing row can take, for the fix of `not-null-needs-values`; null when there is no obvious one. */
function suggestedDefault(dialect: Target['dialect'], type: string): string | null {
  const t = type.toLowerCase();
  if (/^(small|big|tiny|medium)?int(eger)?[248]?$|^(numeric|decimal|real|float[48]?|double( precision)?|number)$/.test(t)) return '0';
  if (/^(bool|boolean)$/.test(t)) return dialect === 'postgres' ? 'false' : '0';
  if (/^(text|varchar|character varying|char|character|nvarchar|tinytext|mediumtext|longtext|citext)$/.test(t)) return "''";
  if (/^(timestamp|timestamptz|timestamp with(out)? time zone|datetime)$/.test(t)) return 'CURRENT_TIMESTAMP';
  if (/^(jsonb?)$/.test(t)) return dialect === 'postgres' ? `'{}'` : null;
  return null;
}

/**
 * PostgreSQL's two steps for a constraint on a filled table: ADD CONSTRAINT … NOT VALID (checks new rows only, brief
 * lock), then VALIDATE CONSTRAINT in its own transaction (reads the existing rows without blocking writes).
 */
function addNotValidThenValidate(
  b: Builder,
  kind: 'check' | 'foreign' | 'not-null',
  name: string,
  definition: string,
  what: string,
  validate: 'check' | 'foreign' | 'not-null',
  need = false,
): void {
  const { table } = b;
  b.add(
    'constrain',
    { op: 'add-constraint', kind, notValid: true, usingIndex: false },
    `ALTER TABLE ${table} ADD CONSTRAINT ${b.q(name)} ${definition} NOT VALID`,
    {
      object: name,
      down: `ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${b.q(name)}`,
      what,
    },
  );
  b.add('constrain', { op: 'validate-constraint', kind }, `ALTER TABLE ${table} VALIDATE CONSTRAINT ${b.q(name)}`, {
    down: noopSql('validation only'),
    what: need
      ? l10n.t('Check existing rows in a separate transaction (fails while any row is still NULL: fill them first)')
      : l10n.t('Check existing rows in a separate transaction'),
    work: { validate },
  });
}

/** NOT NULL after the rows have values: PG 18 NOT NULL NOT VALID; PG 12–17 CHECK … NOT VALID → VALIDATE → SET NOT NULL → drop the check; PG 11 keeps the check. */
function notNullPath(b: Builder, hasValue: boolean): void {
  const { table, col, caps, spec } = b;
  const name = b.name('not_null');
  const need = !hasValue;
  if (caps.notNullNotValid) {
    addNotValidThenValidate(b, 'not-null', name, `NOT NULL ${col}`, l10n.t('Declare NOT NULL for new rows only'), 'not-null', need);
    return;
  }
  const expr = `${col} IS NOT NULL`;
  addNotValidThenValidate(
    b,
    'check',
    name,
    `CHECK (${expr})`,
    l10n.t('Add CHECK (column IS NOT NULL) for new rows only'),
    'not-null',
    need,
  );
  if (!caps.setNotNullUsesCheck) {
    b.warn(
      'not-null-kept-as-check',
      'warning',
      l10n.t(
        "PostgreSQL {0} (before 12) cannot use the CHECK to skip SET NOT NULL's scan, so the plan keeps the validated CHECK ({1} IS NOT NULL) instead of a NOT NULL attribute. It enforces the same rule.",
        b.target.version,
        spec.name,
      ),
    );
    return;
  }
  b.add(
    'constrain',
    { op: 'set-not-null', column: spec.name, provenByCheck: true },
    `ALTER TABLE ${table} ALTER COLUMN ${col} SET NOT NULL`,
    {
      down: `ALTER TABLE ${table} ALTER COLUMN ${col} DROP NOT NULL`,
      what: l10n.t('Make the column NOT NULL'),
    },
  );
  b.add('constrain', { op: 'drop-constraint', kind: 'check' }, `ALTER TABLE ${table} DROP CONSTRAINT ${b.q(name)}`, {
    object: name,
    down: `ALTER TABLE ${table} ADD CONSTRAINT ${b.q(name)} CHECK (${expr}) NOT VALID`,
    what: l10n.t('Drop the now redundant CHECK'),
  });
}

function qualifiedIndex(b: Builder, name: string): string {
  return b.facts.table.schema ? `${b.q(b.facts.table.schema)}.${b.q(name)}` : b.q(name);
}

function planMysql(b: Builder): void {
  const { spec, table, col, facts, target } = b;
  const d = target.dialect;
  const maria = d === 'mariadb';
  const rows = facts.rows;
  const def = spec.default;
  const isNullDefault = def.kind === 'literal' && def.value.toUpperCase() === 'NULL';
  const hasValue = def.kind !== 'none' && !isNullDefault;
  const volatility = def.kind === 'expression' ? defaultVolatility(def.sql, d) : 'immutable';
  const currentTimestamp = def.kind === 'expression' && /^current_timestamp(\(\d*\))?$/i.test(def.sql.trim());
  // No ALGORITHM clause: the server picks INSTANT when it can (not when the drop also removes an index, e.g. AUTO_INCREMENT's key).
  const dropColumn = `ALTER TABLE ${table} DROP COLUMN ${col}`;

  // Forced shapes that cannot be made online: AUTO_INCREMENT, STORED generated.
  if (spec.autoIncrement || spec.generated?.stored) {
    const online = onlineAddProblem(spec, target, facts)!;
    // MySQL requires an AUTO_INCREMENT column to be indexed (error 1075 otherwise, probed on MariaDB 10.11), so its one key is
    // added in the same statement: the UNIQUE key when one is asked for (or nothing is), else the plain index asked for.
    const plainIndex = spec.index === true && !spec.unique;
    const key = b.name(plainIndex ? 'idx' : 'key');
    const keyClause = spec.autoIncrement ? `, ADD ${plainIndex ? 'INDEX' : 'UNIQUE KEY'} ${b.q(key)} (${col})` : '';
    const sql = `ALTER TABLE ${table} ADD COLUMN ${renderColumnDefinition(d, spec, { omit: ['check', 'references', 'unique'] })}${keyClause}, ALGORITHM=${online.algorithm}, LOCK=${online.lock}`;
    b.add('expand', { op: 'add-column', spec, mysql: { algorithm: online.algorithm, lock: online.lock } }, sql, {
      down: dropColumn,
      what: l10n.t('Add the column'),
      unavoidable:
        rows !== 0
          ? `${online.reason}; ${maria ? 'MariaDB' : 'MySQL'} has no online way to give existing rows these values. For a large table use an online schema-change tool (gh-ost, pt-online-schema-change), or ${spec.autoIncrement ? 'a plain column filled by a batched backfill' : 'a VIRTUAL generated column (added instantly)'}`
          : undefined,
    });
    indexMysql(b, { keyInline: spec.autoIncrement === true });
    checkMysql(b);
    if (spec.references && !nonInnodb(b)) foreignKeyCopyMysql(b);
    return;
  }

  // Volatile or expression defaults that cannot be added in place: add nullable, set the default, backfill.
  const expressionNeedsBackfill =
    def.kind === 'expression' && (maria ? volatility === 'volatile' || volatility === 'unknown' : !currentTimestamp);
  // A foreign key is added while the column is all NULL (so skipping the row check is sound), hence before any value.
  const fkFirst = Boolean(spec.references) && hasValue;
  if (expressionNeedsBackfill && onlineCopyFits(b)) {
    const refused = b.ownCopy ? ownCopyRefusal(b) : undefined;
    const tool: OnlineCopyTool | undefined =
      b.ownCopy && !refused ? { name: 'column-wizard', version: b.ownCopy.version } : b.onlineCopyTool;
    if (tool) {
      onlineCopyMysql(b, tool, renderDefault(d, def)!, refused);
      return;
    }
    if (refused)
      b.warn(
        'online-copy',
        'info',
        l10n.t(
          "Strategy: ADD COLUMN, a batched UPDATE of every row and an online rebuild for NOT NULL. Column Wizard's own online copy, which would do it in one pass, cannot copy this table: {0}.",
          refused,
        ),
      );
  }
  const separateDefault = expressionNeedsBackfill || fkFirst;
  // A generated column has its values from the start: NOT NULL goes in the ADD itself (MySQL; MariaDB refuses it, see validation).
  const notNullInline = !spec.nullable && (Boolean(spec.generated) || (hasValue && !separateDefault) || (!hasValue && rows === 0));
  const omit: Array<'default' | 'notNull' | 'check' | 'references' | 'unique'> = ['check', 'references', 'unique'];
  if (separateDefault) omit.push('default');
  if (!notNullInline) omit.push('notNull');
  const addSpec: ColumnSpec = {
    ...spec,
    nullable: !notNullInline,
    default: separateDefault ? { kind: 'none' } : def,
    unique: false,
    check: undefined,
    references: undefined,
  };
  const definition = renderColumnDefinition(d, spec, { omit });
  const instantWhy = instantAddProblem(addSpec, target, facts);
  const online = onlineAddProblem(addSpec, target, facts);
  const base = `ALTER TABLE ${table} ADD COLUMN ${definition}`;
  const inplaceSql = `${base}, ALGORITHM=INPLACE, LOCK=NONE`;
  if (instantWhy === null) {
    b.add('expand', { op: 'add-column', spec: addSpec, mysql: { algorithm: 'INSTANT' } }, `${base}, ALGORITHM=INSTANT`, {
      down: dropColumn,
      what: l10n.t('Add the column'),
      fallbackSql: online === null ? inplaceSql : undefined,
    });
    if (b.caps.instantBackupRisk)
      b.warn(
        'instant-backup-risk',
        'warning',
        l10n.t(
          'MySQL {0}: tables with instantly added columns hit backup (xtrabackup) and stability bugs fixed in 8.0.32. Upgrade, or plan a rebuild (OPTIMIZE TABLE) after the change.',
          target.version,
        ),
      );
    if (maria && def.kind === 'expression' && !separateDefault)
      b.warn(
        'instant-default-once',
        'info',
        l10n.t('MariaDB evaluates DEFAULT {0} once for the instant ADD COLUMN: every existing row gets the same value.', def.sql),
      );
  } else if (online === null) {
    b.add('expand', { op: 'add-column', spec: addSpec, mysql: { algorithm: 'INPLACE', lock: 'NONE' } }, inplaceSql, {
      down: dropColumn,
      what: l10n.t('Add the column (not INSTANT: {0})', instantWhy),
    });
  } else {
    b.add(
      'expand',
      { op: 'add-column', spec: addSpec, mysql: { algorithm: online.algorithm, lock: online.lock } },
      `${base}, ALGORITHM=${online.algorithm}, LOCK=${online.lock}`,
      {
        down: dropColumn,
        what: l10n.t('Add the column (not INSTANT: {0})', instantWhy),
        unavoidable:
          rows !== 0
            ? `${online.reason}; no online form exists on ${maria ? 'MariaDB' : 'MySQL'} for this table. For a large table use an online schema-change tool (gh-ost, pt-online-schema-change)`
            : undefined,
      },
    );
  }

  b.columnEmpty = !hasValue || separateDefault;
  // Non-InnoDB engines ignore foreign keys (validation reports it): no steps for one.
  if (spec.references && !nonInnodb(b)) foreignKeyMysql(b);

  if (separateDefault && hasValue) {
    const value = renderDefault(d, def)!;
    const setClause = b.caps.instantAddColumn ? 'ALGORITHM=INSTANT' : 'ALGORITHM=INPLACE, LOCK=NONE';
    b.add(
      'expand',
      { op: 'set-default', column: spec.name, volatile: volatility !== 'immutable' },
      `ALTER TABLE ${table} ALTER COLUMN ${col} SET DEFAULT ${value}, ${setClause}`,
      {
        down: `ALTER TABLE ${table} ALTER COLUMN ${col} DROP DEFAULT, ${setClause}`,
        what: l10n.t('Set the default for new rows only'),
        fallbackSql: b.caps.instantAddColumn
          ? `ALTER TABLE ${table} ALTER COLUMN ${col} SET DEFAULT ${value}, ALGORITHM=INPLACE, LOCK=NONE`
          : undefined,
      },
    );
    b.backfillStep(value.startsWith('(') ? value.slice(1, -1).trim() : value);
  }
  indexMysql(b, { keyInline: false });
  if (!spec.nullable && !notNullInline) {
    if (!hasValue) notNullNeedsValues(b);
    const modifySpec: ColumnSpec = { ...spec, nullable: false };
    const modify = renderColumnDefinition(d, modifySpec, { omit: ['check', 'references', 'unique', 'position'] });
    const back = renderColumnDefinition(d, { ...spec, nullable: true }, { omit: ['check', 'references', 'unique', 'position'] });
    const op: DdlOperation = { op: 'set-not-null', column: spec.name };
    const impact = impactOf(op, target, facts);
    const clause = impact.algorithm === 'COPY' ? 'ALGORITHM=COPY, LOCK=SHARED' : 'ALGORITHM=INPLACE, LOCK=NONE';
    b.add('constrain', op, `ALTER TABLE ${table} MODIFY COLUMN ${modify}, ${clause}`, {
      down: `ALTER TABLE ${table} MODIFY COLUMN ${back}, ${nonInnodb(b) ? 'ALGORITHM=COPY, LOCK=SHARED' : 'ALGORITHM=INPLACE, LOCK=NONE'}`,
      what: l10n.t('Make the column NOT NULL (needs a strict sql_mode, or NULLs silently become zero values)'),
      impact,
      unavoidable:
        impact.algorithm === 'COPY' && rows !== 0
          ? `${impact.why}; there is no online form. Keep the column nullable and enforce the rule in the application, or use an online schema-change tool`
          : undefined,
    });
  }
  checkMysql(b);
}

/**
 * The change the online copy takes over: a NOT NULL column whose per-row default has to be filled into existing rows of an
 * InnoDB table with a primary key, and nothing else (no key, foreign key or CHECK, which have their own steps).
 */
function onlineCopyFits(b: Builder): boolean {
  const { spec, facts } = b;
  return (
    !spec.nullable &&
    !spec.unique &&
    !spec.index &&
    !spec.check &&
    !spec.references &&
    !spec.generated &&
    facts.rows !== 0 &&
    (facts.primaryKey?.length ?? 0) > 0 &&
    !nonInnodb(b)
  );
}

/**
 * Why Column Wizard's own online copy cannot copy the table (facts the planner has; the server's refusal, `ownCopy.refused`,
 * for what only the server knows), or undefined when it can. The run checks all of it again on the server (ownCopyRefusal in
 * src/db/mysql/ownCopy.ts).
 */
function ownCopyRefusal(b: Builder): string | undefined {
  const { facts } = b;
  if (b.ownCopy?.refused) return b.ownCopy.refused;
  const key = facts.primaryKey ?? [];
  const keyType = facts.columns?.find((c) => c.name === key[0])?.type;
  if (key.length !== 1 || (keyType !== undefined && !MYSQL_INTEGER_TYPE.test(keyType)))
    return l10n.t('its primary key is not one integer column');
  if (facts.foreignKeysIn?.length || facts.foreignKeysOut?.length)
    return l10n.t('foreign keys refer to the table or from it (a swap by RENAME would leave them on the old table)');
  if (facts.partitioned) return l10n.t('the table is partitioned');
  if (facts.replication?.replicas.length)
    return l10n.t('replicas follow this server, and the own copy does not find replicas by itself to wait for their lag');
  if (facts.table.name.length > 52) return l10n.t("the table's name is longer than 52 characters (no room for the copy's names)");
  return undefined;
}

/**
 * MySQL/MariaDB: the column with its per-row default added by one copy of the table by an online schema-change tool,
 * instead of ADD COLUMN, a batched UPDATE of every row and the online rebuild for NOT NULL, which pass over the table
 * twice (the server refuses such a default INSTANT or INPLACE; its COPY blocks writes). Measured with bench/files.ts on
 * MariaDB 10.11, 1,000,000 rows and a single-row writer, one run at load 1.6: the runner's batched form 8.9 s,
 * pt-online-schema-change 2.5 s.
 */
function onlineCopyMysql(b: Builder, tool: OnlineCopyTool, defaultSql: string, ownRefused: string | undefined): void {
  const { spec, table, col, target } = b;
  const server = target.dialect === 'mariadb' ? 'MariaDB' : 'MySQL';
  const alter = `ADD COLUMN ${renderColumnDefinition(target.dialect, spec, { omit: ['check', 'references', 'unique'] })}`;
  const own = tool.name === 'column-wizard';
  const impact: Impact = {
    lock: 'NONE',
    algorithm: 'COPY',
    blocks: { reads: false, writes: false },
    rewrite: true,
    scan: true,
    why: own
      ? l10n.t(
          'Column Wizard copies the table in small chunks, {0} connections at once, into a new table that has the column, each row getting its own value; triggers copy the writes made meanwhile, and a RENAME swaps the tables, so writes wait only for short row and metadata locks',
          OWN_COPIERS,
        )
      : l10n.t(
          '{0} copies the table in small chunks into a new table that has the column, each row getting its own value; triggers copy the writes made meanwhile, and a RENAME swaps the tables, so writes wait only for short row and metadata locks',
          tool.name,
        ),
  };
  b.add('expand', { op: 'add-column', spec, mysql: { algorithm: 'COPY', lock: 'NONE' } }, `ALTER TABLE ${table} ${alter}`, {
    down: `ALTER TABLE ${table} DROP COLUMN ${col}`,
    what: own
      ? l10n.t("Add the column with its values in one online copy (Column Wizard's own, {0} connections)", OWN_COPIERS)
      : l10n.t('Add the column with its values in one online copy ({0} {1})', tool.name, tool.version),
    impact,
    onlineCopy: own ? { tool, alter, copiers: OWN_COPIERS } : { tool, alter },
    work: own ? { ownCopy: true } : { onlineCopy: true },
    valueSql: defaultSql,
  });
  b.columnEmpty = false;
  const twoPasses = l10n.t(
    '{0} cannot add DEFAULT {1} online, so the other way is ADD COLUMN, a batched UPDATE of every row and an online rebuild for NOT NULL: two passes over the table where the copy makes one.',
    server,
    defaultSql,
  );
  b.warn(
    'online-copy',
    'info',
    own
      ? l10n.t(
          'Strategy: one online copy of the table by Column Wizard itself, {0} connections copying at once (nothing to install). {1} --no-online-copy plans the other way.',
          OWN_COPIERS,
          twoPasses,
        )
      : `${l10n.t('Strategy: one online copy of the table by {0} {1}, installed here.', tool.name, tool.version)} ${twoPasses}${
          ownRefused ? ` ${l10n.t("Column Wizard's own copy cannot copy this table: {0}.", ownRefused)}` : ''
        }`,
  );
}

/**
 * The column's index or unique index (index phase). planMysql adds it before the constrain phase's steps, so that each
 * step's estimate and storage see the table as it is when the step runs: the index is built before the NOT NULL rebuild.
 * `keyInline`: the ADD COLUMN already added the column's one key.
 */
function indexMysql(b: Builder, o: { keyInline: boolean }): void {
  const { spec, table, col } = b;
  // With a foreign key the column's index (unique or not) is built before the key, in the expand phase.
  const fkIndexed = Boolean(spec.references) && !o.keyInline && !nonInnodb(b);
  if (!fkIndexed && !o.keyInline && (spec.unique || spec.index)) {
    const unique = Boolean(spec.unique);
    const name = b.name(unique ? 'key' : 'idx');
    const online = !nonInnodb(b);
    const clause = online ? 'ALGORITHM=INPLACE, LOCK=NONE' : 'ALGORITHM=COPY, LOCK=SHARED';
    b.add(
      'index',
      {
        op: 'create-index',
        concurrent: false,
        unique,
        mysql: online ? { algorithm: 'INPLACE', lock: 'NONE' } : { algorithm: 'COPY', lock: 'SHARED' },
      },
      `ALTER TABLE ${table} ADD ${unique ? 'UNIQUE ' : ''}INDEX ${b.q(name)} (${col}), ${clause}`,
      {
        object: name,
        down: `ALTER TABLE ${table} DROP INDEX ${b.q(name)}, ${clause}`,
        what: unique ? l10n.t('Build the unique index online') : l10n.t('Build the index online'),
        work: { index: true },
        unavoidable: !online && b.facts.rows !== 0 ? engineReason(b) : undefined,
      },
    );
  }
}

/** The column's CHECK (constrain phase). */
function checkMysql(b: Builder): void {
  const { spec, table, target } = b;
  const maria = target.dialect === 'mariadb';
  if (spec.check) {
    const name = b.name('check');
    const expr = checkedExpression(target.dialect, 'CHECK', spec.check);
    b.add(
      'constrain',
      { op: 'add-constraint', kind: 'check', notValid: false, usingIndex: false, mysql: { algorithm: 'COPY', lock: 'SHARED' } },
      `ALTER TABLE ${table} ADD CONSTRAINT ${b.q(name)} CHECK (${expr}), ALGORITHM=COPY, LOCK=SHARED`,
      {
        object: name,
        down: `ALTER TABLE ${table} DROP CONSTRAINT ${b.q(name)}`,
        what: l10n.t('Add the CHECK constraint'),
        unavoidable:
          b.facts.rows !== 0
            ? `${maria ? 'MariaDB' : 'MySQL'} verifies a new CHECK against every row with a table copy that blocks writes, and has no NOT VALID. Enforce it in the application instead, or use an online schema-change tool for a large table`
            : undefined,
      },
    );
  }
}

function nonInnodb(b: Builder): boolean {
  return Boolean(b.facts.engine) && !/^innodb$/i.test(b.facts.engine!);
}

function engineReason(b: Builder): string {
  return l10n.t(
    'the {0} engine has no online ALTER: the table is copied while writes are blocked. Convert the table to InnoDB, or use an online schema-change tool for a large table',
    String(b.facts.engine),
  );
}

/** MySQL/MariaDB: index the column, then add the FK INPLACE with foreign_key_checks = 0 while every row is still NULL. */
function foreignKeyMysql(b: Builder): void {
  const { spec, table, col } = b;
  const r = spec.references!;
  const idx = b.name(spec.unique ? 'key' : 'idx');
  b.add(
    'expand',
    { op: 'create-index', concurrent: false, unique: Boolean(spec.unique), mysql: { algorithm: 'INPLACE', lock: 'NONE' } },
    `ALTER TABLE ${table} ADD ${spec.unique ? 'UNIQUE ' : ''}INDEX ${b.q(idx)} (${col}), ALGORITHM=INPLACE, LOCK=NONE`,
    {
      object: idx,
      down: `ALTER TABLE ${table} DROP INDEX ${b.q(idx)}, ALGORITHM=INPLACE, LOCK=NONE`,
      what: l10n.t('Index the referencing column (a foreign key needs one)'),
      work: { index: true },
    },
  );
  const name = b.name('fkey');
  const ref = `${r.schema ? `${b.q(r.schema)}.` : ''}${b.q(r.table)} (${b.q(r.column)})`;
  b.add(
    'expand',
    {
      op: 'add-constraint',
      kind: 'foreign',
      notValid: false,
      usingIndex: false,
      foreignKeyChecks: false,
      mysql: { algorithm: 'INPLACE', lock: 'NONE' },
    },
    `ALTER TABLE ${table} ADD CONSTRAINT ${b.q(name)} FOREIGN KEY (${col}) REFERENCES ${ref}${r.onDelete ? ` ON DELETE ${r.onDelete}` : ''}, ALGORITHM=INPLACE, LOCK=NONE`,
    {
      object: name,
      down: `ALTER TABLE ${table} DROP FOREIGN KEY ${b.q(name)}`,
      what: l10n.t(
        'Add the foreign key while the column is still NULL in every row, so skipping the row check cannot admit a bad value; run it before the application writes the column',
      ),
      session: { before: ['SET SESSION foreign_key_checks = 0'], after: ['SET SESSION foreign_key_checks = 1'] },
    },
  );
}

/** A foreign key on a column that already has values (AUTO_INCREMENT, generated): only a checked, copying ADD is sound. */
function foreignKeyCopyMysql(b: Builder): void {
  const { spec, table, col } = b;
  const r = spec.references!;
  const name = b.name('fkey');
  const ref = `${r.schema ? `${b.q(r.schema)}.` : ''}${b.q(r.table)} (${b.q(r.column)})`;
  b.add(
    'constrain',
    { op: 'add-constraint', kind: 'foreign', notValid: false, usingIndex: false, mysql: { algorithm: 'COPY', lock: 'SHARED' } },
    `ALTER TABLE ${table} ADD CONSTRAINT ${b.q(name)} FOREIGN KEY (${col}) REFERENCES ${ref}${r.onDelete ? ` ON DELETE ${r.onDelete}` : ''}, ALGORITHM=COPY, LOCK=SHARED`,
    {
      object: name,
      down: `ALTER TABLE ${table} DROP FOREIGN KEY ${b.q(name)}`,
      what: l10n.t('Add the foreign key, checking the values the column already has'),
      unavoidable:
        b.facts.rows !== 0
          ? 'the column already has a value in every row, so the key must be checked row by row, which MySQL/MariaDB do only with a table copy that blocks writes'
          : undefined,
    },
  );
}

function planWarnings(b: Builder, plan: Plan, options: PlanOptions): void {
  const steps = plan.phases.flatMap((p) => p.steps);
  const replicas = b.facts.replication?.replicas ?? [];
  const hasReplicas = options.standbys === true || replicas.length > 0;
  if (b.pg && hasReplicas && steps.some((s) => s.lock === 'ACCESS EXCLUSIVE')) {
    const f = standbyReplayFinding(b.facts.replication?.maxStandbyStreamingDelayMs);
    b.warn(f.code, f.severity, f.message, f.fix);
  }
  if (!b.pg && hasReplicas) {
    for (const s of steps) {
      if ((s.algorithm === 'INPLACE' || s.algorithm === 'COPY') && s.estimate.totalSeconds > REPLICA_LAG_WARN_SECONDS) {
        b.warn(
          'replica-lag',
          'warning',
          l10n.t(
            'Replicas apply "{0}…" only after the primary commits it, serially: expect about {1} of replica lag.',
            s.sql.slice(0, 60),
            formatSeconds(s.estimate.totalSeconds),
          ),
        );
      }
    }
  }
  for (const s of steps) {
    if (s.unavoidable && s.blocks.writes && b.facts.bytes >= ONLINE_TOOL_THRESHOLD_BYTES) {
      b.warn(
        'use-online-tool',
        'warning',
        b.pg
          ? l10n.t(
              'A step blocks writes for about {0} on a {1} GiB table. Schedule a maintenance window.',
              formatSeconds(s.estimate.lockSeconds),
              Math.round(b.facts.bytes / 1024 ** 3),
            )
          : l10n.t(
              'A step blocks writes for about {0} on a {1} GiB table. Use an online schema-change tool (gh-ost, pt-online-schema-change) instead.',
              formatSeconds(s.estimate.lockSeconds),
              Math.round(b.facts.bytes / 1024 ** 3),
            ),
      );
    }
  }
  if (!(b.facts.rows >= 0)) {
    b.warn(
      'rows-unknown',
      'warning',
      l10n.t(
        'The table has no row estimate (never analyzed?): the plan assumes it has rows, and the estimates are only as good as the byte size. Run ANALYZE for better figures.',
      ),
    );
  }
  b.warnings.push(...storageFindings(plan, Math.max(0, b.facts.bytes) + Math.max(0, b.facts.indexBytes ?? 0)));
  const binlog = b.facts.replication?.binlogFormat?.toUpperCase();
  const volatileBackfill = steps.some((s) => s.backfill && defaultVolatility(s.backfill.valueSql, b.target.dialect) !== 'immutable');
  if (!b.pg && binlog === 'STATEMENT' && volatileBackfill) {
    b.warn(
      'statement-binlog-backfill',
      'warning',
      l10n.t(
        'binlog_format is STATEMENT: replicas re-evaluate the backfill value (UUID(), NOW(), RAND()…) and get different values. Run the backfill with binlog_format=ROW for the session, or switch the server to ROW/MIXED.',
      ),
    );
  }
  for (const risk of b.facts.lockRisks ?? []) {
    b.warn(
      'lock-risk',
      'warning',
      risk.lockMode
        ? l10n.t(
            'Session {0} ({1}, {2} s, holds {3}) would make DDL steps wait; each waits at most the lock timeout and is retried.',
            risk.pid,
            risk.state,
            Math.round(risk.ageSeconds),
            risk.lockMode,
          )
        : l10n.t(
            'Session {0} ({1}, {2} s) would make DDL steps wait; each waits at most the lock timeout and is retried.',
            risk.pid,
            risk.state,
            Math.round(risk.ageSeconds),
          ),
    );
  }
  if (
    !b.pg &&
    b.caps.instantRowVersionLimit !== null &&
    b.facts.instantRowVersions !== undefined &&
    b.facts.instantRowVersions >= b.caps.instantRowVersionLimit - 4
  ) {
    b.warn(
      'row-versions',
      'warning',
      l10n.t(
        'The table has {0} of {1} instant row versions; when they run out, instant changes need a rebuild (OPTIMIZE TABLE).',
        b.facts.instantRowVersions,
        b.caps.instantRowVersionLimit,
      ),
    );
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}

/** Turns a column into a phased plan for the target server; frozen, JSON-serializable. */
export function planColumn(spec: ColumnSpec, facts: TableFacts, target: Target, options: PlanOptions = {}): Plan {
  const calibration = options.calibration ?? DEFAULT_CALIBRATION;
  const findings = validateColumn(spec, target, facts);
  let plan: Plan;
  let warnings: Finding[];
  try {
    const b = new Builder(
      spec,
      facts,
      target,
      calibration,
      options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS,
      options.batchSize ?? DEFAULT_BATCH_SIZE,
    );
    b.warnings.push(...findings);
    b.onlineCopyTool = options.onlineCopyTool;
    // Replicas said to be there (--standbys) though the facts show none: as when the facts show them (ownCopyRefusal).
    b.ownCopy =
      options.ownCopy && options.standbys && !options.ownCopy.refused
        ? {
            ...options.ownCopy,
            refused: l10n.t('replicas follow this server, and the own copy does not find replicas by itself to wait for their lag'),
          }
        : options.ownCopy;
    if (b.pg) planPostgres(b);
    else planMysql(b);
    plan = b.build();
    planWarnings(b, plan, options);
    warnings = b.warnings;
  } catch (err) {
    // Text that cannot be written as SQL (an empty name, a default that is not a literal…): no steps, and the reason.
    if (!(err instanceof SqlTextError)) throw err;
    warnings = [
      ...findings,
      { code: 'spec-unwritable', severity: 'error', message: `The column cannot be written as SQL: ${err.message}` },
    ];
    plan = {
      dialect: target.dialect,
      serverVersion: target.version,
      table: { schema: facts.table.schema, name: facts.table.name, rows: facts.rows, bytes: facts.bytes },
      column: spec,
      phases: [],
      warnings,
      rollout: [],
    };
  }
  return deepFreeze(JSON.parse(JSON.stringify({ ...plan, warnings })) as Plan);
}

/** Steps of a plan in execution order. */
export function planSteps(plan: Plan): readonly Step[] {
  return plan.phases.flatMap((p) => p.steps);
}

/** A validated CHECK (column IS NOT NULL) that stands for NOT NULL: the column stays nullable in the catalog. */
export interface NotNullCheck {
  readonly name: string;
  /** The CHECK's expression as the plan writes it, e.g. `"ref" IS NOT NULL`. */
  readonly expression: string;
}

/**
 * The CHECK the plan keeps instead of SET NOT NULL (PostgreSQL before 12, warning `not-null-kept-as-check`), or
 * undefined when the plan makes the column NOT NULL in the catalog (or leaves it nullable).
 */
export function keptNotNullCheck(plan: Plan): NotNullCheck | undefined {
  if (!plan.warnings.some((w) => w.code === 'not-null-kept-as-check')) return undefined;
  const expression = `${quoteIdent(plan.dialect, plan.column.name)} IS NOT NULL`;
  for (const s of planSteps(plan)) {
    if (s.done?.kind !== 'constraint') continue;
    if (s.sql.endsWith(`CHECK (${expression}) NOT VALID`)) return { name: s.done.name, expression };
  }
  return undefined;
}
