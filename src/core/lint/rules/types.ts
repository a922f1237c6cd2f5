/**
 * What a lint rule module is and what it sees. The driver (../analyze.ts) walks the statements, keeps the file state
 * (transactions, lock timeouts, tables created, NOT VALID constraints) and hands each rule one statement at a time;
 * a rule only reads that context and returns findings. Pure.
 */
import type { Capabilities } from '../../dialects/index';
import type { DdlOperation, Impact, StatementOperation } from '../../rules';
import type { Dialect, Severity, TableFacts, Target } from '../../types';
import type { LintAction, NameRef, ParsedStatement, StatementKind } from '../model';
import type { Engine, LineMap, SplitResult } from '../text';

export interface OperationImpact {
  readonly op: DdlOperation | StatementOperation;
  readonly impact: Impact;
}

/** One ALTER TABLE subcommand (or CREATE INDEX) the planner's rules have an operation for. */
export interface ActionImpact extends OperationImpact {
  readonly action: LintAction;
  /** The server refuses it (`impact.fails`): only fails-on-server speaks about it. */
  readonly fails: boolean;
  /** A VALIDATE CONSTRAINT whose ADD … NOT VALID ran earlier in the same open transaction. */
  readonly validatesInSameTransaction?: boolean;
}

export interface StatementContext {
  readonly target: Target;
  readonly engine: Engine;
  readonly caps: Capabilities;
  readonly parsed: ParsedStatement;
  /** The statement's offsets in the file (end exclusive, terminator not included). */
  readonly start: number;
  readonly end: number;
  readonly table?: NameRef;
  /** The table was created earlier in this file: its locks harm nobody. */
  readonly newTable: boolean;
  /** Live (or snapshot) facts for the table, with this file's earlier changes applied. */
  readonly facts?: TableFacts;
  readonly rows?: number;
  readonly inTransaction: boolean;
  /** The migration tool runs the file in one transaction. */
  readonly wraps: boolean;
  /** A lock timeout is in force for this statement. */
  readonly timeoutHere: boolean;
  /** The mapped subcommands, in statement order. */
  readonly actions: readonly ActionImpact[];
  readonly operations: readonly OperationImpact[];
  /** The impact of the whole ALTER TABLE (slowest algorithm, strictest lock of its subcommands). */
  readonly whole?: Impact;
  readonly strongest?: Impact;
  /** ALTER TABLE subcommands the rules have no operation for (PostgreSQL takes ACCESS EXCLUSIVE for them). */
  readonly unmapped: boolean;
  /** A table a foreign key of this statement references that was not created in this file. */
  readonly referenced?: NameRef;
  /** The lock an earlier statement of the same open transaction took on this table, when it blocks reads or writes. */
  readonly lockedEarlierInTransaction?: Impact;
  /**
   * Every schema, routine, type or extension the statement drops or alters (`parsed.objects`) was created earlier in this
   * file, so no running code uses it; for a DROP … CASCADE also no existing table was changed since (a column of the
   * new type, a trigger calling the new function, a table moved into the new schema would go with it).
   */
  readonly newObject: boolean;
  /** MySQL/MariaDB: every routine the statement drops is created again later in this file (DROP … IF EXISTS, then CREATE). */
  readonly recreatedLater: boolean;
  /** Every object in `parsed.objects` was created earlier in the same open transaction. */
  readonly objectsFromThisTransaction: boolean;
  /**
   * Enum values added by ALTER TYPE … ADD VALUE earlier in the same open transaction that this statement names as a
   * literal: PostgreSQL 12 and later refuse to use them before that transaction commits.
   */
  readonly uncommittedEnumValues?: readonly string[];
  /** Tables created earlier in this file (lower-case names). */
  readonly created: ReadonlySet<string>;
}

export interface RuleTrigger {
  readonly kinds?: readonly StatementKind[];
  readonly ops?: readonly (DdlOperation | StatementOperation)['op'][];
  readonly actions?: readonly LintAction['kind'][];
}

export interface RuleFinding {
  /** Default: the rule's severity. */
  readonly severity?: Severity;
  readonly message: string;
  /** Default: the rule's help for a blocking finding, no fix otherwise. */
  readonly fix?: string;
  /** Offsets into the file; default: the statement's range. */
  readonly range?: { readonly start: number; readonly end: number };
  /**
   * A finding about a lock that blocks others: dropped on a table created in this file, turned into information on a
   * small table, and given the estimated blocked time from the table's size (of `op`, or of the slowest operation).
   */
  readonly blocking?: boolean;
  readonly op?: OperationImpact;
  /** For file-level findings: the statement it belongs to. */
  readonly statement?: number;
}

export interface FileContext {
  readonly text: string;
  readonly split: SplitResult;
  readonly lines: LineMap;
}

export interface RuleExample {
  readonly sql: string;
  readonly dialect?: Dialect;
  readonly version?: string;
  /** Earlier migrations the example is linted after (their tables, replayed by ./replay.ts, are the facts). */
  readonly earlier?: string;
}

export interface RuleModule {
  readonly id: string;
  readonly title: string;
  /** The severity before context (table size, transaction, version) adjusts it. */
  readonly severity: Severity;
  /** One line for SARIF and the fix when the finding gives none. */
  readonly help: string;
  /** What the rule checks and why, for the docs. */
  readonly doc: string;
  /** Migrations that must trigger the rule (`bad`) and must not (`good`); tested in test/unit/lint/rules.test.ts. */
  readonly examples: { readonly bad: readonly RuleExample[]; readonly good: readonly RuleExample[] };
  readonly check?: (s: StatementContext) => readonly RuleFinding[];
  /**
   * The statements `check` can find anything in: those of these kinds, or holding an operation (`s.operations`, what
   * `statementOps` reads) or an ALTER TABLE action (`s.parsed.actions`, what `actionsOf` reads) of these kinds. The
   * driver asks the rule about no other statement (test/unit/lint/ruleGate.test.ts: the same findings as asking it about
   * every one). Omitted: every statement.
   */
  readonly on?: RuleTrigger;
  readonly checkFile?: (f: FileContext) => readonly RuleFinding[];
  /** The driver reports it (it needs what the driver alone knows, e.g. which findings an ignore comment silenced). */
  readonly byDriver?: true;
}
