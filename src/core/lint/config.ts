/**
 * The lint configuration file: `.column-wizard.json`, or a `columnWizard` key in package.json, found upward from the
 * linted file (the CLI and the extension read the file; this module only checks what it holds). Pure.
 *
 *   { "rules": { "missing-lock-timeout": "off", "drop-column": "error" }, "dialect": "postgres", "serverVersion": "14",
 *     "snapshot": "db/schema-snapshot.json" }
 *
 * `rules`: a rule id → `off` | `error` | `warning` | `info`. `dialect` and `serverVersion`: the target when no
 * connection, no snapshot and no command-line option says. `snapshot`: a `column-wizard snapshot` file, relative to the
 * configuration file, used when there is no connection.
 */
import { DIALECTS, type Dialect, type Severity } from '../types';
import { isDialect } from '../dialects';
import { ruleById } from './ruleIds';

export const CONFIG_FILE = '.column-wizard.json';
export const PACKAGE_JSON_KEY = 'columnWizard';

export interface LintConfig {
  readonly rules: Readonly<Record<string, Severity | 'off'>>;
  readonly dialect?: Dialect;
  readonly serverVersion?: string;
  /** As written: relative to the configuration file's folder. */
  readonly snapshot?: string;
}

const LEVELS = ['off', 'error', 'warning', 'info'] as const;

/** Check a parsed config value; `problems` names each wrong entry (a config with problems must not be used). */
export function parseLintConfig(value: unknown): { config: LintConfig; problems: string[] } {
  const problems: string[] = [];
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { config: { rules: {} }, problems: ['the configuration must be a JSON object'] };
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!['rules', 'dialect', 'serverVersion', 'snapshot', '$schema'].includes(k))
      problems.push(`unknown key "${k}" (known: rules, dialect, serverVersion, snapshot)`);
  const rules: Record<string, Severity | 'off'> = {};
  if (o.rules !== undefined) {
    if (o.rules === null || typeof o.rules !== 'object' || Array.isArray(o.rules))
      problems.push('"rules" must be an object of rule id → off | error | warning | info');
    else {
      for (const [id, level] of Object.entries(o.rules as Record<string, unknown>)) {
        if (!ruleById(id)) problems.push(`"rules": no rule has the id "${id}"`);
        else if (typeof level !== 'string' || !(LEVELS as readonly string[]).includes(level))
          problems.push(`"rules"."${id}" must be one of ${LEVELS.join(', ')}, got ${JSON.stringify(level)}`);
        else rules[id] = level as Severity | 'off';
      }
    }
  }
  let dialect: Dialect | undefined;
  if (o.dialect !== undefined) {
    if (isDialect(o.dialect)) dialect = o.dialect;
    else problems.push(`"dialect" must be one of ${DIALECTS.join(', ')}, got ${JSON.stringify(o.dialect)}`);
  }
  let serverVersion: string | undefined;
  if (o.serverVersion !== undefined) {
    const v = typeof o.serverVersion === 'number' ? String(o.serverVersion) : o.serverVersion;
    if (typeof v === 'string' && /^\d+(\.\d+){0,2}$/.test(v)) serverVersion = v;
    else problems.push(`"serverVersion" must look like "15", "8.0.36" or "10.11", got ${JSON.stringify(o.serverVersion)}`);
  }
  let snapshot: string | undefined;
  if (o.snapshot !== undefined) {
    if (typeof o.snapshot === 'string' && o.snapshot !== '') snapshot = o.snapshot;
    else problems.push(`"snapshot" must be the path of a column-wizard snapshot file, got ${JSON.stringify(o.snapshot)}`);
  }
  return {
    config: { rules, ...(dialect ? { dialect } : {}), ...(serverVersion ? { serverVersion } : {}), ...(snapshot ? { snapshot } : {}) },
    problems,
  };
}

/**
 * One configuration file's text, read the way the CLI and the editor both read it: undefined when it does not configure
 * Column Wizard (a package.json without the `columnWizard` key, or one that is not JSON: another tool's file to judge).
 * A `.column-wizard.json` that is not JSON is a problem.
 */
export function configFromText(text: string, packageJson: boolean): { config: LintConfig; problems: string[] } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    if (packageJson) return undefined;
    return { config: { rules: {} }, problems: [`not JSON: ${(err as Error).message}`] };
  }
  if (packageJson) {
    if (value === null || typeof value !== 'object' || !(PACKAGE_JSON_KEY in value)) return undefined;
    value = (value as Record<string, unknown>)[PACKAGE_JSON_KEY];
  }
  return parseLintConfig(value);
}
