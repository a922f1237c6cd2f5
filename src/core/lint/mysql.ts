/**
 * MySQL/MariaDB statements, read with node-sql-parser (the MySQL grammar, or for MariaDB files its MariaDB grammar
 * with the MySQL one behind it: parsers.ts), mapped onto the lint model. Pure: the parse function is passed in.
 *
 * Known gaps of that grammar are bridged before parsing and recorded from the text, never guessed:
 * `ALGORITHM=NOCOPY`, `ALTER ONLINE TABLE`, MariaDB `SET STATEMENT … FOR`, `WAIT n`/`NOWAIT` and `IF NOT EXISTS`, `INVISIBLE`,
 * `ALTER [COLUMN] c SET|DROP DEFAULT`; stored programs (CREATE TRIGGER/PROCEDURE/FUNCTION/EVENT, BEGIN NOT ATOMIC), ANALYZE TABLE and
 * SET NAMES, ALTER / DROP USER and CREATE SEQUENCE are classified by their leading keywords (no lock rule applies to them);
 * ALTER / DROP of a view, function, procedure, event or MariaDB sequence, CREATE OR REPLACE VIEW and ALTER DATABASE with
 * its defaults or comment are read from theirs (each has a verdict); other ALTER DATABASE and CREATE OR REPLACE /
 * TEMPORARY SEQUENCE forms are named, without a verdict. Anything else that fails is reported.
 */
import { closingQuote } from '../sql';
import type { ColumnDefault, ColumnSpec, ColumnType } from '../types';
import { arr, num, obj, str, type Obj } from './json';
import type { LintAction, NameRef, ParsedStatement } from './model';

/** node-sql-parser's `astify(sql, { database: 'MySQL' | 'MariaDB' })`. */
export type MysqlParse = (sql: string) => unknown;

