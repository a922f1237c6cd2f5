/**
 * The column being added: parsed from SQL column syntax, validated per dialect, rendered back as SQL. Pure.
 *
 *   parseColumnDefinition('email_verified boolean NOT NULL DEFAULT false', 'postgres')
 *   → { name: 'email_verified', type: { name: 'boolean', params: [] }, nullable: false, default: { kind: 'literal', value: 'false' } }
 */
import { capabilities, isReservedWord, knownTypes } from './dialects/index';
import { defaultVolatility, isSerialType } from './rules';
import { expressionProblem, isPostgres, quoteIdent, quoteLiteral, quotePlainString, SqlTextError, utf8Length } from './sql';
import type { ColumnDefault, ColumnSpec, ColumnType, Dialect, Finding, ForeignKeySpec, IdentitySpec, TableFacts, Target } from './types';

/** A column definition that could not be understood; `position` is the 0-based character offset. */
export class ColumnSyntaxError extends Error {
  constructor(message: string, readonly position: number) {
    super(message);
    this.name = 'ColumnSyntaxError';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Tokens

type TokenKind = 'word' | 'quoted' | 'number' | 'string' | 'punct';
interface Token {
  readonly kind: TokenKind;
  /** Source text. */
  readonly text: string;
  /** Identifier name (quoted: unquoted) or the string's decoded value. */
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

function near(text: string, pos: number): string {
  if (pos >= text.length) return 'at the end';
  const snippet = text.slice(pos, pos + 20);
  return `at character ${pos + 1} (near "${snippet}${text.length > pos + 20 ? '…' : ''}")`;
}

function tokenize(text: string, dialect: Dialect): Token[] {
  const pg = isPostgres(dialect);
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if ((c === '-' && text[i + 1] === '-') || (c === '/' && text[i + 1] === '*') || (c === '#' && !pg)) {
      throw new ColumnSyntaxError(`comments are not allowed in a column definition ${near(text, i)}`, i);
    }
    if (c === ';') throw new ColumnSyntaxError(`';' ${near(text, i)}: a column definition is a single clause, not a statement`, i);
    const start = i;
    if (c === "'" || (c === '"' && !pg)) {
      const { value, end } = readString(text, i, dialect, false);
      out.push({ kind: 'string', text: text.slice(start, end), value, start, end });
      i = end;
      continue;
    }
    if (pg && (c === 'e' || c === 'E') && text[i + 1] === "'") {
      const { value, end } = readString(text, i + 1, dialect, true);
      out.push({ kind: 'string', text: text.slice(start, end), value, start, end });
      i = end;
      continue;
    }
    if ((c === '"' && pg) || (c === '`' && !pg)) {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw new ColumnSyntaxError(`unterminated quoted identifier starting at character ${i + 1}`, i);
        if (text[j] === c) {
          if (text[j + 1] === c) {
            value += c;
            j += 2;
            continue;
          }
          break;
        }
        value += text[j];
        j++;
      }
      if (value === '') throw new ColumnSyntaxError(`empty quoted identifier at character ${i + 1}`, i);
      out.push({ kind: 'quoted', text: text.slice(start, j + 1), value, start, end: j + 1 });
      i = j + 1;
      continue;
    }
    // Bit and hex literals: b'101', X'1F' (both dialects), 0x1F and 0b101 (MySQL/MariaDB).
    const bits = (pg ? /^(?:[bB]'[01]*'|[xX]'[0-9a-fA-F]*')/ : /^(?:[bB]'[01]*'|[xX]'[0-9a-fA-F]*'|0x[0-9a-fA-F]+\b|0b[01]+\b)/).exec(text.slice(i));
    if (bits) {
      out.push({ kind: 'number', text: bits[0], value: bits[0], start, end: i + bits[0].length });
      i += bits[0].length;
      continue;
    }
    if (/^[bBxX]'/.test(text.slice(i))) {
      throw new ColumnSyntaxError(`invalid ${/^[bB]/.test(c) ? "bit literal: b'…' takes only 0 and 1" : "hex literal: x'…' takes only hex digits"} ${near(text, i)}`, i);
    }
    const num = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (num) {
      out.push({ kind: 'number', text: num[0], value: num[0], start, end: i + num[0].length });
      i += num[0].length;
      continue;
    }
    const word = /^[\p{L}_][\p{L}\p{N}_$]*/u.exec(text.slice(i));
    if (word) {
      out.push({ kind: 'word', text: word[0], value: word[0].toLowerCase(), start, end: i + word[0].length });
      i += word[0].length;
      continue;
    }
    const op = /^(::|<>|<=|>=|!=|\|\||[-+*/%<>=!~^&|(),.[\]:@?])/.exec(text.slice(i));
    if (op) {
      out.push({ kind: 'punct', text: op[0], value: op[0], start, end: i + op[0].length });
      i += op[0].length;
      continue;
    }
    throw new ColumnSyntaxError(`unexpected character "${c}" ${near(text, i)}`, i);
  }
  return out;
}

function readString(text: string, quoteAt: number, dialect: Dialect, escapes: boolean): { value: string; end: number } {
  const q = text[quoteAt]!;
  const backslash = escapes || !isPostgres(dialect);
  let value = '';
  let j = quoteAt + 1;
  for (;;) {
    if (j >= text.length) throw new ColumnSyntaxError(`unterminated string starting at character ${quoteAt + 1}`, quoteAt);
    const ch = text[j]!;
    if (backslash && ch === '\\' && j + 1 < text.length) {
      const n = text[j + 1]!;
      value += ({ n: '\n', t: '\t', r: '\r', '0': '\u0000', b: '\b', Z: '\u001a' } as Record<string, string>)[n] ?? n;
      j += 2;
      continue;
    }
    if (ch === q) {
      if (text[j + 1] === q) {
        value += q;
        j += 2;
        continue;
      }
      return { value, end: j + 1 };
    }
    value += ch;
    j++;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Parser

const CLAUSE_WORDS = new Set(['not', 'null', 'default', 'unique', 'primary', 'references', 'check', 'generated', 'as', 'auto_increment',
  'comment', 'first', 'after', 'collate', 'constraint', 'on', 'key', 'invisible', 'visible', 'identity', 'character', 'charset']);

class Parser {
  private i = 0;
  /** Unquoted names folded to what the server makes of them. */
  readonly folded: { typed: string; name: string }[] = [];
  constructor(private readonly text: string, private readonly tokens: Token[], private readonly dialect: Dialect) {}

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset];
  }
  private pos(): number {
    return this.peek()?.start ?? this.text.length;
  }
  private fail(what: string, at = this.pos()): never {
    throw new ColumnSyntaxError(`${what} ${near(this.text, at)}`, at);
  }
  private isWord(w: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t?.kind === 'word' && t.value === w;
  }
  private isPunct(p: string): boolean {
    const t = this.peek();
    return t?.kind === 'punct' && t.value === p;
  }
  private acceptWord(...words: string[]): boolean {
    if (!words.every((w, k) => this.isWord(w, k))) return false;
    this.i += words.length;
    return true;
  }
  private expectWord(w: string, context: string): void {
    if (!this.acceptWord(w)) this.fail(`expected ${w.toUpperCase()} ${context}`);
  }
  private expectPunct(p: string, context: string): Token {
    const t = this.peek();
    if (t?.kind !== 'punct' || t.value !== p) this.fail(`expected "${p}" ${context}`);
    this.i++;
    return t;
  }
  /**
   * A name, quoted or not. PostgreSQL folds an unquoted name to lower case (ASCII letters only, as it does for UTF-8
   * databases); MySQL/MariaDB keep it as written (their column names compare without case).
   */
  private identifier(what: string): string {
    const t = this.peek();
    if (t?.kind === 'word') {
      this.i++;
      if (!isPostgres(this.dialect)) return t.text;
      const name = t.text.replace(/[A-Z]+/g, (m) => m.toLowerCase());
      if (name !== t.text) this.folded.push({ typed: t.text, name });
      return name;
    }
    if (t?.kind === 'quoted') {
      this.i++;
      return t.value;
    }
    return this.fail(`expected ${what}`);
  }
  /** Text between the parentheses starting at the current token; leaves the cursor after ")". */
  private parenthesized(context: string): string {
    const open = this.expectPunct('(', context);
    let depth = 1;
    while (this.i < this.tokens.length) {
      const t = this.tokens[this.i]!;
      this.i++;
      if (t.kind === 'punct' && t.value === '(') depth++;
      if (t.kind === 'punct' && t.value === ')' && --depth === 0) {
        const inner = this.text.slice(open.end, t.start).trim();
        if (inner === '') this.fail(`empty parentheses ${context}`, open.start);
        return inner;
      }
    }
    return this.fail(`unclosed "(" ${context}`, open.start);
  }

  parse(): ColumnSpec {
    if (this.tokens.length === 0) throw new ColumnSyntaxError('the column definition is empty: write a name and a type, e.g. "email text"', 0);
    const name = this.identifier('a column name first');
    if (!this.peek()) this.fail(`expected a type after the column name "${name}"`);
    const { type, serial } = this.type();
    let nullable: boolean | undefined;
    let def: ColumnDefault = { kind: 'none' };
    const spec: { -readonly [K in keyof ColumnSpec]?: ColumnSpec[K] } = {};
    if (serial) spec.autoIncrement = true;
    const seen = new Set<string>();
    const once = (clause: string, at: number) => {
      if (seen.has(clause)) this.fail(`${clause} appears twice`, at);
      seen.add(clause);
    };
    while (this.peek()) {
      const at = this.pos();
      if (this.acceptWord('not', 'null')) {
        if (nullable === true) this.fail('NOT NULL contradicts the NULL before it', at);
        nullable = false;
      } else if (this.isWord('not')) {
        this.fail('expected NULL after NOT');
      } else if (this.acceptWord('null')) {
        if (nullable === false) this.fail('NULL contradicts the NOT NULL before it', at);
        nullable = true;
      } else if (this.acceptWord('default')) {
        once('DEFAULT', at);
        def = this.defaultValue();
      } else if (this.acceptWord('unique')) {
        once('UNIQUE', at);
        this.acceptWord('key');
        spec.unique = true;
      } else if (this.isWord('primary') || this.isWord('key')) {
        this.fail('PRIMARY KEY cannot be added with a new column on a live table; add the column, then build a unique index concurrently and attach it');
      } else if (this.acceptWord('references')) {
        once('REFERENCES', at);
        spec.references = this.references();
      } else if (this.acceptWord('check')) {
        once('CHECK', at);
        spec.check = this.parenthesized('after CHECK');
      } else if (this.isWord('generated') || this.isWord('as')) {
        once('GENERATED', at);
        this.generated(spec);
      } else if (this.acceptWord('auto_increment')) {
        spec.autoIncrement = true;
      } else if (this.acceptWord('comment')) {
        once('COMMENT', at);
        const t = this.peek();
        if (t?.kind !== 'string') this.fail('expected a quoted string after COMMENT');
        this.i++;
        spec.comment = t.value;
      } else if (this.acceptWord('first')) {
        once('FIRST/AFTER', at);
        spec.position = { kind: 'first' };
      } else if (this.acceptWord('after')) {
        once('FIRST/AFTER', at);
        spec.position = { kind: 'after', column: this.identifier('a column name after AFTER') };
      } else if (this.acceptWord('collate')) {
        once('COLLATE', at);
        const t = this.peek();
        if (t?.kind === 'string') {
          this.i++;
          spec.collation = t.value;
        } else spec.collation = this.identifier('a collation name after COLLATE');
      } else if (this.isWord('constraint')) {
        this.fail('named constraints are not supported: the planner names its constraints and indexes');
      } else if (this.isWord('on')) {
        this.fail('ON UPDATE is not supported by the planner');
      } else if (this.isWord('character') || this.isWord('charset')) {
        this.fail('CHARACTER SET is not supported: the column gets the table\'s character set (use COLLATE to choose a collation)');
      } else {
        this.fail('could not understand this part of the column definition');
      }
    }
    return {
      name,
      type,
      nullable: nullable ?? true,
      default: def,
      ...spec,
      ...(this.folded.length > 0 ? { folded: [...this.folded] } : {}),
    };
  }

  private type(): { type: ColumnType; serial: boolean } {
    const first = this.peek();
    if (!first || (first.kind !== 'word' && first.kind !== 'quoted')) this.fail('expected a type name');
    if (first.kind === 'quoted') this.fail('quoted type names are not supported; write the type name unquoted');
    this.i++;
    let name = first.value;
    if (isPostgres(this.dialect) && this.isPunct('.') && this.peek(1)?.kind === 'word') {
      this.i++;
      name += `.${this.peek()!.value}`;
      this.i++;
    }
    if (name === 'double' && this.acceptWord('precision')) name = 'double precision';
    else if ((name === 'character' || name === 'char') && this.acceptWord('varying')) name = 'character varying';
    else if (name === 'bit' && this.acceptWord('varying')) name = 'bit varying';
    let params: number[] = [];
    let values: string[] | undefined;
    if (this.isPunct('(')) {
      const open = this.expectPunct('(', 'after the type');
      if (name === 'enum' || name === 'set') {
        values = [];
        for (;;) {
          const t = this.peek();
          if (t?.kind !== 'string') this.fail(`expected a quoted value in ${name.toUpperCase()}(…)`);
          this.i++;
          values.push(t.value);
          if (this.isPunct(',')) this.i++;
          else break;
        }
      } else {
        for (;;) {
          const t = this.peek();
          if (t?.kind !== 'number' || !/^\d+$/.test(t.text)) this.fail(`expected a whole number in the parameters of ${name}`);
          this.i++;
          params.push(Number(t.text));
          if (this.isPunct(',')) this.i++;
          else break;
        }
      }
      if (!this.isPunct(')')) this.fail(`expected ")" to close the parameters of ${name} opened at character ${open.start + 1}`);
      this.i++;
    }
    if ((name === 'timestamp' || name === 'time') && (this.isWord('with') || this.isWord('without'))) {
      const w = this.peek()!.value;
      this.i++;
      this.expectWord('time', `after ${w.toUpperCase()}`);
      this.expectWord('zone', `after ${w.toUpperCase()} TIME`);
      name = `${name} ${w} time zone`;
    }
    let array = false;
    if (isPostgres(this.dialect)) {
      while (this.isPunct('[')) {
        this.i++;
        if (this.peek()?.kind === 'number') this.i++;
        this.expectPunct(']', 'to close the array brackets');
        array = true;
      }
    }
    let unsigned = false;
    if (!isPostgres(this.dialect)) {
      for (;;) {
        if (this.acceptWord('unsigned')) unsigned = true;
        else if (this.acceptWord('signed')) unsigned = false;
        else if (this.isWord('zerofill')) this.fail('ZEROFILL is deprecated and not supported');
        else break;
      }
    }
    if (params.length === 0) params = [];
    const serialMatch = isPostgres(this.dialect) ? /^(smallserial|serial2|serial|serial4|bigserial|serial8)$/.exec(name) : null;
    const type: ColumnType = { name, params, ...(array ? { array } : {}), ...(unsigned ? { unsigned } : {}), ...(values ? { values } : {}) };
    return { type, serial: serialMatch !== null || (!isPostgres(this.dialect) && name === 'serial') };
  }

  private defaultValue(): ColumnDefault {
    const startTok = this.peek();
    if (!startTok) this.fail('expected a value after DEFAULT');
    // One literal, optionally signed and (PostgreSQL) cast: 'x', -1.5, true, NULL, '{}'::jsonb
    const j = this.i;
    let k = j;
    let sign = '';
    if (this.tokens[k]?.kind === 'punct' && (this.tokens[k]!.value === '-' || this.tokens[k]!.value === '+') && this.tokens[k + 1]?.kind === 'number') {
      sign = this.tokens[k]!.value === '-' ? '-' : '';
      k++;
    }
    const lit = this.tokens[k]!;
    let literal: string | undefined;
    if (lit.kind === 'number' && !(sign && BIT_LITERAL.test(lit.text))) literal = `${sign}${lit.text}`;
    else if (lit.kind === 'string' && !sign) literal = /^[eE]'/.test(lit.text) ? undefined : quoteLiteral(this.dialect, lit.value);
    else if (lit.kind === 'word' && ['true', 'false', 'null'].includes(lit.value) && !sign) literal = lit.value === 'null' ? 'NULL' : lit.value;
    if (literal !== undefined) {
      k++;
      if (isPostgres(this.dialect) && this.tokens[k]?.kind === 'punct' && this.tokens[k]!.value === '::') {
        const castStart = k;
        k++;
        const words: string[] = [];
        while (this.tokens[k]?.kind === 'word' && !(words.length > 0 && CLAUSE_WORDS.has(this.tokens[k]!.value))) {
          words.push(this.tokens[k]!.value);
          k++;
        }
        if (words.length === 0) this.fail('expected a type name after "::"', this.tokens[castStart]!.end);
        let cast = words.join(' ');
        if (this.tokens[k]?.value === '[' && this.tokens[k + 1]?.value === ']') {
          cast += '[]';
          k += 2;
        }
        literal += `::${cast}`;
      }
      if (!this.tokens[k] || (this.tokens[k]!.kind === 'word' && CLAUSE_WORDS.has(this.tokens[k]!.value))) {
        this.i = k;
        return { kind: 'literal', value: literal };
      }
    }
    // An expression: everything up to the next clause word at depth 0.
    let depth = 0;
    k = j;
    while (k < this.tokens.length) {
      const t = this.tokens[k]!;
      if (depth === 0 && k > j && t.kind === 'word' && CLAUSE_WORDS.has(t.value) && !(t.value === 'null' && this.tokens[k - 1]?.value === 'is')
        && !(t.value === 'not' && this.tokens[k + 1]?.value !== 'null')) break;
      if (t.kind === 'punct' && t.value === '(') depth++;
      if (t.kind === 'punct' && t.value === ')') {
        depth--;
        if (depth < 0) this.fail('unbalanced ")" in the DEFAULT expression', t.start);
      }
      k++;
    }
    if (depth > 0) this.fail('unclosed "(" in the DEFAULT expression', startTok.start);
    const sql = this.text.slice(startTok.start, this.tokens[k - 1]!.end).trim();
    this.i = k;
    return { kind: 'expression', sql };
  }

  private references(): ForeignKeySpec {
    let table = this.identifier('the referenced table after REFERENCES');
    let schema: string | undefined;
    if (this.isPunct('.')) {
      this.i++;
      schema = table;
      table = this.identifier('the referenced table after the schema');
    }
    if (!this.isPunct('(')) this.fail(`name the referenced column, e.g. REFERENCES ${table}(id)`);
    this.i++;
    const column = this.identifier('the referenced column');
    if (this.isPunct(',')) this.fail('a new column can reference only one column');
    this.expectPunct(')', 'after the referenced column');
    let onDelete: ForeignKeySpec['onDelete'];
    while (this.isWord('on') || this.isWord('match')) {
      if (this.isWord('match')) this.fail('MATCH is not supported');
      if (this.isWord('update', 1)) this.fail('ON UPDATE actions are not supported by the planner');
      this.i++;
      this.expectWord('delete', 'after ON');
      if (this.acceptWord('no', 'action')) onDelete = 'NO ACTION';
      else if (this.acceptWord('restrict')) onDelete = 'RESTRICT';
      else if (this.acceptWord('cascade')) onDelete = 'CASCADE';
      else if (this.acceptWord('set', 'null')) onDelete = 'SET NULL';
      else if (this.acceptWord('set', 'default')) onDelete = 'SET DEFAULT';
      else this.fail('expected NO ACTION, RESTRICT, CASCADE, SET NULL or SET DEFAULT after ON DELETE');
    }
    return { table, column, ...(schema ? { schema } : {}), ...(onDelete ? { onDelete } : {}) };
  }

  /** `( START WITH n INCREMENT BY n MINVALUE n MAXVALUE n CACHE n [NO] CYCLE )`; the defaults' NO MINVALUE/NO MAXVALUE are accepted. */
  private identityOptions(): Omit<IdentitySpec, 'always'> {
    this.expectPunct('(', 'after AS IDENTITY');
    const out: { -readonly [K in keyof IdentitySpec]?: IdentitySpec[K] } = {};
    const seen = new Set<string>();
    const number = (option: string): string => {
      let sign = '';
      if (this.isPunct('-')) {
        sign = '-';
        this.i++;
      } else if (this.isPunct('+')) this.i++;
      const t = this.peek();
      if (t?.kind !== 'number' || !/^\d+$/.test(t.text)) this.fail(`expected a whole number after ${option}`);
      this.i++;
      return `${sign}${t.text.replace(/^0+(?=\d)/, '')}`;
    };
    const once = (option: string, at: number) => {
      if (seen.has(option)) this.fail(`${option} appears twice`, at);
      seen.add(option);
    };
    while (!this.isPunct(')')) {
      const at = this.pos();
      if (!this.peek()) this.fail('unclosed "(" after AS IDENTITY');
      if (this.acceptWord('start')) {
        once('START', at);
        this.acceptWord('with');
        out.start = number('START WITH');
      } else if (this.acceptWord('increment')) {
        once('INCREMENT', at);
        this.acceptWord('by');
        out.increment = number('INCREMENT BY');
        if (/^-?0+$/.test(out.increment)) this.fail('INCREMENT BY cannot be 0', at);
      } else if (this.acceptWord('minvalue')) {
        once('MINVALUE', at);
        out.minValue = number('MINVALUE');
      } else if (this.acceptWord('maxvalue')) {
        once('MAXVALUE', at);
        out.maxValue = number('MAXVALUE');
      } else if (this.acceptWord('cache')) {
        once('CACHE', at);
        out.cache = number('CACHE');
      } else if (this.acceptWord('cycle')) {
        once('CYCLE', at);
        out.cycle = true;
      } else if (this.acceptWord('no')) {
        if (this.acceptWord('cycle')) once('CYCLE', at);
        else if (this.acceptWord('minvalue')) once('MINVALUE', at);
        else if (this.acceptWord('maxvalue')) once('MAXVALUE', at);
        else this.fail('expected CYCLE, MINVALUE or MAXVALUE after NO');
      } else {
        this.fail('this identity option is not supported (START WITH, INCREMENT BY, MINVALUE, MAXVALUE, CACHE and [NO] CYCLE are)');
      }
    }
    this.i++;
    return out;
  }

  private generated(spec: { -readonly [K in keyof ColumnSpec]?: ColumnSpec[K] }): void {
    if (this.acceptWord('generated')) {
      const at = this.pos();
      const always = this.acceptWord('always');
      if (always || this.acceptWord('by', 'default')) {
        if (this.acceptWord('as', 'identity')) {
          const options = this.isPunct('(') ? this.identityOptions() : {};
          if (!isPostgres(this.dialect)) {
            if (always) this.fail('MySQL/MariaDB have no GENERATED ALWAYS AS IDENTITY: AUTO_INCREMENT always accepts an explicit value, so ALWAYS cannot be kept. Write AUTO_INCREMENT', at);
            if (Object.keys(options).length > 0) this.fail('sequence options are PostgreSQL\'s: on MySQL/MariaDB the table\'s AUTO_INCREMENT option sets the next value. Write AUTO_INCREMENT', at);
          }
          spec.autoIncrement = true;
          if (isPostgres(this.dialect)) spec.identity = { always, ...options };
          return;
        }
      }
    }
    this.expectWord('as', 'in a generated column (GENERATED ALWAYS AS (expression) STORED)');
    if (this.acceptWord('identity')) this.fail('write GENERATED BY DEFAULT AS IDENTITY or GENERATED ALWAYS AS IDENTITY');
    const expression = this.parenthesized('after AS');
    let stored = false;
    if (this.acceptWord('stored') || this.acceptWord('persistent')) stored = true;
    else this.acceptWord('virtual');
    spec.generated = { expression, stored };
  }
}

/** Parses SQL column syntax (`ref_id bigint REFERENCES accounts(id)`) into a ColumnSpec; throws ColumnSyntaxError saying what and where. */
export function parseColumnDefinition(text: string, dialect: Dialect): ColumnSpec {
  return new Parser(text, tokenize(text, dialect), dialect).parse();
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering

export type RenderPart = 'default' | 'notNull' | 'unique' | 'check' | 'references' | 'comment' | 'position' | 'generated' | 'autoIncrement';

const TYPE_NAME = /^[a-z_][a-z0-9_]*(?: [a-z_][a-z0-9_]*)*(?:\.[a-z_][a-z0-9_]*)?$/;
const BIT_LITERAL = /^(?:[bB]'[01]*'|[xX]'[0-9a-fA-F]*'|0x[0-9a-fA-F]+|0b[01]+)$/;
const LITERAL = /^(?:[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[bB]'[01]*'|[xX]'[0-9a-fA-F]*'|0x[0-9a-fA-F]+|0b[01]+|true|false|null|'(?:[^'\\]|'')*'|E'(?:[^'\\]|''|\\.)*'|_utf8mb4 X'[0-9A-F]*')(?:::[a-z_][a-z0-9_ ]*(?:\[\])?)?$/i;

/** `varchar(255)`, `timestamp(3) with time zone`, `int[]`, `int unsigned`, `enum('a','b')`. Throws SqlTextError on a name that is not a plain type name. */
export function renderType(dialect: Dialect, type: ColumnType): string {
  if (!TYPE_NAME.test(type.name)) throw new SqlTextError(`"${type.name}" is not a type name this tool can write (letters, digits, _ and spaces only)`);
  if (type.params.some((p) => !Number.isInteger(p) || p < 0)) throw new SqlTextError(`type parameters must be whole numbers, got (${type.params.join(', ')})`);
  const args = type.values ? `(${type.values.map((v) => quotePlainString(dialect, v)).join(',')})` : type.params.length ? `(${type.params.join(',')})` : '';
  const zone = /^(timestamp|time) (with|without) time zone$/.exec(type.name);
  let out = zone && args ? `${zone[1]}${args} ${zone[2]} time zone` : `${type.name}${args}`;
  if (type.array && isPostgres(dialect)) out += '[]';
  if (type.unsigned && !isPostgres(dialect)) out += ' unsigned';
  return out;
}

/** The DEFAULT value as SQL, checking literal text and expression text from outside the parser. */
export function renderDefault(dialect: Dialect, def: ColumnDefault): string | null {
  if (def.kind === 'none') return null;
  if (def.kind === 'literal') {
    if (!LITERAL.test(def.value)) throw new SqlTextError(`the DEFAULT ${JSON.stringify(def.value)} is not a SQL literal; quote strings, e.g. '${def.value.replace(/'/g, "''")}'`);
    return def.value;
  }
  const problem = expressionProblem(dialect, def.sql);
  if (problem) throw new SqlTextError(`the DEFAULT expression ${JSON.stringify(def.sql)} cannot be used: ${problem}`);
  const sql = def.sql.trim();
  if (isPostgres(dialect) || sql.startsWith('(') || /^(current_timestamp|now|localtime|localtimestamp)(\s*\(\s*\d*\s*\))?$/i.test(sql)) return sql;
  return `(${sql})`;
}

/** `GENERATED ALWAYS|BY DEFAULT AS IDENTITY [(options)]`; BY DEFAULT when the spec says only `autoIncrement`. */
export function renderIdentity(identity: IdentitySpec | undefined): string {
  const generation = `GENERATED ${identity?.always ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`;
  if (!identity) return generation;
  const whole = (option: string, v: string): string => {
    if (!/^-?\d+$/.test(v)) throw new SqlTextError(`the identity option ${option} ${JSON.stringify(v)} is not a whole number`);
    return `${option} ${v}`;
  };
  const options = [
    identity.start !== undefined ? whole('START WITH', identity.start) : '',
    identity.increment !== undefined ? whole('INCREMENT BY', identity.increment) : '',
    identity.minValue !== undefined ? whole('MINVALUE', identity.minValue) : '',
    identity.maxValue !== undefined ? whole('MAXVALUE', identity.maxValue) : '',
    identity.cache !== undefined ? whole('CACHE', identity.cache) : '',
    identity.cycle ? 'CYCLE' : '',
  ].filter((o) => o !== '');
  return options.length > 0 ? `${generation} (${options.join(' ')})` : generation;
}

export function checkedExpression(dialect: Dialect, what: string, sql: string): string {
  const problem = expressionProblem(dialect, sql);
  if (problem) throw new SqlTextError(`the ${what} expression ${JSON.stringify(sql)} cannot be used: ${problem}`);
  return sql.trim();
}

/** The column definition as SQL for `ADD COLUMN`, every identifier quoted; `omit` leaves parts out (the planner adds them as separate steps). */
export function renderColumnDefinition(dialect: Dialect, spec: ColumnSpec, opts: { omit?: readonly RenderPart[] } = {}): string {
  const omit = new Set(opts.omit ?? []);
  const pg = isPostgres(dialect);
  const parts: string[] = [quoteIdent(dialect, spec.name), renderType(dialect, spec.type)];
  if (spec.collation) parts.push(`COLLATE ${quoteIdent(dialect, spec.collation)}`);
  if (spec.generated && !omit.has('generated')) {
    parts.push(`GENERATED ALWAYS AS (${checkedExpression(dialect, 'generated', spec.generated.expression)}) ${spec.generated.stored ? 'STORED' : 'VIRTUAL'}`);
  }
  const serial = pg && isSerialType(spec.type.name);
  if (pg && spec.autoIncrement && !serial && !omit.has('autoIncrement')) parts.push(renderIdentity(spec.identity));
  const notNull = !spec.nullable && !omit.has('notNull');
  // MariaDB refuses NULL/NOT NULL on a generated column; MySQL accepts NOT NULL there.
  if (!pg && (!spec.generated || omit.has('generated'))) parts.push(notNull ? 'NOT NULL' : 'NULL');
  else if (dialect === 'mysql' && notNull) parts.push('NOT NULL');
  const def = omit.has('default') ? null : renderDefault(dialect, spec.default);
  if (def !== null) parts.push(`DEFAULT ${def}`);
  if (pg && notNull) parts.push('NOT NULL');
  if (!pg && spec.autoIncrement && !omit.has('autoIncrement')) parts.push('AUTO_INCREMENT');
  if (spec.unique && !omit.has('unique')) parts.push('UNIQUE');
  if (spec.check && !omit.has('check')) parts.push(`CHECK (${checkedExpression(dialect, 'CHECK', spec.check)})`);
  // MySQL/MariaDB ignore an inline REFERENCES in a column definition, so it is only written for PostgreSQL.
  if (pg && spec.references && !omit.has('references')) {
    const r = spec.references;
    parts.push(`REFERENCES ${r.schema ? `${quoteIdent(dialect, r.schema)}.` : ''}${quoteIdent(dialect, r.table)} (${quoteIdent(dialect, r.column)})${r.onDelete ? ` ON DELETE ${r.onDelete}` : ''}`);
  }
  if (!pg && spec.comment !== undefined && !omit.has('comment')) parts.push(`COMMENT ${quotePlainString(dialect, spec.comment)}`);
  if (!pg && spec.position && spec.position.kind !== 'last' && !omit.has('position')) {
    parts.push(spec.position.kind === 'first' ? 'FIRST' : `AFTER ${quoteIdent(dialect, spec.position.column)}`);
  }
  return parts.join(' ');
}

// ---------------------------------------------------------------------------------------------------------------
// Validation

const INT_RANGES: Record<string, [bigint, bigint]> = {
  smallint: [-32768n, 32767n], int2: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n], int: [-2147483648n, 2147483647n], int4: [-2147483648n, 2147483647n],
  bigint: [-9223372036854775808n, 9223372036854775807n], int8: [-9223372036854775808n, 9223372036854775807n],
  tinyint: [-128n, 127n], mediumint: [-8388608n, 8388607n],
};
const TEXT_WIDE = new Set(['text', 'mediumtext', 'longtext', 'blob', 'mediumblob', 'longblob', 'bytea', 'json', 'jsonb', 'xml']);
const FIXED_CHAR = new Set(['char', 'character', 'bpchar', 'nchar', 'binary']);
const VAR_CHAR = new Set(['varchar', 'character varying', 'nvarchar', 'varbinary']);

/** The decoded text of a string literal (`'it''s'` → `it's`), or null when `value` is not a plain string literal. */
function stringLiteralValue(value: string): string | null {
  const m = /^'((?:[^']|'')*)'(?:::.*)?$/s.exec(value);
  return m ? m[1]!.replace(/''/g, "'") : null;
}

