/**
 * The parser of SQL column syntax: tokens in, ColumnSpec out, ColumnSyntaxError saying what and where otherwise. Pure.
 *
 *   parseColumnDefinition('email_verified boolean NOT NULL DEFAULT false', 'postgres')
 *   → { name: 'email_verified', type: { name: 'boolean', params: [] }, nullable: false, default: { kind: 'literal', value: 'false' } }
 */
import { isPostgres, quoteLiteral } from '../sql';
import type { ColumnDefault, ColumnSpec, ColumnType, Dialect, ForeignKeySpec, IdentitySpec } from '../types';
import { BIT_LITERAL, ColumnSyntaxError, near, tokenize, type Token } from './tokenize';

const CLAUSE_WORDS = new Set([
  'not',
  'null',
  'default',
  'unique',
  'primary',
  'references',
  'check',
  'generated',
  'as',
  'auto_increment',
  'comment',
  'first',
  'after',
  'collate',
  'constraint',
  'on',
  'key',
  'invisible',
  'visible',
  'identity',
  'character',
  'charset',
]);

class Parser {
  private i = 0;
  /** Unquoted names folded to what the server makes of them. */
  readonly folded: { typed: string; name: string }[] = [];
  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
    private readonly dialect: Dialect,
  ) {}

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
    if (this.tokens.length === 0)
      throw new ColumnSyntaxError('the column definition is empty: write a name and a type, e.g. "email text"', 0);
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
        this.fail(
          'PRIMARY KEY cannot be added with a new column on a live table; add the column, then build a unique index concurrently and attach it',
        );
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
        this.fail("CHARACTER SET is not supported: the column gets the table's character set (use COLLATE to choose a collation)");
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
    const type: ColumnType = {
      name,
      params,
      ...(array ? { array } : {}),
      ...(unsigned ? { unsigned } : {}),
      ...(values ? { values } : {}),
    };
    return { type, serial: serialMatch !== null || (!isPostgres(this.dialect) && name === 'serial') };
  }

  private defaultValue(): ColumnDefault {
    const startTok = this.peek();
    if (!startTok) this.fail('expected a value after DEFAULT');
    // One literal, optionally signed and (PostgreSQL) cast: 'x', -1.5, true, NULL, '{}'::jsonb
    const j = this.i;
    let k = j;
    let sign = '';
    if (
      this.tokens[k]?.kind === 'punct' &&
      (this.tokens[k]!.value === '-' || this.tokens[k]!.value === '+') &&
      this.tokens[k + 1]?.kind === 'number'
    ) {
      sign = this.tokens[k]!.value === '-' ? '-' : '';
      k++;
    }
    const lit = this.tokens[k]!;
    let literal: string | undefined;
    if (lit.kind === 'number' && !(sign && BIT_LITERAL.test(lit.text))) literal = `${sign}${lit.text}`;
    else if (lit.kind === 'string' && !sign) literal = /^[eE]'/.test(lit.text) ? undefined : quoteLiteral(this.dialect, lit.value);
    else if (lit.kind === 'word' && ['true', 'false', 'null'].includes(lit.value) && !sign)
      literal = lit.value === 'null' ? 'NULL' : lit.value;
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
      if (
        depth === 0 &&
        k > j &&
        t.kind === 'word' &&
        CLAUSE_WORDS.has(t.value) &&
        !(t.value === 'null' && this.tokens[k - 1]?.value === 'is') &&
        !(t.value === 'not' && this.tokens[k + 1]?.value !== 'null')
      )
        break;
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
            if (always)
              this.fail(
                'MySQL/MariaDB have no GENERATED ALWAYS AS IDENTITY: AUTO_INCREMENT always accepts an explicit value, so ALWAYS cannot be kept. Write AUTO_INCREMENT',
                at,
              );
            if (Object.keys(options).length > 0)
              this.fail(
                "sequence options are PostgreSQL's: on MySQL/MariaDB the table's AUTO_INCREMENT option sets the next value. Write AUTO_INCREMENT",
                at,
              );
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