export function readMysql(sql: string, parse: MysqlParse): ParsedStatement {
  let text = sql;
  let statementSetting: ParsedStatement['setting'];
  const setStatement = /^SET\s+STATEMENT\s+([\s\S]*?)\s+FOR\s+([\s\S]*)$/i.exec(text);
  if (setStatement) {
    const m = /^\s*(\w+)\s*=\s*([^,]+)/.exec(setStatement[1]!);
    if (m) statementSetting = { name: m[1]!.toLowerCase(), value: m[2]!.trim(), local: true };
    text = setStatement[2]!;
  }
  // MariaDB's `WAIT n` / `NOWAIT` (after the table of ALTER TABLE and DROP INDEX, after the column list of CREATE INDEX):
  // a lock wait timeout for this statement alone, which neither grammar reads. NOWAIT is WAIT 0: the lock is never queued for.
  const [word] = leadingWords(text);
  const lockWait =
    (word === 'ALTER' || word === 'CREATE' || word === 'DROP') && text.toUpperCase().includes('WAIT')
      ? LOCK_WAIT.map((re) => re.exec(text)).find((m) => m !== null)
      : undefined;
  if (lockWait) {
    const clause = lockWait[2]!;
    text = `${lockWait[1]!}${text.slice(lockWait[0].length)}`;
    statementSetting = {
      name: 'lock_wait_timeout',
      value: /^NOWAIT$/i.test(clause) ? 'NOWAIT' : clause.replace(/^WAIT\s+/i, ''),
      local: true,
    };
  }
  // Views, routines and events (the grammar lacks their ALTER forms): their verdicts, read from the leading keywords.
  const program = readProgramStatement(text, leadingWords(text));
  if (program) return program;
  // Statements the grammar lacks and the lock rules have nothing to say about: stored-program bodies, ANALYZE, SET NAMES.
  const routine = /^CREATE\s+(?:OR\s+REPLACE\s+)?(?:DEFINER\s*=\s*\S+\s+)?(TRIGGER|PROCEDURE|FUNCTION|EVENT)\b/i.exec(text);
  if (routine) return { kind: 'other', actions: [], label: `CREATE ${routine[1]!.toUpperCase()}` };
  const dropRoutine = /^DROP\s+(TRIGGER)\b/i.exec(text);
  if (dropRoutine) return { kind: 'other', actions: [], label: `DROP ${dropRoutine[1]!.toUpperCase()}` };
  // MariaDB's anonymous compound statement (the splitter keeps its body whole): a program, not one lock-taking statement.
  if (/^(?:[A-Za-z_]\w*\s*:\s*)?BEGIN\s+NOT\s+ATOMIC\b/i.test(text)) return { kind: 'other', actions: [], label: 'BEGIN NOT ATOMIC' };
  if (/^ANALYZE\s+(?:NO_WRITE_TO_BINLOG\s+|LOCAL\s+)?TABLES?\b/i.test(text)) return { kind: 'other', actions: [], label: 'ANALYZE TABLE' };
  if (/^SET\s+(?:NAMES|CHARACTER\s+SET|CHARSET)\b/i.test(text)) return { kind: 'other', actions: [], label: 'SET NAMES' };
  // Accounts (the grammar lacks ALTER / DROP USER): they change the grant tables, not a table queries use (MariaDB 10.11:
  // neither waited for an open transaction of that user nor ended its session).
  let m0: RegExpExecArray | null;
  if ((m0 = /^(ALTER|DROP)\s+USER\b/i.exec(text))) return { kind: 'other', actions: [], label: `${m0[1]!.toUpperCase()} USER` };
  const byKeyword = readTableStatement(text, leadingWords(text));
  if (byKeyword) return { ...byKeyword, ...(statementSetting ? { setting: statementSetting } : {}) };
  let lockFromText: string | undefined;
  if (/^ALTER\s+ONLINE\s+TABLE\b/i.test(text)) {
    text = text.replace(/^ALTER\s+ONLINE\s+TABLE\b/i, 'ALTER TABLE');
    lockFromText = 'NONE';
  }
  // MariaDB `ADD COLUMN|INDEX IF NOT EXISTS`, `CREATE INDEX IF NOT EXISTS` and MySQL 8 `INVISIBLE` columns: no lock impact.
  const ifNotExists =
    /\bADD\s+(?:COLUMN\s+|INDEX\s+|KEY\s+)?IF\s+NOT\s+EXISTS\b|^CREATE\s+(?:UNIQUE\s+|FULLTEXT\s+|SPATIAL\s+)?INDEX\s+IF\s+NOT\s+EXISTS\b/i.test(
      text,
    );
  text = text
    .replace(/\b(ADD\s+(?:COLUMN\s+|INDEX\s+|KEY\s+)?)IF\s+NOT\s+EXISTS\s+/gi, '$1')
    .replace(/^(CREATE\s+(?:UNIQUE\s+|FULLTEXT\s+|SPATIAL\s+)?INDEX\s+)IF\s+NOT\s+EXISTS\s+/i, '$1')
    .replace(/\s+INVISIBLE\b(?=\s*(,|$|AFTER\b|FIRST\b))/gi, '');
  // MariaDB's PERSISTENT is STORED; `ADD COLUMN (one definition)` is `ADD COLUMN definition`.
  text = unwrapAddColumn(text.replace(/\)\s*PERSISTENT\b/gi, ') STORED'));
  const nocopy = /\bALGORITHM\s*=?\s*NOCOPY\b/i.test(text);
  if (nocopy) text = text.replace(/\bALGORITHM(\s*=?\s*)NOCOPY\b/gi, 'ALGORITHM$1INPLACE');

  const defaultOnly =
    leadingWords(text)[0] === 'ALTER' &&
    /^ALTER\s+TABLE\s+((?:`(?:[^`]|``)+`|\w+)(?:\.(?:`(?:[^`]|``)+`|\w+))?)\s+ALTER\s+(?:COLUMN\s+)?(`(?:[^`]|``)+`|\w+)\s+(SET\s+DEFAULT\s+([\s\S]+?)|DROP\s+DEFAULT)((?:\s*,\s*(?:ALGORITHM|LOCK)\s*=?\s*\w+)*)\s*$/iu.exec(
      text,
    );
  if (defaultOnly) {
    const table = nameRef(defaultOnly[1]!);
    const column = unquote(defaultOnly[2]!);
    const value = defaultOnly[4]?.trim();
    const clauses = defaultOnly[5] ?? '';
    const algorithm = /ALGORITHM\s*=?\s*(\w+)/i.exec(clauses)?.[1]?.toUpperCase();
    const lock = /LOCK\s*=?\s*(\w+)/i.exec(clauses)?.[1]?.toUpperCase();
    const action: LintAction =
      value === undefined
        ? { kind: 'drop-default', column }
        : {
            kind: 'set-default',
            column,
            default:
              /^[('"\d-]|^NULL$|^TRUE$|^FALSE$/i.test(value) && !value.startsWith('(')
                ? { kind: 'literal', value }
                : { kind: 'expression', sql: value },
          };
    return {
      kind: 'alter-table',
      table,
      actions: [action],
      ...(algorithm ? { algorithm } : {}),
      ...(lock ? { lock } : {}),
      ...(statementSetting ? { setting: statementSetting } : {}),
    };
  }

  let read: ParsedStatement;
  try {
    read = fromNode(obj(firstOf(parse(text))));
  } catch (err) {
    const byClause = readAlterByClause(text, parse);
    if (!byClause) return unparsed(err, 0);
    read = byClause;
  }
  if (ifNotExists) {
    read = {
      ...read,
      actions: read.actions.map((a) => (a.kind === 'add-column' ? { ...a, ifNotExists: true } : a)),
      ...(read.index ? { index: { ...read.index, ifNotExists: true } } : {}),
    };
  }
  const algorithm = nocopy ? 'NOCOPY' : read.algorithm;
  const lock = read.lock ?? lockFromText;
  return {
    ...read,
    ...(algorithm ? { algorithm } : {}),
    ...(lock ? { lock } : {}),
    ...(statementSetting ? { setting: statementSetting } : {}),
  };
}

/**
 * Statements on whole tables that the lock rules judge by their keywords (the grammar reads some of them only as
 * `DROP` / `LOCK` with no table): DROP TABLE, RENAME TABLE, TRUNCATE, LOCK TABLES, UNLOCK TABLES, OPTIMIZE TABLE (InnoDB
 * runs it as ALTER TABLE … FORCE: MySQL 8.0 manual, OPTIMIZE TABLE).
 */
function readTableStatement(text: string, [word, second]: readonly [string, string]): ParsedStatement | undefined {
  if (!startsAs(TABLE_STATEMENT_WORDS, word, second)) return undefined;
  const other = (label: string, table: string, statementOp?: ParsedStatement['statementOp']): ParsedStatement => ({
    kind: 'other',
    actions: [],
    label,
    table: nameRef(table.replace(/\s+/g, '')),
    ...(statementOp ? { statementOp } : {}),
  });
  let m: RegExpExecArray | null;
  if (/^DROP\s+TEMPORARY\s+TABLE\b/i.test(text)) return { kind: 'other', actions: [], label: 'DROP TEMPORARY TABLE' };
  if ((m = new RegExp(`^DROP\\s+TABLES?\\s+(?:IF\\s+EXISTS\\s+)?(${QUALIFIED})`, 'i').exec(text)))
    return other('DROP TABLE', m[1]!, { op: 'drop-table' });
  if ((m = new RegExp(`^RENAME\\s+TABLES?\\s+(${QUALIFIED})\\s+TO\\s+(${QUALIFIED})\\s*$`, 'i').exec(text)))
    return other('RENAME TABLE', m[1]!, { op: 'rename', object: 'table', to: nameRef(m[2]!.replace(/\s+/g, '')).name });
  if ((m = new RegExp(`^RENAME\\s+TABLES?\\s+(${QUALIFIED})\\s+TO\\b`, 'i').exec(text)))
    return other('RENAME TABLE', m[1]!, { op: 'rename', object: 'table' });
  if ((m = new RegExp(`^TRUNCATE\\s+(?:TABLE\\s+)?(${QUALIFIED})\\s*$`, 'i').exec(text)))
    return other('TRUNCATE', m[1]!, { op: 'truncate' });
  if ((m = new RegExp(`^LOCK\\s+TABLES?\\s+(${QUALIFIED})`, 'i').exec(text)))
    return other('LOCK TABLES', m[1]!, { op: 'lock-table', mode: /\bWRITE\b/i.test(text) ? 'EXCLUSIVE' : 'SHARED' });
  if (/^UNLOCK\s+TABLES?\s*$/i.test(text)) return { kind: 'other', actions: [], label: 'UNLOCK TABLES' };
  if ((m = new RegExp(`^OPTIMIZE\\s+(?:NO_WRITE_TO_BINLOG\\s+|LOCAL\\s+)?TABLES?\\s+(${QUALIFIED})\\s*$`, 'i').exec(text)))
    return { kind: 'alter-table', table: nameRef(m[1]!.replace(/\s+/g, '')), actions: [{ kind: 'rebuild' }] };
  return undefined;
}

/** `ADD [COLUMN] (c int …)` with one column definition inside the parentheses, as `ADD [COLUMN] c int …`. */
function unwrapAddColumn(text: string): string {
  const m = /\bADD\s+(?:COLUMN\s+)?\(/i.exec(text);
  if (!m || /^ADD\s+\(\s*(?:CONSTRAINT|PRIMARY|UNIQUE|FOREIGN|INDEX|KEY|CHECK)\b/i.test(text.slice(m.index))) return text;
  const open = m.index + m[0].length - 1;
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'" || ch === '"' || ch === '`') {
      i = closingQuote('mysql', text, i);
      continue;
    }
    if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return `${text.slice(0, open)}${text.slice(open + 1, i)}${text.slice(i + 1)}`;
    else if (ch === ',' && depth === 1) return text; // several columns: left to the grammar
  }
  return text;
}