function defaultFitProblem(spec: ColumnSpec, dialect: Dialect): string | null {
  if (spec.default.kind !== 'literal') return null;
  const raw = spec.default.value;
  if (raw.toUpperCase() === 'NULL') return spec.nullable ? null : 'DEFAULT NULL on a NOT NULL column';
  if (BIT_LITERAL.test(raw)) return null;
  const t = spec.type;
  if (t.array) return null;
  const str = stringLiteralValue(raw);
  const numText = str ?? (/^[-+]?[\d.]/.test(raw) ? raw : null);
  const range = INT_RANGES[t.name];
  if (range) {
    if (dialect !== 'postgres' && /^(true|false)$/i.test(raw)) return null;
    if (numText === null || !/^\s*[-+]?\d+\s*$/.test(numText)) return `${raw} is not a whole number for ${t.name}`;
    let [lo, hi] = range;
    if (t.unsigned) {
      lo = 0n;
      hi = hi * 2n + 1n;
    }
    const n = BigInt(numText.trim());
    if (n < lo || n > hi) return `${numText.trim()} is outside the range of ${t.name}${t.unsigned ? ' unsigned' : ''} (${lo} to ${hi})`;
    return null;
  }
  if (['numeric', 'decimal', 'dec', 'real', 'float', 'float4', 'float8', 'double precision', 'double'].includes(t.name)) {
    if (numText === null || !/^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/.test(numText)) return `${raw} is not a number for ${t.name}`;
    if ((t.name === 'numeric' || t.name === 'decimal' || t.name === 'dec') && t.params.length > 0) {
      const [p, s = 0] = t.params as [number, number?];
      const intDigits = numText.trim().replace(/^[-+]/, '').split('.')[0]!.replace(/^0+/, '').length;
      if (intDigits > p - s) return `${numText.trim()} does not fit ${t.name}(${p},${s}): at most ${p - s} digits before the decimal point`;
    }
    return null;
  }
  if (t.name === 'boolean' || t.name === 'bool') {
    const ok = dialect === 'postgres' ? /^(true|false|'(t|f|true|false|yes|no|on|off|1|0|y|n)')$/i : /^(true|false|0|1)$/i;
    return ok.test(raw) ? null : `${raw} is not a boolean value`;
  }
  if (VAR_CHAR.has(t.name) || FIXED_CHAR.has(t.name)) {
    if (str === null) return null;
    const n = t.params[0] ?? (FIXED_CHAR.has(t.name) ? 1 : undefined);
    if (n !== undefined && [...str].length > n) return `'${str}' is ${[...str].length} characters, longer than ${t.name}(${n})`;
    return null;
  }
  if (t.name === 'uuid' && str !== null && !/^\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i.test(str)) return `'${str}' is not a UUID`;
  if ((t.name === 'json' || t.name === 'jsonb') && str !== null) {
    try {
      JSON.parse(str);
    } catch {
      return `'${str}' is not valid JSON`;
    }
  }
  if (t.name === 'date' && str !== null && !/^\d{4}-\d{2}-\d{2}$/.test(str) && !/^(infinity|-infinity|today|epoch)$/i.test(str)) return `'${str}' is not a date (YYYY-MM-DD)`;
  if (t.name === 'enum' && t.values && str !== null && !t.values.includes(str)) return `'${str}' is not one of the ENUM values`;
  return null;
}

