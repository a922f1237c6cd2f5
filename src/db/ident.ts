/** Identifier quoting for the db layer's own SQL (catalog and probe statements). User text never reaches SQL unquoted. */

/** PostgreSQL: `"name"` with embedded quotes doubled. */
export function pgIdent(name: string): string {
  if (name.includes('\0')) throw new Error('An identifier cannot contain a NUL character');
  return `"${name.replace(/"/g, '""')}"`;
}

/** MySQL/MariaDB: `` `name` `` with embedded backticks doubled. */
export function myIdent(name: string): string {
  if (name.includes('\0')) throw new Error('An identifier cannot contain a NUL character');
  return `\`${name.replace(/`/g, '``')}\``;
}

export function pgTable(t: { schema: string; name: string }): string {
  return `${pgIdent(t.schema)}.${pgIdent(t.name)}`;
}

export function myTable(t: { schema: string; name: string }): string {
  return `${myIdent(t.schema)}.${myIdent(t.name)}`;
}
