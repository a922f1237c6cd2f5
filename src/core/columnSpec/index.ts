/**
 * The column being added: parsed from SQL column syntax, validated per dialect, rendered back as SQL. Pure.
 *
 *   parseColumnDefinition('email_verified boolean NOT NULL DEFAULT false', 'postgres')
 *   → { name: 'email_verified', type: { name: 'boolean', params: [] }, nullable: false, default: { kind: 'literal', value: 'false' } }
 *
 * tokenize.ts reads the text, parse.ts builds the ColumnSpec, render.ts writes it as SQL, validate.ts checks it.
 */
export { ColumnSyntaxError } from './tokenize';
export { parseColumnDefinition } from './parse';
export { checkedExpression, renderColumnDefinition, renderDefault, renderIdentity, renderType, type RenderPart } from './render';
export { columnExists, sameColumnName, validateColumn } from './validate';
