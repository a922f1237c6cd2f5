/**
 * Every finding code Column Wizard reports outside the linter, with the severities it is reported with and one line
 * on what it means: the offline column validation (core/columnSpec/validate.ts), the server's validation (db/columnSql.ts,
 * db/postgres/validate.ts, db/mysql/validate.ts), the planner (core/plan.ts, storage.ts, replicas.ts, topology.ts),
 * the rollout comparison (core/rollout/compare.ts) and the wizard's form (core/draft.ts). The lint rules'
 * ids live in their rule modules (./lint/rules/) and join the union through `RuleId`.
 *
 * `Finding['code']` is `ReportedCode`, so a code that is not listed here does not compile;
 * test/unit/findings.test.ts checks that no string literal in src/ names an unlisted code, that the severity written
 * beside a code is one of its severities here, and that every code here is still emitted somewhere. Pure.
 */
import type { RuleId } from './lint/ruleIds';
import type { ColumnSpec, Severity } from './types';

/** Who reports a code: `spec` offline validation, `server` the live server's validation, `plan` the planner and its checks, `rollout` verify, `form` the wizard's form. */
export type FindingSource = 'spec' | 'server' | 'plan' | 'rollout' | 'form';

export interface FindingInfo {
  readonly from: readonly FindingSource[];
  /** Every severity the code is reported with (context such as the table's size can choose among them). */
  readonly severities: readonly Severity[];
  readonly summary: string;
}