function unparsed(err: unknown, base: number): ParsedStatement {
  const offset = num(obj(obj(obj(err).location).start).offset);
  return {
    kind: 'unparsed',
    actions: [],
    error: {
      message: shortParserMessage(err instanceof Error ? err.message : String(err)),
      ...(offset !== undefined ? { offset: offset + base } : {}),
    },
  };
}

const NAME = String.raw`(?:\`(?:[^\`]|\`\`)+\`|[\w$]+)`;
const ALTER_HEAD = new RegExp(String.raw`^ALTER\s+TABLE\s+(${NAME}(?:\s*\.\s*${NAME})?)\s+`, 'i');

/**
 * The ALTER TABLE clauses node-sql-parser's grammar lacks (`CONVERT TO CHARACTER SET`, `[DEFAULT] CHARACTER SET =`,
 * `RENAME INDEX|KEY a TO b`, `FORCE`), read clause by clause: the statement is split at its top-level commas, these
 * shapes are read here and every other clause is given to the parser alone (`ALTER TABLE t <clause>`). Undefined when
 * the statement is not an ALTER TABLE with at least one such clause; an unreadable clause makes the whole statement
 * unparsed, with the offset of the error in it.
 */
function readAlterByClause(text: string, parse: MysqlParse): ParsedStatement | undefined {
  const head = ALTER_HEAD.exec(text);
  if (!head) return undefined;
  const table = nameRef(head[1]!.replace(/\s*\.\s*/, '.'));
  const clauses = topLevelClauses(text, head[0].length);
  const own = (c: string): LintAction | 'algorithm' | 'lock' | undefined => {
    let m: RegExpExecArray | null;
    if ((m = /^CONVERT\s+TO\s+(?:CHARACTER\s+SET|CHARSET)\s*=?\s*(\w+)(?:\s+COLLATE\s*=?\s*\w+)?$/i.exec(c)))
      return { kind: 'convert-charset', charset: m[1]!.toLowerCase() };
    if ((m = new RegExp(String.raw`^RENAME\s+(?:INDEX|KEY)\s+(${NAME})\s+TO\s+(${NAME})$`, 'i').exec(c)))
      return { kind: 'rename-index', from: unquote(m[1]!), to: unquote(m[2]!) };
    if (/^FORCE$/i.test(c)) return { kind: 'rebuild' };
    if (/^(?:DEFAULT\s+)?(?:CHARACTER\s+SET|CHARSET)\s*=?\s*\w+(?:\s+COLLATE\s*=?\s*\w+)?$|^(?:DEFAULT\s+)?COLLATE\s*=?\s*\w+$/i.test(c))
      return { kind: 'other', description: 'DEFAULT CHARACTER SET' };
    if (/^ALGORITHM\s*=?\s*\w+$/i.test(c)) return 'algorithm';
    if (/^LOCK\s*=?\s*\w+$/i.test(c)) return 'lock';
    return undefined;
  };
  if (
    !clauses.some((c) => {
      const r = own(c.text);
      return r !== undefined && r !== 'algorithm' && r !== 'lock';
    })
  )
    return undefined;
  const actions: LintAction[] = [];
  let algorithm: string | undefined;
  let lock: string | undefined;
  for (const c of clauses) {
    const mine = own(c.text);
    if (mine === 'algorithm') {
      algorithm = /(\w+)$/.exec(c.text)![1]!.toUpperCase();
      continue;
    }
    if (mine === 'lock') {
      lock = /(\w+)$/.exec(c.text)![1]!.toUpperCase();
      continue;
    }
    if (mine) {
      actions.push(mine);
      continue;
    }
    const prefix = `${head[0]}`;
    let read: ParsedStatement;
    try {
      read = fromNode(obj(firstOf(parse(prefix + c.text))));
    } catch (err) {
      return unparsed(err, c.start - prefix.length);
    }
    actions.push(...read.actions);
  }
  return { kind: 'alter-table', table, actions, ...(algorithm ? { algorithm } : {}), ...(lock ? { lock } : {}) };
}

