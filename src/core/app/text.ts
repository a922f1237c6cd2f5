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
