/** MySQL 8.0.x and MariaDB 10.3+ capabilities by flavor and version (InnoDB). */
import type { Dialect } from '../types';
import { versionAtLeast, type Version } from '../version';
import type { FunctionVolatility } from './functions';
import type { Capabilities } from './index';

export function mysqlCapabilities(dialect: Exclude<Dialect, 'postgres'>, v: Version): Capabilities {
  const maria = dialect === 'mariadb';
  const instantAddColumn = maria ? versionAtLeast(v, '10.3.2') : versionAtLeast(v, '8.0.12');
  const instantAnyPosition = maria ? versionAtLeast(v, '10.4') : versionAtLeast(v, '8.0.29');
  return {
    family: 'mysql',
    transactionalDdl: false,
    fastDefault: instantAddColumn,
    setNotNullUsesCheck: false,
    notNullNotValid: false,
    notValidConstraints: false,
    constraintUsingIndex: false,
    concurrentIndex: false,
    cicCorruptionRisk: false,
    onlineIndex: true,
    instantAddColumn,
    instantAnyPosition,
    // MySQL 8.0.29 release notes: "Up to 64 row versions are permitted" (INNODB_TABLES.TOTAL_ROW_VERSIONS). MariaDB has no such counter.
    instantRowVersionLimit: !maria && versionAtLeast(v, '8.0.29') ? 64 : null,
    instantBackupRisk: !maria && versionAtLeast(v, '8.0.29') && !versionAtLeast(v, '8.0.32'),
    instantDefaultEvaluatedOnce: maria && instantAddColumn,
    notNullFillsZeroValue: true,
    expressionDefaults: maria ? versionAtLeast(v, '10.2.1') : versionAtLeast(v, '8.0.13'),
    checkConstraints: maria ? versionAtLeast(v, '10.2.1') : versionAtLeast(v, '8.0.16'),
    virtualGeneratedColumns: true,
    storedGeneratedColumns: true,
    columnPosition: true,
    foreignKeyInplaceNeedsChecksOff: true,
    instantDropColumn: maria ? versionAtLeast(v, '10.4') : versionAtLeast(v, '8.0.29'),
    identifierMaxLength: 64,
    identifierLengthUnit: 'characters',
  };
}

/** Reserved words (MySQL 8.0 reference "Keywords and Reserved Words", the (R) entries; MariaDB's list is close to it). */
export const MYSQL_RESERVED: ReadonlySet<string> = new Set(
  `accessible add all alter analyze and as asc asensitive before between
bigint binary blob both by call cascade case change char character check collate column condition constraint continue convert
create cross cube cume_dist current_date current_time current_timestamp current_user cursor database databases day_hour
day_microsecond day_minute day_second dec decimal declare default delayed delete dense_rank desc describe deterministic distinct
distinctrow div double drop dual each else elseif empty enclosed escaped except exists exit explain false fetch first_value float
float4 float8 for force foreign from fulltext function generated get grant group grouping groups having high_priority
hour_microsecond hour_minute hour_second if ignore in index infile inner inout insensitive insert int int1 int2 int3 int4 int8
integer intersect interval into io_after_gtids io_before_gtids is iterate join json_table key keys kill lag last_value lateral lead
leading leave left like limit linear lines load localtime localtimestamp lock long longblob longtext loop low_priority
master_bind master_ssl_verify_server_cert match maxvalue mediumblob mediumint mediumtext middleint minute_microsecond
minute_second mod modifies natural not no_write_to_binlog nth_value ntile null numeric of on optimize optimizer_costs option
optionally or order out outer outfile over partition percent_rank precision primary procedure purge range rank read read_write
reads real recursive references regexp release rename repeat replace require resignal restrict return revoke right rlike row
row_number rows schema schemas second_microsecond select sensitive separator set show signal smallint spatial specific sql
sql_big_result sql_calc_found_rows sql_small_result sqlexception sqlstate sqlwarning ssl starting stored straight_join system
table terminated then tinyblob tinyint tinytext to trailing trigger true undo union unique unlock unsigned update usage use using
utc_date utc_time utc_timestamp values varbinary varchar varcharacter varying virtual when where while window with write xor
year_month zerofill offset returning`.split(/\s+/),
);

/** A MySQL/MariaDB integer type, as COLUMN_TYPE (`int(11) unsigned`) or DATA_TYPE (`bigint`) spells it. */
export const MYSQL_INTEGER_TYPE = /^(tinyint|smallint|mediumint|int|integer|bigint)\b/i;