function firstOf(ast: unknown): unknown {
  return Array.isArray(ast) ? ast[0] : ast;
}

/** The comma-separated clauses after `start`, outside quotes and parentheses, trimmed, with their offsets. */
function topLevelClauses(text: string, start: number): { text: string; start: number }[] {
  const out: { text: string; start: number }[] = [];
  let depth = 0;
  let from = start;
  const push = (end: number) => {
    const raw = text.slice(from, end);
    const lead = raw.length - raw.trimStart().length;
    if (raw.trim()) out.push({ text: raw.trim(), start: from + lead });
  };
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"' || c === '`') {
      const end = closingQuote('mysql', text, i);
      if (end < 0) break;
      i = end;
    } else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      push(i);
      from = i + 1;
    }
  }
  push(text.length);
  return out;
}

const QUALIFIED = `${NAME}(?:\\s*\\.\\s*${NAME})?`;
const WAIT_CLAUSE = '(WAIT\\s+\\d+(?:\\.\\d+)?|NOWAIT)\\b';
const LOCK_WAIT: readonly RegExp[] = [
  new RegExp(`^(ALTER\\s+(?:ONLINE\\s+)?(?:IGNORE\\s+)?TABLE\\s+(?:IF\\s+EXISTS\\s+)?${QUALIFIED})\\s+${WAIT_CLAUSE}`, 'i'),
  new RegExp(`^(CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:UNIQUE\\s+|FULLTEXT\\s+|SPATIAL\\s+)?INDEX\\b[\\s\\S]*?\\))\\s*${WAIT_CLAUSE}`, 'i'),
  new RegExp(`^(DROP\\s+INDEX\\s+(?:IF\\s+EXISTS\\s+)?${QUALIFIED}\\s+ON\\s+${QUALIFIED})\\s+${WAIT_CLAUSE}`, 'i'),
];

/** node-sql-parser lists every token it expected; the token it found is the useful part. */
function shortParserMessage(message: string): string {
  const found = /but (.+) found\.?$/.exec(message.split('\n')[0]!);
  return found ? `unexpected ${found[1]}` : message.split('\n')[0]!.slice(0, 200);
}

function unquote(s: string): string {
  return s.startsWith('`') ? s.slice(1, -1).replace(/``/g, '`') : s;
}

