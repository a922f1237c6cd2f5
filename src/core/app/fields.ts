/**
 * The declaration of one column inside a model the scan found, and its required (NOT NULL) form per ORM: what the
 * final model edit changes once the constrain phase made the column NOT NULL. Pure: text in, offsets out.
 */
import type { NotNullCheck } from '../plan';
import type { ModelMatch } from './scan';
import { balanced, camelCase, esc, statementEnd } from './text';

export interface Span {
  readonly start: number;
  readonly end: number;
}

const lineStart = (text: string, offset: number) => text.lastIndexOf('\n', offset - 1) + 1;

/** Offset of the first character of 1-based `line`. */
export function lineOffset(text: string, line: number): number {
  let at = 0;
  for (let n = 1; n < line && at !== -1; n++) at = text.indexOf('\n', at) + 1 || -1;
  return at === -1 ? text.length : at;
}

/** The model's body (between its braces, or a Python class's indented block), or null when the model has none to edit. */
export function modelBody(m: ModelMatch, text: string): Span | null {
  const at = lineOffset(text, m.line);
  const group = (open: number): Span | null => (open < 0 ? null : { start: open + 1, end: open + 1 + balanced(text, open).length });
  switch (m.kind) {
    case 'prisma':
    case 'drizzle':
    case 'sequelize':
      return group(text.indexOf('{', at));
    case 'typeorm': {
      const cls = text.indexOf(`class ${m.name}`, at);
      return cls < 0 ? null : group(text.indexOf('{', cls));
    }
    case 'kysely': {
      const iface = new RegExp(`(?:interface\\s+${esc(m.name)}\\s*(?:extends[^{]*)?\\{|type\\s+${esc(m.name)}\\s*=\\s*\\{)`).exec(text);
      return iface ? group(iface.index + iface[0].length - 1) : null;
    }
    case 'sqlalchemy':
    case 'django': {
      // `Table("orders", …)`: the call's arguments; a class: its indented lines.
      const eol = text.indexOf('\n', at);
      if (!/^\s*class\s/.test(text.slice(at, eol === -1 ? text.length : eol))) return group(text.indexOf('(', at));
      const start = text.indexOf('\n', at) + 1;
      if (start === 0) return null;
      const next = /^\S/m.exec(text.slice(start));
      return { start, end: next ? start + next.index : text.length };
    }
    case 'activerecord':
      return null;
  }
}

/**
 * Where the model declares `column`: the whole declaration (a TypeORM property with its decorators; a multi-line
 * call), found by the field name at the start of a line (`ref String?`, `ref: …`, `ref = …`) or, failing that, by the
 * column name in quotes (`@map("ref")`, `uuid('ref')`, `Column("ref", …)`).
 */
export function fieldDeclaration(m: ModelMatch, text: string, column: string): Span | null {
  const b = modelBody(m, text);
  if (!b) return null;
  const body = text.slice(b.start, b.end);
  const names = [...new Set([column, camelCase(column)])].map(esc).join('|');
  const byName = new RegExp(`^[ \\t]*["']?(?:${names})["']?[ \\t]*[!?]?[ \\t]*(?:[:=]|[ \\t]+\\S)`, 'm').exec(body);
  const pos = byName ? byName.index : body.search(new RegExp(`["'\`]${esc(column)}["'\`]`));
  if (pos < 0) return null;
  let start = lineStart(text, b.start + pos);
  if (start < b.start) start = b.start;
  let end = statementEnd(text, start);
  if (m.kind === 'typeorm') {
    // From a decorator line, the declaration runs on to the property; from the property, back over its decorators.
    while (/^\s*@/.test(text.slice(start, end).split('\n').pop() ?? '') && end < b.end) end = statementEnd(text, end + 1);
    const before = text.slice(b.start, start);
    const decorators = /(?:@\w+\((?:[^()]|\([^()]*\))*\)\s*)+$/.exec(before);
    if (decorators) start = lineStart(text, b.start + decorators.index);
  }
  return { start, end: Math.min(end, b.end) };
}

