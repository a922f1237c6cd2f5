/** Text helpers shared by the application-side scan and the model edits. */

/** `created_at` → `createdAt` (JS ORMs' usual field name). */
export function camelCase(name: string): string {
  return name.replace(/_+([a-z0-9])/gi, (_, c: string) => c.toUpperCase());
}

/** A string as a literal part of a regular expression. */
export const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The text of the balanced `(…)`/`{…}`/`[…]` group that opens at `open` (exclusive), or the rest of the text. */
export function balanced(text: string, open: number): string {
  const pairs: Record<string, string> = { '(': ')', '{': '}', '[': ']' };
  const stack: string[] = [];
  let quote: string | null = null;
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (pairs[c]) stack.push(pairs[c]);
    else if (c === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return text.slice(open + 1, i);
    }
  }
  return text.slice(open + 1);
}

/** The offset where the line holding `offset` ends (its `\n`, or the text's end), counting brackets: a line inside an open `(`/`{`/`[` continues. */
export function statementEnd(text: string, offset: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = offset; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      // A quote left open at the end of a line was an apostrophe in a comment.
      else if (c === '\n' && quote !== '`') {
        quote = null;
        if (depth <= 0) return i;
      }
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(' || c === '{' || c === '[') depth++;
    else if (c === ')' || c === '}' || c === ']') depth--;
    else if (c === '\n' && depth <= 0) return i;
  }
  return text.length;
}

/** A glob's `{a,b}` groups expanded into separate globs (VS Code's glob syntax cannot nest braces). */
export function expandBraces(glob: string): string[] {
  const m = /\{([^{}]*)\}/.exec(glob);
  if (!m) return [glob];
  return m[1]!.split(',').flatMap((alt) => expandBraces(glob.slice(0, m.index) + alt + glob.slice(m.index + m[0].length)));
}

/**
 * The one exclude glob for `workspace.findFiles`: the folders the scan always skips, and the user's `files.exclude`
 * patterns that are on (an explicit exclude replaces the setting, so it has to be folded in). Patterns with a `when`
 * clause (sibling-file conditions) cannot be put in a glob and are left out.
 */
export function excludeGlob(skipDirs: readonly string[], filesExclude: Readonly<Record<string, unknown>> | undefined): string {
  const user = Object.entries(filesExclude ?? {}).filter(([, on]) => on === true).flatMap(([g]) => expandBraces(g));
  const all = [...skipDirs.map((d) => `**/${d}/**`), ...user.flatMap((g) => (g.endsWith('/**') ? [g] : [g, `${g}/**`]))];
  return `{${[...new Set(all)].join(',')}}`;
}