function nameRef(s: string): NameRef {
  const parts = s.match(/`(?:[^`]|``)+`|[^.]+/g) ?? [s];
  return parts.length > 1 ? { schema: unquote(parts[0]!), name: unquote(parts[1]!) } : { name: unquote(parts[0]!) };
}

/**
 * The first two words of a statement, upper-cased: the ASCII letters and underscores it starts with, then (after
 * whitespace) the next such run; '' where there is none. The keyword patterns of this file are anchored at the start
 * and match their ASCII keywords case-insensitively (no `u` flag), so a statement whose leading words differ cannot
 * match them: testing the words first spares compiling them (V8 compiles a RegExp at its first use, 0.1–0.2 ms for one
 * with QUALIFIED; a few ms of a MySQL `lint` start, bench/coldStart.ts).
 */
function leadingWords(text: string): [string, string] {
  const end = (from: number): number => {
    let i = from;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95)) break;
    }
    return i;
  };
  const first = end(0);
  let i = first;
  while (i < text.length && SPACE.test(text[i]!)) i++;
  return [text.slice(0, first).toUpperCase(), i > first ? text.slice(i, end(i)).toUpperCase() : ''];
}
const SPACE = /\s/;

/** Whether `word`, `second` can begin one of `forms` (first word → the second words its patterns allow; null: any). */
function startsAs(forms: Readonly<Record<string, ReadonlySet<string> | null>>, word: string, second: string): boolean {
  const seconds = forms[word];
  return seconds === null || (seconds !== undefined && seconds.has(second));
}
/** The leading words of readTableStatement's patterns (TRUNCATE and OPTIMIZE: anything, e.g. a quoted table, may follow). */
const TABLE_STATEMENT_WORDS: Readonly<Record<string, ReadonlySet<string> | null>> = {
  DROP: new Set(['TEMPORARY', 'TABLE', 'TABLES']),
  RENAME: new Set(['TABLE', 'TABLES']),
  TRUNCATE: null,
  LOCK: new Set(['TABLE', 'TABLES']),
  UNLOCK: new Set(['TABLE', 'TABLES']),
  OPTIMIZE: null,
};
/** The leading words of readProgramStatement's patterns (VIEW_HEAD … CREATE_ROUTINE and its two CREATE SEQUENCE tests) but DATABASE_HEAD's. */
const PROGRAM_WORDS: Readonly<Record<string, ReadonlySet<string> | null>> = {
  ALTER: new Set(['ALGORITHM', 'DEFINER', 'SQL', 'VIEW', 'SEQUENCE', 'FUNCTION', 'PROCEDURE', 'EVENT']),
  DROP: new Set(['SEQUENCE', 'VIEW', 'FUNCTION', 'PROCEDURE', 'EVENT']),
  CREATE: new Set(['DEFINER', 'FUNCTION', 'PROCEDURE', 'OR', 'SEQUENCE', 'TEMPORARY']),
};

const DEFINER = String.raw`(?:DEFINER\s*=\s*\S+\s+)?`;
const VIEW_HEAD = new RegExp(
  String.raw`^ALTER\s+(?:ALGORITHM\s*=\s*\w+\s+)?${DEFINER}(?:SQL\s+SECURITY\s+\w+\s+)?VIEW\s+(${QUALIFIED})`,
  'i',
);
const REPLACE_VIEW_HEAD = new RegExp(
  String.raw`^CREATE\s+OR\s+REPLACE\s+(?:ALGORITHM\s*=\s*\w+\s+)?${DEFINER}(?:SQL\s+SECURITY\s+\w+\s+)?VIEW\s+(${QUALIFIED})`,
  'i',
);
const SEQUENCE_HEAD = new RegExp(String.raw`^(?:ALTER|DROP)\s+SEQUENCE\s+(?:IF\s+EXISTS\s+)?(${QUALIFIED})`, 'i');
/** `ALTER DATABASE|SCHEMA [name]`: the name is any word but the first word of an option. */
const DATABASE_HEAD = new RegExp(
  String.raw`^ALTER\s+(?:DATABASE|SCHEMA)(?:\s+(?!(?:DEFAULT|CHARACTER|CHARSET|COLLATE|COMMENT|READ|ENCRYPTION|UPGRADE)\b)${NAME})?`,
  'i',
);
/** One or more of `[DEFAULT] CHARACTER SET|CHARSET [=] x`, `[DEFAULT] COLLATE [=] x`, `COMMENT [=] '…'`, and nothing else. */
const DATABASE_OPTIONS =
  /^(?:\s+(?:DEFAULT\s+)?(?:(?:CHARACTER\s+SET|CHARSET)\s*=?\s*\w+|COLLATE\s*=?\s*\w+)|\s+COMMENT\s*=?\s*'(?:[^'\\]|\\.|'')*')+\s*$/i;
const ROUTINE_HEAD = new RegExp(String.raw`^ALTER\s+${DEFINER}(FUNCTION|PROCEDURE|EVENT)\s+(${QUALIFIED})`, 'i');
const DROP_HEAD = new RegExp(String.raw`^DROP\s+(VIEW|FUNCTION|PROCEDURE|EVENT)\s+(?:IF\s+EXISTS\s+)?(${QUALIFIED})`, 'i');
const CREATE_ROUTINE = new RegExp(String.raw`^CREATE\s+${DEFINER}(FUNCTION|PROCEDURE)\s+(IF\s+NOT\s+EXISTS\s+)?(${QUALIFIED})`, 'i');

/** The stored function or procedure a CREATE statement makes (also CREATE OR REPLACE), or undefined. */
export function createdRoutineName(text: string): string | undefined {
  if (leadingWords(text)[0] !== 'CREATE') return undefined;
  const m = CREATE_ROUTINE.exec(text.replace(/^CREATE\s+OR\s+REPLACE\s+/i, 'CREATE '));
  return m ? nameRef(m[3]!.replace(/\s+/g, '')).name : undefined;
}

/**
 * ALTER / DROP of a view, stored function, procedure or event (rules.ts `mysql-object`; DROP FUNCTION / PROCEDURE is
 * `drop-object`, whose callers fail). A plain CREATE FUNCTION / PROCEDURE (no OR REPLACE, no IF NOT EXISTS) records
 * what it creates, so a DROP later in the same file is known to touch nothing in use.
 */
function readProgramStatement(text: string, [word, second]: readonly [string, string]): ParsedStatement | undefined {
  // DATABASE_HEAD has no word boundary after DATABASE|SCHEMA: `ALTER SCHEMAx` is read as ALTER DATABASE.
  const database = word === 'ALTER' && (second.startsWith('DATABASE') || second.startsWith('SCHEMA'));
  if (!database && !startsAs(PROGRAM_WORDS, word, second)) return undefined;
  let m: RegExpExecArray | null;
  const objectName = (q: string): string => nameRef(q.replace(/\s+/g, '')).name;
  if ((m = CREATE_ROUTINE.exec(text)) && !m[2])
    return { kind: 'other', actions: [], label: `CREATE ${m[1]!.toUpperCase()}`, creates: { kind: 'function', name: objectName(m[3]!) } };
  if ((m = VIEW_HEAD.exec(text)) || (m = REPLACE_VIEW_HEAD.exec(text))) {
    const replace = /^CREATE\b/i.test(text);
    return {
      kind: 'other',
      actions: [],
      label: replace ? 'CREATE OR REPLACE VIEW' : 'ALTER VIEW',
      table: nameRef(m[1]!.replace(/\s+/g, '')),
      statementOp: { op: 'mysql-object', object: 'view', drop: false, ...(replace ? { replace } : {}) },
    };
  }
  // MariaDB sequences (the grammar lacks them): a sequence is a table, locked like one.
  if ((m = SEQUENCE_HEAD.exec(text))) {
    const drop = /^DROP\b/i.test(text);
    return {
      kind: 'other',
      actions: [],
      label: `${drop ? 'DROP' : 'ALTER'} SEQUENCE`,
      table: nameRef(m[1]!.replace(/\s+/g, '')),
      statementOp: { op: 'mysql-object', object: 'sequence', drop },
    };
  }
  // A new sequence: nothing uses it yet. CREATE OR REPLACE / TEMPORARY SEQUENCE are left without a verdict (not checked).
  if (/^CREATE\s+SEQUENCE\b/i.test(text)) return { kind: 'other', actions: [], label: 'CREATE SEQUENCE' };
  if ((m = /^CREATE\s+(OR\s+REPLACE\s+|TEMPORARY\s+)+SEQUENCE\b/i.exec(text)))
    return { kind: 'other', actions: [], label: m[0].replace(/\s+/g, ' ').toUpperCase() };
  if ((m = DATABASE_HEAD.exec(text))) {
    // Only the defaults and the comment were checked; READ ONLY, ENCRYPTION, UPGRADE … get no verdict.
    const known = DATABASE_OPTIONS.test(text.slice(m[0].length));
    return known
      ? { kind: 'other', actions: [], label: 'ALTER DATABASE', statementOp: { op: 'mysql-object', object: 'database', drop: false } }
      : { kind: 'other', actions: [], label: 'ALTER DATABASE' };
  }
  if ((m = ROUTINE_HEAD.exec(text)) || (m = DROP_HEAD.exec(text))) {
    const drop = /^DROP\b/i.test(text);
    const object = m[1]!.toLowerCase() as 'view' | 'function' | 'procedure' | 'event';
    const label = `${drop ? 'DROP' : 'ALTER'} ${m[1]!.toUpperCase()}`;
    if (object === 'view')
      return {
        kind: 'other',
        actions: [],
        label,
        table: nameRef(m[2]!.replace(/\s+/g, '')),
        statementOp: { op: 'mysql-object', object, drop },
      };
    const objects = [{ kind: object === 'event' ? ('event' as const) : ('function' as const), name: objectName(m[2]!) }];
    if (drop && object !== 'event')
      return { kind: 'other', actions: [], label, statementOp: { op: 'drop-object', object, cascade: false }, objects };
    return { kind: 'other', actions: [], label, statementOp: { op: 'mysql-object', object, drop }, objects };
  }
  return undefined;
}

function tableOf(t: unknown): NameRef | undefined {
  const o = obj(Array.isArray(t) ? t[0] : t);
  const name = str(o.table);
  if (!name) return undefined;
  const schema = str(o.db);
  return schema ? { schema, name } : { name };
}

function columnName(c: unknown): string {
  const o = obj(c);
  const col = o.column;
  if (typeof col === 'string') return col;
  if (typeof obj(col).column === 'string') return str(obj(col).column)!;
  const expr = obj(obj(col).expr);
  return str(expr.value) ?? str(o.value) ?? '(expression)';
}

function fromNode(n: Obj): ParsedStatement {
  const type = str(n.type) ?? '';
  if (type === 'alter') {
    const table = tableOf(n.table);
    let algorithm: string | undefined;
    let lock: string | undefined;
    const actions: LintAction[] = [];
    for (const e of arr(n.expr).map(obj)) {
      const resource = str(e.resource);
      if (resource === 'engine') {
        actions.push({ kind: 'rebuild', engine: str(e.engine) ?? '' });
        continue;
      }
      if (resource === 'algorithm') {
        algorithm = (str(e.algorithm) ?? '').toUpperCase();
        continue;
      }
      if (resource === 'lock') {
        lock = (str(e.lock) ?? '').toUpperCase();
        continue;
      }
      actions.push(alterAction(e));
      // CHANGE old new …: a rename as well, when the names differ.
      const renamed = str(e.action) === 'change' && e.old_column != null ? columnName({ column: e.old_column }) : undefined;
      if (renamed && renamed.toLowerCase() !== columnName(e).toLowerCase())
        actions.push({ kind: 'other', description: `RENAME COLUMN ${renamed} TO ${columnName(e)} (CHANGE)` });
    }
    return { kind: 'alter-table', ...(table ? { table } : {}), actions, ...(algorithm ? { algorithm } : {}), ...(lock ? { lock } : {}) };
  }
  if (type === 'create') {
    const keyword = (str(n.keyword) ?? '').toLowerCase();
    if (keyword === 'index') {
      const table = tableOf(n.table);
      const name = str(n.index);
      const kind = (str(n.index_type) ?? '').toLowerCase();
      const algorithm = str(obj(n.algorithm_option).algorithm)?.toUpperCase();
      const lock = str(obj(n.lock_option).lock)?.toUpperCase();
      return {
        kind: 'create-index',
        ...(table ? { table } : {}),
        actions: [],
        index: {
          ...(name ? { name } : {}),
          concurrent: false,
          unique: kind === 'unique',
          ifNotExists: false,
          columns: arr(n.index_columns).map(columnName),
          ...(kind === 'fulltext' ? { fulltext: true } : {}),
          ...(kind === 'spatial' ? { spatial: true } : {}),
        },
        ...(algorithm ? { algorithm } : {}),
        ...(lock ? { lock } : {}),
      };
    }
    if (keyword === 'table') {
      const table = tableOf(n.table);
      const charset = tableCharset(n.table_options);
      // Columns, keys and constraints as the ALTER TABLE … ADD of each, for the folder replay (./replay.ts).
      const definition = arr(n.create_definitions)
        .map(obj)
        .map((d) => alterAction({ ...d, action: 'add', ...(str(d.resource) === 'constraint' ? { create_definitions: d } : {}) }));
      return {
        kind: 'create-table',
        ...(table ? { table } : {}),
        actions: [],
        definition,
        ...(charset ? { charset } : {}),
      };
    }
    return { kind: 'other', actions: [], label: `CREATE ${keyword.toUpperCase()}` };
  }
  if (type === 'transaction') {
    const action = (str(obj(obj(n.expr).action).value) ?? '').toLowerCase();
    if (action === 'start' || action === 'begin') return { kind: 'begin', actions: [] };
    if (action === 'commit') return { kind: 'commit', actions: [] };
    if (action === 'rollback') return { kind: 'rollback', actions: [] };
    return { kind: 'other', actions: [], label: action.toUpperCase() };
  }
  if (type === 'set') {
    const first = obj(arr(n.expr)[0]);
    const name = (str(obj(first.left).name) ?? '').toLowerCase();
    return { kind: 'set', actions: [], setting: { name, value: exprText(first.right), local: false } };
  }
  return { kind: 'other', actions: [], label: type.toUpperCase() };
}

function alterAction(e: Obj): LintAction {
  const action = str(e.action);
  const resource = str(e.resource);
  if (action === 'add' && resource === 'column') {
    const charset = columnCharset(e);
    return {
      kind: 'add-column',
      spec: columnSpec(e),
      ifNotExists: e.if_not_exists != null,
      ...defaultText(e),
      ...(charset ? { charset } : {}),
    };
  }
  if (action === 'add' && resource === 'index') {
    const keyword = (str(e.keyword) ?? '').toLowerCase();
    const name = str(e.index);
    return {
      kind: 'add-index',
      ...(name ? { name } : {}),
      unique: keyword.includes('unique'),
      fulltext: keyword.includes('fulltext'),
      ...(keyword.includes('spatial') ? { spatial: true } : {}),
      columns: arr(e.definition).map(columnName),
    };
  }
  if (action === 'add' && resource === 'constraint') {
    const d = obj(e.create_definitions);
    const ctype = (str(d.constraint_type) ?? '').toLowerCase();
    const name = str(d.constraint) ?? str(d.index);
    const columns = ctype === 'check' ? [] : arr(d.definition).map(columnName);
    if (ctype.startsWith('unique')) return { kind: 'add-index', ...(name ? { name } : {}), unique: true, fulltext: false, columns };
    const constraint = ctype === 'check' ? 'check' : ctype === 'foreign key' ? 'foreign' : ctype === 'primary key' ? 'primary' : undefined;
    if (!constraint) return { kind: 'other', description: `ADD ${ctype.toUpperCase()}` };
    const refTable = tableOf(obj(d.reference_definition).table);
    return { kind: 'add-constraint', constraint, ...(name ? { name } : {}), notValid: false, columns, ...(refTable ? { refTable } : {}) };
  }
  if (action === 'modify' || action === 'change') {
    // CHANGE old new …: the column as it is now is the old name.
    const column = action === 'change' && e.old_column != null ? columnName({ column: e.old_column }) : columnName(e);
    const spec = columnSpec(e);
    const t = spec.type;
    const charset = columnCharset(e);
    // ENUM / SET: the members, quoted as the server prints the column type (`enum('a','b')`).
    const members = arr(obj(obj(e.definition).expr).value).map((v) => str(obj(v).value));
    const params = members.length ? members.map((m) => `'${(m ?? '').replace(/'/g, "''")}'`) : t.params.map(String);
    return {
      kind: 'alter-type',
      column,
      type: `${t.name}${params.length ? `(${params.join(',')})` : ''}${t.unsigned ? ' unsigned' : ''}${spec.nullable ? '' : ' NOT NULL'}`,
      ...(charset ? { charset } : {}),
      ...(action === 'change' && columnName(e).toLowerCase() !== column.toLowerCase() ? { renameTo: columnName(e) } : {}),
      restated: { default: spec.default.kind !== 'none', autoIncrement: spec.autoIncrement === true },
    };
  }
  if (action === 'drop' && resource === 'column') return { kind: 'drop-column', column: columnName(e) };
  if (action === 'drop' && resource === 'key' && (str(e.keyword) ?? '').toLowerCase() === 'primary key')
    return { kind: 'drop-primary-key' };
  if (action === 'drop' && (resource === 'index' || resource === 'key'))
    return { kind: 'drop-constraint', name: str(e.index) ?? str(e.key) ?? '' };
  return { kind: 'other', description: `${(action ?? '').toUpperCase()} ${(resource ?? '').toUpperCase()}`.trim() };
}

