/**
 * Writes docs/rules/<id>.md for every lint rule: the generated part from the rule module (src/core/lint/ruleDocs.ts),
 * followed by the page's hand-written part, kept as it is. A new rule gets a "Versions" section to fill in (the unit
 * test fails until it is). Run after changing a rule's title, doc, help or examples: `npx tsx scripts/ruleDocs.ts`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { RULES } from '../src/core/lint/rules/index';
import { generatedRulePage, handWrittenPart, ruleDocPath } from '../src/core/lint/ruleDocs';

export const VERSIONS_TODO = '\n## Versions\n\nTODO: which servers and versions the rule applies to.\n';

for (const rule of RULES) {
  const path = ruleDocPath(rule.id);
  const old = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  const rest = (old !== undefined ? handWrittenPart(old) : undefined) ?? VERSIONS_TODO;
  const page = generatedRulePage(rule) + rest;
  if (page === old) continue;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, page);
  console.log(`${old === undefined ? 'wrote' : 'updated'} ${path}`);
}