function finding(code: string, severity: Finding['severity'], message: string, field?: keyof ColumnSpec, fix?: string): Finding {
  return { code, severity, message, ...(field ? { field } : {}), ...(fix ? { fix } : {}) };
}

function identifierFindings(name: string, what: string, target: Target, field: keyof ColumnSpec): Finding[] {
  const caps = capabilities(target);
  const out: Finding[] = [];
  if (name === '') return [finding('identifier-empty', 'error', `The ${what} is empty; give it a name.`, field)];
  if (name.trim() === '') {
    if (target.dialect === 'postgres') out.push(finding('identifier-whitespace', 'warning', `The ${what} ${JSON.stringify(name)} is only white space: PostgreSQL accepts it quoted, but every query must quote it exactly.`, field));
  } else if (name !== name.trim()) out.push(finding('identifier-whitespace', 'warning', `The ${what} ${JSON.stringify(name)} starts or ends with white space; it becomes part of the name.`, field, name.trim()));
  const length = caps.identifierLengthUnit === 'bytes' ? utf8Length(name) : [...name].length;
  if (length > caps.identifierMaxLength) {
    out.push(finding('identifier-too-long', 'error',
      `The ${what} is ${length} ${caps.identifierLengthUnit}; ${target.dialect === 'postgres' ? 'PostgreSQL truncates names longer than 63 bytes' : `${target.dialect === 'mysql' ? 'MySQL' : 'MariaDB'} rejects names longer than 64 characters`}. Shorten it.`, field));
  }
  if (isReservedWord(target.dialect, name)) out.push(finding('reserved-word', 'warning', `"${name}" is a reserved word: it is always quoted here, but hand-written queries must quote it too. Consider another name.`, field));
  const wide = [...name].filter((ch) => ch.codePointAt(0)! > 0xffff);
  if (target.dialect !== 'postgres' && wide.length) {
    const named = [...new Set(wide)].map((ch) => `${ch} (U+${ch.codePointAt(0)!.toString(16).toUpperCase()})`).join(', ');
    out.push(finding('identifier-character', 'error', `${target.dialect === 'mysql' ? 'MySQL' : 'MariaDB'} names may only use characters of the Basic Multilingual Plane: ${JSON.stringify(name)} has ${named}. Use another character.`, field));
  }
  if (target.dialect !== 'postgres' && /\s$/.test(name)) out.push(finding('identifier-trailing-space', 'error', `${target.dialect === 'mysql' ? 'MySQL' : 'MariaDB'} does not allow a name ending with white space (${JSON.stringify(name)}).`, field));
  return out;
}

