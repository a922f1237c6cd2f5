/** PostgreSQL capabilities by version (11–18 supported; older versions answer conservatively). */
import { versionAtLeast, type Version } from '../version';
import type { FunctionVolatility } from './functions';
import type { Capabilities } from './index';

export function postgresCapabilities(v: Version): Capabilities {
  return {
    family: 'postgres',
    transactionalDdl: true,
    fastDefault: versionAtLeast(v, '11'),
    setNotNullUsesCheck: versionAtLeast(v, '12'),
    notNullNotValid: versionAtLeast(v, '18'),
    notValidConstraints: true,
    constraintUsingIndex: true,
    concurrentIndex: true,
    cicCorruptionRisk: versionAtLeast(v, '14') && !versionAtLeast(v, '14.4'),
    onlineIndex: true,
    instantAddColumn: false,
    instantAnyPosition: false,
    instantRowVersionLimit: null,
    instantBackupRisk: false,
    instantDefaultEvaluatedOnce: false,
    notNullFillsZeroValue: false,
    expressionDefaults: true,
    checkConstraints: true,
    virtualGeneratedColumns: versionAtLeast(v, '18'),
    storedGeneratedColumns: versionAtLeast(v, '12'),
    columnPosition: false,
    foreignKeyInplaceNeedsChecksOff: false,
    instantDropColumn: true,
    identifierMaxLength: 63,
    identifierLengthUnit: 'bytes',
  };
}

/** Reserved key words (PostgreSQL docs, Appendix C: "reserved" and "reserved (can be function or type)"). */
export const POSTGRES_RESERVED: ReadonlySet<string> = new Set(
  `all analyse analyze and any array as asc asymmetric both case cast check
collate column constraint create current_catalog current_date current_role current_time current_timestamp current_user default
deferrable desc distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral
leading limit localtime localtimestamp not null offset on only or order placing primary references returning select session_user
some symmetric system_user table then to trailing true union unique user using variadic when where window with authorization binary
collation concurrently cross current_schema freeze full ilike inner is isnull join left like natural notnull outer overlaps right
similar tablesample verbose`.split(/\s+/),
);

export const POSTGRES_TYPES: ReadonlySet<string> = new Set([
  'smallint',
  'integer',
  'int',
  'int2',
  'int4',
  'int8',
  'bigint',
  'decimal',
  'numeric',
  'real',
  'float',
  'float4',
  'float8',
  'double precision',
  'smallserial',
  'serial',
  'bigserial',
  'serial2',
  'serial4',
  'serial8',
  'money',
  'varchar',
  'character varying',
  'char',
  'character',
  'bpchar',
  'text',
  'citext',
  'name',
  'bytea',
  'timestamp',
  'timestamp with time zone',
  'timestamp without time zone',
  'timestamptz',
  'date',
  'time',
  'time with time zone',
  'time without time zone',
  'timetz',
  'interval',
  'boolean',
  'bool',
  'point',
  'line',
  'lseg',
  'box',
  'path',
  'polygon',
  'circle',
  'cidr',
  'inet',
  'macaddr',
  'macaddr8',
  'bit',
  'bit varying',
  'varbit',
  'tsvector',
  'tsquery',
  'uuid',
  'xml',
  'json',
  'jsonb',
  'oid',
  'regclass',
  'int4range',
  'int8range',
  'numrange',
  'tsrange',
  'tstzrange',
  'daterange',
  'int4multirange',
  'int8multirange',
  'nummultirange',
  'tsmultirange',
  'tstzmultirange',
  'datemultirange',
]);

/** `serial`, `smallserial`, `bigserial` and their aliases `serial2`, `serial4`, `serial8`. */
export function isSerialType(name: string): boolean {
  return /^(small|big)?serial[248]?$/.test(name);
}

/**
 * How often PostgreSQL evaluates its built-in functions (as `pg_proc.provolatile` says), plus the key words and type
 * names a default can contain (immutable). `defaultVolatility` (functions.ts) reads it; a name not listed is unknown.
 */