/** A column definition's `CHARACTER SET x`, else the character set its `COLLATE x_…` names; lower case. */
function columnCharset(e: Obj): string | undefined {
  const cs = str(obj(obj(e.character_set).value).value) ?? charsetOfCollation(str(obj(obj(e.collate).collate).name));
  return cs?.toLowerCase();
}

/** CREATE TABLE's `[DEFAULT] CHARSET|CHARACTER SET = x`, else the character set of its `[DEFAULT] COLLATE = x_…`. */
function tableCharset(options: unknown): string | undefined {
  let fromCollation: string | undefined;
  for (const o of arr(options).map(obj)) {
    const keyword = (str(o.keyword) ?? '').toLowerCase().replace(/^default\s+/, '');
    const value = str(o.value) ?? str(obj(o.value).value);
    if (!value) continue;
    if (keyword === 'charset' || keyword === 'character set') return value.toLowerCase();
    if (keyword === 'collate') fromCollation = charsetOfCollation(value)?.toLowerCase();
  }
  return fromCollation;
}

/** `utf8mb4_unicode_ci` → `utf8mb4`; `binary` → `binary`. */
function charsetOfCollation(collation: string | undefined): string | undefined {
  return collation ? /^([a-z0-9]+?)(?:_|$)/i.exec(collation)?.[1] : undefined;
}