/** The declaration's text in its required (NOT NULL) form, and whether it already is. */
export function requiredForm(kind: ModelMatch['kind'], decl: string): { readonly required: boolean; readonly text: string } {
  const same = (required: boolean) => ({ required, text: decl });
  switch (kind) {
    case 'prisma': {
      const optional = /^(\s*\w+\s+[A-Za-z_]\w*(?:\("[^"]*"\))?)\?/.exec(decl);
      return optional ? { required: false, text: optional[1]! + decl.slice(optional[0].length) } : same(true);
    }
    case 'drizzle':
      return /\.notNull\(\)|\.primaryKey\(\)/.test(decl)
        ? same(true)
        : { required: false, text: decl.replace(/(\s*,?\s*)$/, '.notNull()$1') };
    case 'typeorm': {
      if (!/nullable\s*:\s*true|\|\s*null\b|\w\?:/.test(decl)) return same(true);
      return {
        required: false,
        text: decl
          .replace(/nullable\s*:\s*true/, 'nullable: false')
          .replace(/\s*\|\s*null\b/g, '')
          .replace(/(\w)\?:/, '$1!:'),
      };
    }
    case 'sequelize': {
      if (/allowNull\s*:\s*false/.test(decl)) return same(true);
      if (/allowNull\s*:\s*true/.test(decl)) return { required: false, text: decl.replace(/allowNull\s*:\s*true/, 'allowNull: false') };
      // Sequelize allows NULL unless told otherwise.
      if (/\}\s*,?\s*$/.test(decl)) return { required: false, text: decl.replace(/\s*\}(\s*,?\s*)$/, ', allowNull: false }$1') };
      const short = /^(\s*["']?\w+["']?\s*:\s*)(.+?)(\s*,?\s*)$/s.exec(decl);
      return short ? { required: false, text: `${short[1]}{ type: ${short[2]}, allowNull: false }${short[3]}` } : same(false);
    }
    case 'kysely':
      return /\|\s*null\b|\w\?:/.test(decl)
        ? { required: false, text: decl.replace(/\s*\|\s*null\b/g, '').replace(/(\w)\?:/, '$1:') }
        : same(true);
    case 'sqlalchemy': {
      if (/nullable\s*=\s*False|primary_key\s*=\s*True/.test(decl)) return same(true);
      if (/nullable\s*=\s*True/.test(decl))
        return { required: false, text: decl.replace(/nullable\s*=\s*True/, 'nullable=False').replace(/Optional\[([^\]]+)\]/, '$1') };
      if (/Optional\[/.test(decl)) return { required: false, text: decl.replace(/Optional\[([^\]]+)\]/, '$1') };
      if (/Mapped\[/.test(decl)) return same(true);
      // A Column is nullable unless told otherwise.
      return { required: false, text: decl.replace(/\)(\s*(?:#.*)?)$/, ', nullable=False)$1') };
    }
    case 'django':
      return /\bnull\s*=\s*True/.test(decl)
        ? { required: false, text: decl.replace(/\(\s*null\s*=\s*True\s*,\s*/, '(').replace(/,?\s*\bnull\s*=\s*True\b/, '') }
        : same(true);
    case 'activerecord':
      return same(false);
  }
}

/** How the model declares `column`: required or not, and the CHECK its note names (see `checkedForm`); undefined when it does not. */
export function declared(
  m: ModelMatch,
  text: string,
  column: string,
): { readonly required: boolean; readonly checkNoted?: string } | undefined {
  if (m.kind === 'activerecord') return undefined;
  const span = fieldDeclaration(m, text, column);
  if (!span) return undefined;
  const decl = text.slice(span.start, span.end);
  const noted = NOTE.exec(decl)?.[1];
  return { required: requiredForm(m.kind, decl).required, ...(noted ? { checkNoted: noted } : {}) };
}

const NOTE = /NOT NULL enforced by CHECK ([^\s;]+);/;

/**
 * The declaration's final form where the plan keeps NOT NULL as a validated CHECK (PostgreSQL before 12): the field
 * stays optional, as the catalog has the column, with a comment naming the CHECK; TypeORM also declares the CHECK
 * (`@Check`), because its schema builder drops a CHECK the entity does not declare. `noted`: the declaration has it already.
 */
export function checkedForm(
  kind: ModelMatch['kind'],
  decl: string,
  check: NotNullCheck,
): { readonly noted: boolean; readonly text: string } {
  if (NOTE.exec(decl)?.[1] === check.name) return { noted: true, text: decl };
  const comment = kind === 'sqlalchemy' || kind === 'django' ? '  #' : ' //';
  const note = `${comment} NOT NULL enforced by CHECK ${check.name}; the column stays nullable in the catalog (PostgreSQL before 12)`;
  const body = decl.replace(/\s*$/, '');
  let text = body + note + decl.slice(body.length);
  if (kind === 'typeorm') {
    const indent = /^[ \t]*/.exec(decl)![0];
    text = `${indent}@Check(${JSON.stringify(check.name)}, ${JSON.stringify(check.expression)})\n${text}`;
  }
  return { noted: false, text };
}