/** Whether two column names name the same column: exact on PostgreSQL (after folding), case-insensitive on MySQL/MariaDB. */
export function sameColumnName(dialect: Dialect, a: string, b: string): boolean {
  return isPostgres(dialect) ? a === b : a.toLowerCase() === b.toLowerCase();
}

/** The finding for a name the table already has (the wizard's form and the server check say the same). */
export function columnExists(existing: string, type?: string): Finding {
  return finding('column-exists', 'error', `The table already has a column "${existing}"${type ? ` (${type})` : ''}. Choose another name.`, 'name');
}

/** The field a folded name belongs to. */
function foldedField(spec: ColumnSpec, name: string): keyof ColumnSpec {
  if (spec.name === name) return 'name';
  if (spec.collation === name) return 'collation';
  if (spec.position?.kind === 'after' && spec.position.column === name) return 'position';
  return 'references';
}

/** Checks a column against the target server and, when known, the live table. Every finding says what to do. */
export function validateColumn(spec: ColumnSpec, target: Target, facts?: TableFacts): Finding[] {
  const { dialect } = target;
  const caps = capabilities(target);
  const pg = dialect === 'postgres';
  const out: Finding[] = [...identifierFindings(spec.name, 'column name', target, 'name')];
  // A negative or missing estimate on a live table (never analyzed) counts as "has rows"; offline without facts, as empty.
  const hasRows = facts !== undefined && facts.rows !== 0;
  const rowsText = facts && facts.rows > 0 ? `${facts.rows}` : 'an unknown number of';

  for (const f of spec.folded ?? []) {
    out.push(finding('name-folded', 'info', `The unquoted name ${f.typed} is ${f.name} to PostgreSQL, as in psql: unquoted names are folded to lower case. To keep the case, quote it: ${quoteIdent('postgres', f.typed)}.`, foldedField(spec, f.name)));
  }
  if (spec.identity && !pg) out.push(finding('identity-unsupported', 'error', `${dialect === 'mysql' ? 'MySQL' : 'MariaDB'} has no identity columns; use AUTO_INCREMENT (it always accepts an explicit value, and the table's AUTO_INCREMENT option sets the next value).`, 'autoIncrement'));
  const existing = facts?.columns?.find((c) => sameColumnName(dialect, c.name, spec.name));
  if (existing) out.push(columnExists(existing.name, existing.type));

  const t = spec.type;
  const known = knownTypes(dialect).has(t.name);
  if (!known) {
    out.push(pg
      ? finding('unknown-type', 'warning', `"${t.name}" is not a built-in PostgreSQL type. If it is a domain, enum or extension type, make sure it exists; a domain with constraints rewrites the table.`, 'type')
      : finding('unknown-type', 'error', `"${t.name}" is not a ${dialect === 'mysql' ? 'MySQL' : 'MariaDB'} type.`, 'type'));
  }
  if (t.array && !pg) out.push(finding('array-unsupported', 'error', 'Array types exist only in PostgreSQL; use json.', 'type'));
  if (t.unsigned && pg) out.push(finding('unsigned-unsupported', 'error', 'PostgreSQL has no UNSIGNED; use a CHECK (col >= 0) or a wider type.', 'type'));
  if (pg && t.name === 'json') out.push(finding('prefer-jsonb', 'warning', 'json has no equality operator (SELECT DISTINCT and GROUP BY fail) and is re-parsed on every read.', 'type', 'jsonb'));
  if (pg && (t.name === 'timestamp' || t.name === 'timestamp without time zone')) out.push(finding('prefer-timestamptz', 'info', 'timestamp without time zone stores wall-clock time with no zone; timestamptz is usually what you want.', 'type', 'timestamptz'));
  if (TEXT_WIDE.has(t.name) && !pg) out.push(finding('wide-type', 'info', `${t.name} is stored off-page and cannot be indexed without a prefix length; a bounded varchar is cheaper to scan and index if the values are short.`, 'type'));
  if (FIXED_CHAR.has(t.name) && (t.params[0] ?? 1) > 64) out.push(finding('wide-fixed-width', 'warning', `${t.name}(${t.params[0]}) pads every value to ${t.params[0]} characters: storage and scan cost on every row. Use varchar(${t.params[0]}).`, 'type', `varchar(${t.params[0]})`));
  if (VAR_CHAR.has(t.name) && !pg && (t.params[0] ?? 0) > 16383) out.push(finding('wide-type', 'warning', `${t.name}(${t.params[0]}) is wider than a utf8mb4 row allows (65,535 bytes); use a TEXT type.`, 'type'));
  if (VAR_CHAR.has(t.name) && !pg && t.params.length === 0) out.push(finding('varchar-length-required', 'error', `${dialect === 'mysql' ? 'MySQL' : 'MariaDB'} needs a length: ${t.name}(255).`, 'type'));
  if (pg && (t.name === 'char' || t.name === 'character')) out.push(finding('prefer-text', 'info', 'char(n) pads with spaces and is no faster than text or varchar in PostgreSQL.', 'type', 'text'));

  if (dialect === 'mysql' && spec.default.kind === 'literal' && spec.default.value.toUpperCase() !== 'NULL'
    && (TEXT_WIDE.has(t.name) || /^(tinytext|tinyblob|geometry|point|linestring|polygon)$/.test(t.name))) {
    out.push(finding('default-not-allowed', 'error', `MySQL does not allow a literal DEFAULT on ${t.name} columns; write it as an expression, DEFAULT (${spec.default.value}) (8.0.13+).`, 'default', `DEFAULT (${spec.default.value})`));
  }
  const fit = defaultFitProblem(spec, dialect);
  if (fit) out.push(finding('default-does-not-fit', 'error', `The DEFAULT does not fit the type: ${fit}.`, 'default'));
  if (spec.default.kind === 'expression') {
    const problem = expressionProblem(dialect, spec.default.sql);
    if (problem) out.push(finding('expression-invalid', 'error', `The DEFAULT expression cannot be used: ${problem}.`, 'default'));
    if (!caps.expressionDefaults) out.push(finding('expression-default-unsupported', 'error', `${dialect === 'mysql' ? 'MySQL' : 'MariaDB'} ${target.version} has no expression defaults (MySQL 8.0.13, MariaDB 10.2.1); set the value from the application.`, 'default'));
    const vol = defaultVolatility(spec.default.sql, dialect);
    if (vol === 'unknown') out.push(finding('volatility-unknown', 'info', `The volatility of DEFAULT ${spec.default.sql} is not known offline; the plan assumes volatile (backfill in batches). With a connection it is read from pg_proc.`, 'default'));
  }
  if (spec.check) {
    const problem = expressionProblem(dialect, spec.check);
    if (problem) out.push(finding('expression-invalid', 'error', `The CHECK expression cannot be used: ${problem}.`, 'check'));
    if (!caps.checkConstraints) out.push(finding('check-ignored', 'error', `MySQL ${target.version} parses CHECK but does not enforce it (enforced from 8.0.16).`, 'check'));
  }
  if (spec.generated) {
    const problem = expressionProblem(dialect, spec.generated.expression);
    if (problem) out.push(finding('expression-invalid', 'error', `The generated expression cannot be used: ${problem}.`, 'generated'));
    if (dialect === 'mariadb' && !spec.nullable) out.push(finding('generated-not-null', 'error', 'MariaDB does not allow NOT NULL on a generated column.', 'nullable'));
    if (!spec.generated.stored && spec.references) out.push(finding('fk-on-virtual', 'error', 'A foreign key cannot be defined on a VIRTUAL generated column; make it STORED or reference from a plain column.', 'references'));
    if (spec.default.kind !== 'none') out.push(finding('generated-with-default', 'error', 'A generated column cannot have a DEFAULT.', 'default'));
    if (pg && !spec.generated.stored && !caps.virtualGeneratedColumns) out.push(finding('virtual-generated-unsupported', 'error', `PostgreSQL ${target.version} has only STORED generated columns (VIRTUAL from 18), and adding one rewrites the table.`, 'generated'));
    if (pg && spec.generated.stored && !caps.storedGeneratedColumns) out.push(finding('generated-unsupported', 'error', `PostgreSQL ${target.version} has no generated columns (12 and later).`, 'generated'));
    if (spec.generated.stored && hasRows) out.push(finding('generated-stored-rewrite', 'warning', `A STORED generated column is computed for all ${rowsText} rows by a rewrite that blocks writes.${pg && caps.virtualGeneratedColumns ? ' A VIRTUAL one is added instantly.' : ''}${!pg ? ' A VIRTUAL one is added instantly.' : ''}`, 'generated', 'VIRTUAL'));
  }
  if (!spec.nullable && spec.default.kind === 'none' && !spec.generated && !spec.autoIncrement && hasRows) {
    out.push(finding('not-null-without-default', 'warning',
      `NOT NULL without a DEFAULT on a table with ${rowsText} rows: ${pg ? 'the ALTER would fail' : 'existing rows would get the zero value and INSERTs that omit the column would fail'}. The plan adds the column nullable and enforces NOT NULL after the existing rows have values — give a DEFAULT, or fill the rows before the constrain phase.`,
      'default'));
  }
  if (spec.unique && hasRows && facts.rows !== 1 && (spec.default.kind === 'literal' && spec.default.value.toUpperCase() !== 'NULL' || (spec.default.kind === 'expression' && defaultVolatility(spec.default.sql, dialect) !== 'volatile'))) {
    out.push(finding('unique-constant-default', facts.rows > 1 ? 'error' : 'warning', `UNIQUE with the same DEFAULT for all ${rowsText} existing rows cannot succeed: every row would have the same value. Use a volatile default (e.g. ${pg ? 'gen_random_uuid()' : 'UUID()'}) or no default.`, 'unique'));
  }
  if (spec.index && !spec.unique && !spec.references) {
    out.push(finding('index-write-cost', 'info', 'An index slows every INSERT and UPDATE of the table. Keep it only if queries filter, join or sort on this column.', 'index'));
  }
  if (spec.references) {
    out.push(...identifierFindings(spec.references.table, 'referenced table', target, 'references').filter((f) => f.severity === 'error'));
    if (!pg && facts?.engine && facts.engine.toLowerCase() !== 'innodb') out.push(finding('fk-engine', 'error', `${facts.engine} tables ignore foreign keys; only InnoDB enforces them.`, 'references'));
    if (!spec.index && !spec.unique) out.push(finding('fk-without-index', 'info', 'A foreign key without an index on the referencing column makes deletes and updates of the referenced rows scan this table; the plan adds one.', 'references'));
  }
  if (spec.position && spec.position.kind !== 'last') {
    if (pg) out.push(finding('position-unsupported', 'error', 'PostgreSQL always adds a column at the end; FIRST/AFTER do not exist.', 'position'));
    else if (spec.position.kind === 'after' && facts?.columns) {
      const after = spec.position.column.toLowerCase();
      if (!facts.columns.some((c) => c.name.toLowerCase() === after)) out.push(finding('position-column-missing', 'error', `AFTER ${spec.position.column}: the table has no such column.`, 'position'));
    }
    if (!pg && !caps.instantAnyPosition && caps.instantAddColumn) out.push(finding('position-not-instant', 'warning', `${dialect === 'mysql' ? 'MySQL' : 'MariaDB'} ${target.version} adds a column instantly only at the end; FIRST/AFTER rebuilds the table.`, 'position', 'add it at the end'));
  }
  if (spec.autoIncrement && hasRows) {
    out.push(finding('auto-increment-rewrite', 'warning', `An ${pg ? 'identity/serial' : 'AUTO_INCREMENT'} column gives every existing row a value: ${pg ? 'a rewrite under ACCESS EXCLUSIVE' : 'a rebuild that blocks writes'}.`, 'autoIncrement'));
  }
  if (!pg && (spec.comment?.includes('\\') || t.values?.some((v) => v.includes('\\')))) {
    out.push(finding('backslash-escapes', 'info', 'The comment or ENUM values contain a backslash; it is written doubled, which assumes the session does not set NO_BACKSLASH_ESCAPES.', spec.comment?.includes('\\') ? 'comment' : 'type'));
  }
  if (spec.comment !== undefined && spec.comment.length > 1024 && !pg) out.push(finding('comment-too-long', 'error', 'Column comments are limited to 1024 characters.', 'comment'));
  if (spec.collation && !/^[\p{L}\p{N}_.\- ]+$/u.test(spec.collation)) out.push(finding('collation-invalid', 'error', `"${spec.collation}" is not a collation name.`, 'collation'));
  return out;
}