function columnSpec(e: Obj): ColumnSpec {
  const def = obj(e.definition);
  const params = [num(def.length), num(def.scale)].filter((x): x is number => x !== undefined);
  const suffix = arr(def.suffix).map((s) => String(s).toLowerCase());
  const type: ColumnType = {
    name: (str(def.dataType) ?? '').toLowerCase(),
    params,
    ...(suffix.includes('unsigned') ? { unsigned: true } : {}),
  };
  const nullable = str(obj(e.nullable).type) !== 'not null' && e.primary_key == null;
  const dv = obj(obj(e.default_val).value);
  const dflt: ColumnDefault = e.default_val == null ? { kind: 'none' } : defaultOf(dv);
  const gen = obj(e.generated);
  const position = obj(e.suffix);
  const posKw = (str(position.keyword) ?? '').toUpperCase();
  return {
    name: columnName(e),
    type,
    nullable,
    default: dflt,
    ...(e.unique != null || e.primary_key != null ? { unique: true } : {}),
    ...(e.auto_increment != null ? { autoIncrement: true } : {}),
    ...(e.generated != null
      ? { generated: { expression: exprText(gen.expr), stored: (str(gen.storage_type) ?? '').toLowerCase() === 'stored' } }
      : {}),
    ...(posKw === 'FIRST'
      ? { position: { kind: 'first' as const } }
      : posKw === 'AFTER'
        ? { position: { kind: 'after' as const, column: columnName(position.expr) } }
        : {}),
  };
}