export const POSTGRES_FUNCTIONS: FunctionVolatility = {
  stable: new Set([
    'now',
    'current_timestamp',
    'current_date',
    'current_time',
    'localtime',
    'localtimestamp',
    'transaction_timestamp',
    'statement_timestamp',
    'current_user',
    'session_user',
    'current_role',
    'user',
    'current_schema',
    'current_catalog',
    'current_setting',
    'to_timestamp',
    'to_char',
    'to_date',
    'age',
    'current_database',
    'pg_backend_pid',
  ]),
  volatile: new Set([
    'clock_timestamp',
    'timeofday',
    'random',
    'random_normal',
    'gen_random_uuid',
    'uuid_generate_v1',
    'uuid_generate_v1mc',
    'uuid_generate_v4',
    'uuidv4',
    'uuidv7',
    'nextval',
    'setval',
    'currval',
    'lastval',
    'txid_current',
    'pg_current_xact_id',
    'gen_random_bytes',
    'setseed',
  ]),
  immutable: new Set([
    'lower',
    'upper',
    'abs',
    'length',
    'char_length',
    'coalesce',
    'nullif',
    'greatest',
    'least',
    'round',
    'trunc',
    'floor',
    'ceil',
    'ceiling',
    'md5',
    'concat_ws',
    'btrim',
    'ltrim',
    'rtrim',
    'trim',
    'substr',
    'substring',
    'replace',
    'left',
    'right',
    'jsonb_build_object',
    'jsonb_build_array',
    'json_build_object',
    'json_build_array',
    'array',
    'row',
    'make_date',
    'make_interval',
    'interval',
    'uuid_nil',
    'int4',
    'int8',
    'numeric',
    'text',
    'power',
    'mod',
    'sqrt',
    'sign',
    'true',
    'false',
    'null',
    'cast',
    'case',
    'when',
    'then',
    'else',
    'end',
    'and',
    'or',
    'not',
    'is',
    'in',
    'between',
    'like',
    'ilike',
    'date',
    'time',
    'timestamp',
    'timestamptz',
    'with',
    'zone',
    'without',
    'varchar',
    'character',
    'varying',
    'integer',
    'bigint',
    'smallint',
    'boolean',
    'jsonb',
    'json',
    'uuid',
    'bytea',
    'double',
    'precision',
    'real',
    'array_fill',
    'repeat',
    'lpad',
    'rpad',
    'split_part',
    'reverse',
    'translate',
    'chr',
    'ascii',
    'encode',
    'decode',
    'sha256',
    'sha512',
    'to_jsonb',
    'to_json',
  ]),
};

/**
 * Statement heads PostgreSQL refuses inside a transaction block (SQLSTATE 25001, "cannot run inside a transaction
 * block"), checked against PostgreSQL 15 by test/db/outsideTransaction.test.ts.
 */
const OUTSIDE_TRANSACTION: readonly RegExp[] = [
  /^CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\b/i,
  /^DROP\s+INDEX\s+CONCURRENTLY\b/i,
  /^REINDEX\b[\s\S]*\bCONCURRENTLY\b/i,
  /^REINDEX\s*(?:\([^)]*\)\s*)?(?:DATABASE|SYSTEM)\b/i,
  /^ALTER\s+TABLE\b[\s\S]*\bDETACH\s+PARTITION\b[\s\S]*\bCONCURRENTLY\b/i,
  /^(?:CREATE|DROP)\s+(?:DATABASE|TABLESPACE)\b/i,
  /^ALTER\s+DATABASE\b[\s\S]*\bSET\s+TABLESPACE\b/i,
  /^ALTER\s+SYSTEM\b/i,
  /^VACUUM\b/i,
  /^CLUSTER\s*(?:VERBOSE\s*|\([^)]*\)\s*)?;?$/i,
  /^(?:COMMIT|ROLLBACK)\s+PREPARED\b/i,
];

/** Leading whitespace and comments removed, so the statement head can be matched. */
function statementHead(sql: string): string {
  let s = sql.trimStart();
  for (;;) {
    if (s.startsWith('--')) s = s.slice(s.includes('\n') ? s.indexOf('\n') + 1 : s.length).trimStart();
    else if (s.startsWith('/*') && s.includes('*/')) s = s.slice(s.indexOf('*/') + 2).trimStart();
    else return s.trimEnd();
  }
}

/**
 * A statement PostgreSQL refuses inside a transaction block: concurrent index builds, drops and reindexes,
 * `DETACH PARTITION … CONCURRENTLY`, `CREATE/DROP DATABASE|TABLESPACE`, `ALTER SYSTEM`, `VACUUM`, a bare `CLUSTER`,
 * `COMMIT/ROLLBACK PREPARED`, and `ALTER TYPE … ADD VALUE` before PostgreSQL 12 (`serverVersion` unknown: treated as
 * before 12). The one list both the migration writers and the runner use.
 */
export function requiresOutsideTransaction(sql: string, serverVersion = ''): boolean {
  const head = statementHead(sql);
  if (OUTSIDE_TRANSACTION.some((re) => re.test(head))) return true;
  return /^ALTER\s+TYPE\b[\s\S]*\bADD\s+VALUE\b/i.test(head) && !versionAtLeast(serverVersion, '12');
}
