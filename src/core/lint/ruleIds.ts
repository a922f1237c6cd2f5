/** The lint rules: ids users filter and ignore by, with one line each for SARIF and the docs. Each rule lives in ./rules/. */
import type { Severity } from '../types';
import { RULES } from './rules/index';

export interface LintRule {
  readonly id: string;
  readonly title: string;
  /** The severity before context (table size, transaction, version) adjusts it. */
  readonly severity: Severity;
  readonly help: string;
}

export type RuleId = (typeof RULES)[number]['id'];

export const LINT_RULES: readonly (LintRule & { readonly id: RuleId })[] = RULES.map(({ id, title, severity, help }) => ({
  id,
  title,
  severity,
  help,
}));

export function ruleById(id: string): LintRule | undefined {
  return LINT_RULES.find((r) => r.id === id);
}