export const MYSQL_TYPES: ReadonlySet<string> = new Set([
  'tinyint',
  'smallint',
  'mediumint',
  'int',
  'integer',
  'bigint',
  'decimal',
  'dec',
  'numeric',
  'fixed',
  'float',
  'double',
  'double precision',
  'real',
  'bit',
  'bool',
  'boolean',
  'serial',
  'date',
  'datetime',
  'timestamp',
  'time',
  'year',
  'char',
  'character',
  'varchar',
  'character varying',
  'nchar',
  'nvarchar',
  'binary',
  'varbinary',
  'tinyblob',
  'blob',
  'mediumblob',
  'longblob',
  'tinytext',
  'text',
  'mediumtext',
  'longtext',
  'enum',
  'set',
  'json',
  'geometry',
  'point',
  'linestring',
  'polygon',
  'multipoint',
  'multilinestring',
  'multipolygon',
  'geometrycollection',
  'uuid',
  'inet4',
  'inet6',
]);

/**
 * How often MySQL/MariaDB evaluate their built-in functions: per-statement time functions are evaluated once per
 * statement ("stable"); UUID()/RAND()/SYSDATE() per call. Plus the key words and type names a default can contain
 * (immutable). `defaultVolatility` (functions.ts) reads it; a name not listed is unknown.
 */
export const MYSQL_FUNCTIONS: FunctionVolatility = {
  stable: new Set([
    'now',
    'current_timestamp',
    'current_date',
    'current_time',
    'curdate',
    'curtime',
    'localtime',
    'localtimestamp',
    'utc_timestamp',
    'utc_date',
    'utc_time',
    'unix_timestamp',
    'current_user',
    'user',
    'database',
    'schema',
    'connection_id',
  ]),
  volatile: new Set(['uuid', 'uuid_short', 'rand', 'sysdate', 'random_bytes', 'sys_guid', 'last_insert_id', 'uuid_v4', 'uuid_v7']),
  immutable: new Set([
    'lower',
    'upper',
    'lcase',
    'ucase',
    'abs',
    'length',
    'char_length',
    'coalesce',
    'ifnull',
    'nullif',
    'if',
    'greatest',
    'least',
    'round',
    'truncate',
    'floor',
    'ceil',
    'ceiling',
    'md5',
    'sha1',
    'sha2',
    'concat',
    'concat_ws',
    'trim',
    'ltrim',
    'rtrim',
    'substr',
    'substring',
    'replace',
    'left',
    'right',
    'json_object',
    'json_array',
    'json_quote',
    'cast',
    'convert',
    'date',
    'time',
    'timestamp',
    'binary',
    'char',
    'signed',
    'unsigned',
    'decimal',
    'json',
    'case',
    'when',
    'then',
    'else',
    'end',
    'and',
    'or',
    'not',
    'is',
    'null',
    'true',
    'false',
    'in',
    'between',
    'like',
    'mod',
    'power',
    'pow',
    'sqrt',
    'sign',
    'hex',
    'unhex',
    'uuid_to_bin',
    'bin_to_uuid',
    'inet_aton',
    'inet6_aton',
    'lpad',
    'rpad',
    'repeat',
    'reverse',
    'date_add',
    'date_sub',
    'interval',
    'day',
    'month',
    'year',
    'hour',
    'minute',
    'second',
    'week',
  ]),
};

/**
 * Probed on MariaDB 10.11: a DEFAULT calling UUID(), UUID_SHORT(), SYS_GUID(), SYSDATE() or RANDOM_BYTES() is refused with
 * ALGORITHM=INSTANT and INPLACE ("Try ALGORITHM=COPY") and the copy gives each row its own value; DEFAULT (RAND()) (or
 * FLOOR(RAND() * 10), CONCAT('a', RAND())) is added INSTANT and evaluated ONCE: every existing row gets the same value.
 * Returns the first such per-row function the expression calls, lower-case, or undefined.
 */
export function mariadbPerRowDefault(expr: string): string | undefined {
  const bare = expr.replace(/'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*"|`(?:[^`]|``)*`/g, "''");
  return /\b(uuid_short|uuid|sys_guid|sysdate|random_bytes)\s*\(/i.exec(bare)?.[1]?.toLowerCase();
}