function defaultOf(v: Obj): ColumnDefault {
  const t = str(v.type) ?? '';
  if (t === 'number' || t === 'single_quote_string' || t === 'double_quote_string' || t === 'null' || t === 'bool' || t === 'string')
    return { kind: 'literal', value: exprText(v) };
  return { kind: 'expression', sql: exprText(v) };
}

function defaultText(e: Obj): { defaultText?: string } {
  if (e.default_val == null) return {};
  return { defaultText: exprText(obj(obj(e.default_val).value)) };
}

/** Renders the small expressions that appear in defaults and generated columns. */
export function exprText(x: unknown): string {
  const v = obj(x);
  const t = str(v.type) ?? '';
  let out: string;
  switch (t) {
    case 'number':
      out = String(v.value);
      break;
    case 'single_quote_string':
    case 'string':
      out = `'${String(v.value).replace(/'/g, "''")}'`;
      break;
    case 'double_quote_string':
      out = `"${String(v.value)}"`;
      break;
    case 'null':
      out = 'NULL';
      break;
    case 'bool':
      out = v.value ? 'TRUE' : 'FALSE';
      break;
    case 'column_ref':
      out = columnName(v);
      break;
    case 'function': {
      const name = arr(obj(v.name).name)
        .map((p) => str(obj(p).value) ?? '')
        .join('.');
      const args = v.args == null ? null : arr(obj(v.args).value).map(exprText).join(', ');
      out = args === null ? name : `${name}(${args})`;
      break;
    }
    case 'binary_expr':
      out = `${exprText(v.left)} ${str(v.operator) ?? '?'} ${exprText(v.right)}`;
      break;
    default:
      out = v.value !== undefined ? String(v.value) : t;
  }
  return v.parentheses === true ? `(${out})` : out;
}