export const FINDINGS = {
  // Names (offline and server validation).
  'identifier-empty': { from: ['spec'], severities: ['error'], summary: 'A name is empty.' },
  'identifier-whitespace': { from: ['spec'], severities: ['warning'], summary: 'A name is only white space, or starts or ends with it.' },
  'identifier-too-long': {
    from: ['spec', 'server'],
    severities: ['error'],
    summary: "A name is longer than the server's limit (63 bytes on PostgreSQL, 64 characters on MySQL/MariaDB).",
  },
  'identifier-character': {
    from: ['spec'],
    severities: ['error'],
    summary: 'A MySQL/MariaDB name uses a character outside the Basic Multilingual Plane.',
  },
  'identifier-trailing-space': { from: ['spec'], severities: ['error'], summary: 'A MySQL/MariaDB name ends with white space.' },
  'reserved-word': { from: ['spec'], severities: ['warning'], summary: 'The name is a reserved word: hand-written queries must quote it.' },
  'name-folded': { from: ['spec'], severities: ['info'], summary: 'PostgreSQL folds an unquoted name to lower case.' },
  'column-exists': { from: ['spec', 'server'], severities: ['error'], summary: 'The table already has a column of that name.' },
  // The type.
  'unknown-type': {
    from: ['spec', 'server'],
    severities: ['warning', 'error'],
    summary: 'The type is not a built-in type (PostgreSQL: a warning offline, an error when the server has no such type).',
  },
  'identity-unsupported': { from: ['spec'], severities: ['error'], summary: 'MySQL/MariaDB have no identity columns.' },
  'array-unsupported': { from: ['spec'], severities: ['error'], summary: 'Array types exist only in PostgreSQL.' },
  'unsigned-unsupported': { from: ['spec'], severities: ['error'], summary: 'PostgreSQL has no UNSIGNED.' },
  'prefer-jsonb': { from: ['spec'], severities: ['warning'], summary: 'PostgreSQL json: jsonb is usually better.' },
  'prefer-timestamptz': {
    from: ['spec'],
    severities: ['info'],
    summary: 'PostgreSQL timestamp without time zone: timestamptz is usually what is meant.',
  },
  'prefer-text': { from: ['spec'], severities: ['info'], summary: 'PostgreSQL char(n) pads with spaces and is no faster than text.' },
  'wide-type': {
    from: ['spec'],
    severities: ['info', 'warning'],
    summary: 'A MySQL/MariaDB TEXT type, or a varchar wider than a row allows.',
  },
  'wide-fixed-width': { from: ['spec'], severities: ['warning'], summary: 'A char(n) wider than 64 pads every row.' },
  'varchar-length-required': { from: ['spec'], severities: ['error'], summary: 'MySQL/MariaDB varchar needs a length.' },
  'backslash-escapes': { from: ['spec'], severities: ['info'], summary: 'A comment or ENUM value contains a backslash (written doubled).' },
  'comment-too-long': { from: ['spec'], severities: ['error'], summary: 'A MySQL/MariaDB column comment is longer than 1024 characters.' },
  'collation-invalid': { from: ['spec'], severities: ['error'], summary: 'The collation is not a collation name.' },
  // The default, CHECK and generated expressions.
  'default-not-allowed': { from: ['spec'], severities: ['error'], summary: 'MySQL allows no literal DEFAULT on this type.' },
  'default-does-not-fit': { from: ['spec'], severities: ['error'], summary: 'The DEFAULT does not fit the type.' },
  'expression-invalid': {
    from: ['spec', 'server'],
    severities: ['error'],
    summary: 'A DEFAULT, CHECK or generated expression cannot be used.',
  },
  'expression-default-unsupported': {
    from: ['spec'],
    severities: ['error'],
    summary: 'The MySQL/MariaDB version has no expression defaults.',
  },
  'volatility-unknown': { from: ['spec'], severities: ['info'], summary: 'The volatility of a DEFAULT expression is not known offline.' },
  'default-volatile': {
    from: ['server'],
    severities: ['warning'],
    summary: 'PostgreSQL: the DEFAULT calls a volatile function, so adding the column rewrites the table.',
  },
  'default-not-volatile': { from: ['server'], severities: ['info'], summary: 'PostgreSQL: the DEFAULT is evaluated once, no rewrite.' },
  'check-ignored': { from: ['spec'], severities: ['error'], summary: 'The MySQL version parses CHECK but does not enforce it.' },
  'generated-not-null': { from: ['spec'], severities: ['error'], summary: 'MariaDB allows no NOT NULL on a generated column.' },
  'fk-on-virtual': { from: ['spec'], severities: ['error'], summary: 'A foreign key cannot be on a VIRTUAL generated column.' },
  'generated-with-default': { from: ['spec'], severities: ['error'], summary: 'A generated column cannot have a DEFAULT.' },
  'virtual-generated-unsupported': {
    from: ['spec'],
    severities: ['error'],
    summary: 'The PostgreSQL version has only STORED generated columns.',
  },
  'generated-unsupported': { from: ['spec'], severities: ['error'], summary: 'The PostgreSQL version has no generated columns.' },
  'generated-stored-rewrite': {
    from: ['spec'],
    severities: ['warning'],
    summary: 'A STORED generated column is computed for every row by a rewrite.',
  },
  // Constraints, indexes, position.
  'not-null-without-default': { from: ['spec'], severities: ['warning'], summary: 'NOT NULL without a DEFAULT on a table that has rows.' },
  'unique-constant-default': {
    from: ['spec'],
    severities: ['error', 'warning'],
    summary: 'UNIQUE with one constant DEFAULT for every existing row.',
  },
  'index-write-cost': { from: ['spec'], severities: ['info'], summary: 'An index slows every write of the table.' },
  'fk-engine': { from: ['spec'], severities: ['error'], summary: 'The MySQL/MariaDB table engine ignores foreign keys.' },
  'fk-without-index': {
    from: ['spec'],
    severities: ['info'],
    summary: 'A foreign key without an index on the referencing column (the plan adds one).',
  },
  'position-unsupported': { from: ['spec'], severities: ['error'], summary: 'PostgreSQL has no FIRST/AFTER.' },
  'position-column-missing': { from: ['spec'], severities: ['error'], summary: 'AFTER names a column the table does not have.' },
  'position-not-instant': {
    from: ['spec'],
    severities: ['warning'],
    summary: 'The MySQL/MariaDB version adds a column instantly only at the end.',
  },
  'auto-increment-rewrite': {
    from: ['spec'],
    severities: ['warning'],
    summary: 'An identity/serial/AUTO_INCREMENT column gives every existing row a value by a rewrite.',
  },
  'reference-missing': { from: ['server'], severities: ['error'], summary: 'The referenced table or column does not exist.' },
  'reference-not-unique': {
    from: ['server'],
    severities: ['error'],
    summary: 'PostgreSQL: the referenced column has no primary key or unique constraint of its own.',
  },
  'reference-not-indexed': {
    from: ['server'],
    severities: ['error'],
    summary: 'InnoDB: the referenced column is not the first column of an index.',
  },
  'reference-type-mismatch': {
    from: ['server'],
    severities: ['error', 'warning'],
    summary: 'The new column and the referenced one differ in type (an error on InnoDB, a warning on PostgreSQL).',
  },
  'reference-engine': {
    from: ['server'],
    severities: ['warning'],
    summary: 'The referenced MySQL/MariaDB table does not enforce foreign keys.',
  },
  // The server rejected the definition on a temporary copy; the code names the field it is blamed on (SERVER_REJECTED).
  'type-invalid': { from: ['server'], severities: ['error'], summary: 'The server rejects the definition because of the type.' },
  'default-invalid': { from: ['server'], severities: ['error'], summary: 'The server rejects the default.' },
  'generated-invalid': { from: ['server'], severities: ['error'], summary: 'The server rejects the generated expression.' },
  'check-invalid': { from: ['server'], severities: ['error'], summary: 'The server rejects the CHECK.' },
  'unique-invalid': { from: ['server'], severities: ['error'], summary: 'The server rejects the UNIQUE.' },
  'autoIncrement-invalid': { from: ['server'], severities: ['error'], summary: 'The server rejects the identity/AUTO_INCREMENT.' },
  'nullable-invalid': { from: ['server'], severities: ['error'], summary: 'The server rejects the NOT NULL.' },
  'comment-invalid': { from: ['server'], severities: ['error'], summary: 'The server rejects the comment.' },
  'definition-invalid': {
    from: ['server'],
    severities: ['error'],
    summary: 'The column definition cannot be written for the server check.',
  },
  // The planner.
  'spec-unwritable': { from: ['plan'], severities: ['error'], summary: 'The column cannot be written as SQL.' },
  'not-null-needs-values': {
    from: ['plan'],
    severities: ['error'],
    summary: 'NOT NULL with no value for the existing rows: the NOT NULL step cannot succeed.',
  },
  'no-fast-default': {
    from: ['plan'],
    severities: ['info'],
    summary: 'PostgreSQL before 11 rewrites for any DEFAULT, so the plan backfills.',
  },
  'partitioned-index': { from: ['plan'], severities: ['warning'], summary: 'CREATE INDEX CONCURRENTLY cannot run on a partitioned table.' },
  'cic-corruption-14': { from: ['plan'], severities: ['error'], summary: 'PostgreSQL 14.0–14.3 can corrupt indexes built CONCURRENTLY.' },
  'fk-partitioned-not-valid': {
    from: ['plan'],
    severities: ['error'],
    summary: 'PostgreSQL foreign keys on partitioned tables cannot be NOT VALID.',
  },
  'not-null-kept-as-check': {
    from: ['plan'],
    severities: ['warning'],
    summary: 'PostgreSQL before 12: the plan keeps a validated CHECK instead of NOT NULL.',
  },
  'instant-backup-risk': {
    from: ['plan'],
    severities: ['warning'],
    summary: 'MySQL before 8.0.32: instantly added columns hit backup and stability bugs.',
  },
  'online-copy': {
    from: ['plan'],
    severities: ['info'],
    summary:
      'MySQL/MariaDB: the plan adds the column by one online copy with pt-online-schema-change instead of a batched backfill and a rebuild.',
  },
  'instant-default-once': {
    from: ['plan'],
    severities: ['info'],
    summary: 'MariaDB evaluates an expression DEFAULT once for an instant ADD COLUMN.',
  },
  'replica-lag': { from: ['plan'], severities: ['warning'], summary: 'Replicas apply a long step only after the primary commits it.' },
  'use-online-tool': { from: ['plan'], severities: ['warning'], summary: 'A step blocks writes for long on a big table.' },
  'rows-unknown': { from: ['plan'], severities: ['warning'], summary: 'The table has no row estimate.' },
  'statement-binlog-backfill': {
    from: ['plan'],
    severities: ['warning'],
    summary: 'binlog_format is STATEMENT: replicas re-evaluate the backfill value.',
  },
  'lock-risk': { from: ['plan'], severities: ['warning'], summary: 'A session would make DDL steps wait.' },
  'row-versions': { from: ['plan'], severities: ['warning'], summary: 'The table is close to its limit of instant row versions.' },
  'backfill-bloat': { from: ['plan'], severities: ['info'], summary: 'The backfill grows the table until VACUUM.' },
  'rebuild-space': { from: ['plan'], severities: ['info'], summary: 'A rebuild needs free disk space for the copy.' },
  'standby-replay': { from: ['plan'], severities: ['warning'], summary: 'ACCESS EXCLUSIVE steps are replayed on hot standbys.' },
  'galera-rsu-constraint': {
    from: ['plan'],
    severities: ['warning'],
    summary: 'Galera RSU: a constraint makes changed nodes reject rows the others accept.',
  },
  'galera-rsu-incompatible': {
    from: ['plan'],
    severities: ['error'],
    summary: 'Galera RSU: a column in the middle of the row breaks row events while nodes differ.',
  },
  'galera-toi-stall': {
    from: ['plan'],
    severities: ['warning'],
    summary: 'Galera TOI: a step that is not INSTANT blocks writes on every node for its whole duration.',
  },
  'galera-rsu': {
    from: ['plan'],
    severities: ['info'],
    summary: 'Galera RSU: the steps run on each node in turn, which blocks writes on that node meanwhile.',
  },
  'galera-not-synced': { from: ['plan'], severities: ['error'], summary: 'The Galera node is not Synced in the Primary component.' },
  'galera-osu-method': { from: ['plan'], severities: ['warning'], summary: 'wsrep_OSU_method would change this node only.' },
  'logical-no-replica-identity': {
    from: ['plan'],
    severities: ['error'],
    summary: 'A table in a publication that publishes UPDATEs has no usable replica identity: UPDATE and DELETE fail.',
  },
  'logical-decoding-volume': {
    from: ['plan'],
    severities: ['info'],
    summary: 'The backfill is decoded and sent to every logical subscriber.',
  },
  'logical-inactive-slot': { from: ['plan'], severities: ['warning'], summary: 'An inactive logical slot keeps WAL.' },
  'logical-subscriber-missing-table': { from: ['plan'], severities: ['error'], summary: 'A subscriber has no such table.' },
  'logical-not-subscribed': {
    from: ['plan'],
    severities: ['warning'],
    summary: 'A subscriber has no subscription to a publication with the table.',
  },
  'logical-subscription-disabled': { from: ['plan'], severities: ['warning'], summary: 'A subscription is disabled.' },
  'logical-subscribers-unknown': {
    from: ['plan'],
    severities: ['warning'],
    summary: 'The table is published and logical slots exist, but no subscriber connection was given.',
  },
  // verify (the rollout comparison).
  'column-missing': { from: ['rollout'], severities: ['error'], summary: 'The column does not exist now.' },
  'index-invalid': { from: ['rollout'], severities: ['error'], summary: 'An index is INVALID (a failed CREATE INDEX CONCURRENTLY).' },
  'index-used': { from: ['rollout'], severities: ['info'], summary: 'An index was scanned since the baseline.' },
  'index-unused': { from: ['rollout'], severities: ['warning'], summary: 'An index was not used since the baseline.' },
  'index-not-used-yet': { from: ['rollout'], severities: ['info'], summary: 'An index has no scans yet.' },
  'index-stats-unavailable': { from: ['rollout'], severities: ['info'], summary: 'The server does not count index use.' },
  'stats-reset': { from: ['rollout'], severities: ['info'], summary: "The server's statistics were reset after the baseline." },
  'plan-lost-index': { from: ['rollout'], severities: ['warning'], summary: 'A query plan no longer uses an index.' },
  'plan-cost-grew': { from: ['rollout'], severities: ['warning'], summary: "A query plan's cost grew." },
  'plan-unchanged': { from: ['rollout'], severities: ['info'], summary: 'A query plan is unchanged.' },
  'plan-error': { from: ['rollout'], severities: ['warning'], summary: 'EXPLAIN failed for a query.' },
  'top-statements': {
    from: ['rollout'],
    severities: ['info'],
    summary: 'A top statement on the table with no baseline plan to compare, or why there are none.',
  },
  storage: { from: ['rollout'], severities: ['info'], summary: 'The table size now against the prediction.' },
  'storage-over-prediction': { from: ['rollout'], severities: ['warning'], summary: 'The table is much bigger than predicted.' },
  'app-not-writing': { from: ['rollout'], severities: ['warning'], summary: 'More sampled new rows than allowed leave the column unset.' },
  'app-not-writing-rising': {
    from: ['rollout'],
    severities: ['error'],
    summary: 'More sampled new rows than allowed leave the column unset, and the newer half more than the older.',
  },
  'app-in-sync': { from: ['rollout'], severities: ['info'], summary: 'Every sampled new row has the column set.' },
  'no-new-rows': { from: ['rollout'], severities: ['info'], summary: 'No rows were written since the baseline.' },
  'no-key-for-sample': { from: ['rollout'], severities: ['info'], summary: 'No single-column primary key to sample the newest rows by.' },
  'node-drift': { from: ['rollout'], severities: ['error'], summary: "A node's table definition differs." },
  'nodes-in-sync': { from: ['rollout'], severities: ['info'], summary: "The table's definition is the same on every node." },
  // The wizard's form, before any planning.
  'draft.name-missing': { from: ['form'], severities: ['error'], summary: 'The form has no column name.' },
  'draft.type-missing': { from: ['form'], severities: ['error'], summary: 'The form has no type.' },
  'draft.type-unreadable': { from: ['form'], severities: ['error'], summary: "The form's type cannot be read." },
  'draft.default-missing': { from: ['form'], severities: ['error'], summary: 'A default kind is chosen but no value given.' },
  'draft.fk-column-missing': { from: ['form'], severities: ['error'], summary: 'A foreign key without the referenced column.' },
} as const satisfies Record<string, FindingInfo>;

/** A code of this registry. */
export type FindingCode = keyof typeof FINDINGS;

/** Any code a `Finding` may carry: this registry's, or a lint rule's id (explain reports some lint findings as warnings). */
export type ReportedCode = FindingCode | RuleId;

/** The codes `from` lists `source` for. */
export type CodeFrom<S extends FindingSource> = {
  [C in FindingCode]: S extends (typeof FINDINGS)[C]['from'][number] ? C : never;
}[FindingCode];

/** The fields a server rejection is blamed on (db/columnSql.ts `blamedField`), and the code for each. */
export const SERVER_REJECTED = {
  type: 'type-invalid',
  default: 'default-invalid',
  generated: 'generated-invalid',
  check: 'check-invalid',
  unique: 'unique-invalid',
  autoIncrement: 'autoIncrement-invalid',
  nullable: 'nullable-invalid',
  comment: 'comment-invalid',
} as const satisfies Partial<Record<keyof ColumnSpec, FindingCode>>;

export type BlamedField = keyof typeof SERVER_REJECTED;

export function isFindingCode(code: string): code is FindingCode {
  return Object.hasOwn(FINDINGS, code);
}
