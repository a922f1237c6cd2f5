/**
 * Liquibase: one changelog file (formatted SQL, XML or YAML, like the master) with a changeset per phase,
 * `runInTransaction:false` where needed, rollbacks, and an `include` appended to the master changelog.
 */
import { isMap, isSeq, parseDocument, YAMLSeq } from 'yaml';
import { dirname, joinPath, relativePath, result } from '../common';
import { planUnits, sqlLines, type Statement, type Unit } from '../units';
import { nextVersions, orderProblem } from '../version';
import { WriterError, type FileEdit, type MigrationToolModule, type WriterContext } from '../types';

type Format = 'sql' | 'xml' | 'yaml' | 'json';

const RUN_IN_TX = 'runInTransaction';

/** A master changelog (`db.changelog-master.xml`, `changelog.yaml`, …): detection samples it and includes new files from it. */
export const LIQUIBASE_MASTER = /(^|\/)([^/]*changelog[^/]*master[^/]*|[^/]*master[^/]*changelog[^/]*|changelog)\.(xml|ya?ml|json|sql)$/i;

function formatOf(path: string | undefined): Format | undefined {
  if (!path) return undefined;
  if (/\.xml$/i.test(path)) return 'xml';
  if (/\.ya?ml$/i.test(path)) return 'yaml';
  if (/\.json$/i.test(path)) return 'json';
  if (/\.sql$/i.test(path)) return 'sql';
  return undefined;
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const sqlText = (u: Unit, down: boolean) => sqlLines(down ? u.down : u.up).join('\n');
/** Liquibase splits `<sql>` on `;` at line ends; a statement with semicolons inside (a DO block) must not be split. */
const hasInnerSemicolon = (s: Statement) => !!s.compound || /;\s*\n/.test(s.sql);

function formattedSql(units: Unit[], id: (u: Unit) => string, author: string): string {
  const out = ['--liquibase formatted sql'];
  for (const u of units) {
    const attrs = `${u.nonTransactional ? ` ${RUN_IN_TX}:false` : ''}${[...u.up, ...u.down].some(hasInnerSemicolon) ? ' splitStatements:false' : ''}`;
    out.push('', `--changeset ${author}:${id(u)}${attrs}`, `--comment: ${u.title.replace(/\n/g, ' ')}`, sqlText(u, false));
    for (const line of u.down.length ? sqlText(u, true).split('\n') : []) out.push(`--rollback ${line}`);
  }
  return `${out.join('\n')}\n`;
}

/** One `sql` change per statement, so only a statement that needs it turns splitting off. */
function xmlChanges(stmts: readonly Statement[], indent: string): string[] {
  return stmts.map((s) => `${indent}<sql${hasInnerSemicolon(s) ? ' splitStatements="false"' : ''}>${xml(sqlLines([s]).join('\n'))}</sql>`);
}

function xmlChangelog(units: Unit[], id: (u: Unit) => string, author: string): string {
  const sets = units.map((u) =>
    [
      `  <changeSet id="${xml(id(u))}" author="${xml(author)}"${u.nonTransactional ? ` ${RUN_IN_TX}="false"` : ''}>`,
      `    <comment>${xml(u.title)}</comment>`,
      ...xmlChanges(u.up, '    '),
      ...(u.down.length ? ['    <rollback>', ...xmlChanges(u.down, '      '), '    </rollback>'] : []),
      '  </changeSet>',
    ].join('\n'),
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<databaseChangeLog',
    '    xmlns="http://www.liquibase.org/xml/ns/dbchangelog"',
    '    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
    '    xsi:schemaLocation="http://www.liquibase.org/xml/ns/dbchangelog http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-latest.xsd">',
    ...sets,
    '</databaseChangeLog>',
    '',
  ].join('\n');
}

/** YAML: scalars as JSON strings (valid YAML), SQL as literal blocks, one `sql` change per statement. */
function yamlChangelog(units: Unit[], id: (u: Unit) => string, author: string): string {
  const block = (text: string, indent: string) =>
    `|-\n${text
      .split('\n')
      .map((l) => indent + l)
      .join('\n')}`;
  const changes = (stmts: readonly Statement[]) =>
    stmts.flatMap((s) => [
      '        - sql:',
      ...(hasInnerSemicolon(s) ? ['            splitStatements: false'] : []),
      `            sql: ${block(sqlLines([s]).join('\n'), '              ')}`,
    ]);
  const out = ['databaseChangeLog:'];
  for (const u of units) {
    out.push(
      '  - changeSet:',
      `      id: ${JSON.stringify(id(u))}`,
      `      author: ${JSON.stringify(author)}`,
      ...(u.nonTransactional ? [`      ${RUN_IN_TX}: false`] : []),
      `      comment: ${JSON.stringify(u.title)}`,
      '      changes:',
      ...changes(u.up),
    );
    if (u.down.length) out.push('      rollback:', ...changes(u.down));
  }
  return `${out.join('\n')}\n`;
}

/** JSON: the same changelog as the YAML one, as JSON (Liquibase reads both with one parser). */
function jsonChangelog(units: Unit[], id: (u: Unit) => string, author: string): string {
  const changes = (stmts: readonly Statement[]) =>
    stmts.map((s) => ({ sql: { ...(hasInnerSemicolon(s) ? { splitStatements: false } : {}), sql: sqlLines([s]).join('\n') } }));
  const sets = units.map((u) => ({
    changeSet: {
      id: id(u),
      author,
      ...(u.nonTransactional ? { [RUN_IN_TX]: false } : {}),
      comment: u.title,
      changes: changes(u.up),
      ...(u.down.length ? { rollback: changes(u.down) } : {}),
    },
  }));
  return `${JSON.stringify({ databaseChangeLog: sets }, null, 2)}\n`;
}

/** The master with an include of `rel` (relative to the master's folder) appended, or undefined when it cannot be edited. */
function withInclude(master: string, format: Format | undefined, rel: string): string | undefined {
  if (format === 'xml') {
    const at = master.lastIndexOf('</databaseChangeLog>');
    if (at < 0) return undefined;
    const indent = /\n([ \t]+)<(include|changeSet|includeAll)\b/.exec(master)?.[1] ?? '    ';
    return `${master.slice(0, at)}${indent}<include file="${xml(rel)}" relativeToChangelogFile="true"/>\n${master.slice(at)}`;
  }
  const include = { include: { file: rel, relativeToChangelogFile: true } };
  if (format === 'yaml') {
    // Through a YAML parser: `databaseChangeLog: []`, flow style, comments and anchors stay valid.
    const doc = parseDocument(master);
    if (doc.errors.length) return undefined;
    if (doc.contents === null) doc.contents = doc.createNode({ databaseChangeLog: [] }) as never;
    if (!isMap(doc.contents)) return undefined;
    const log = doc.get('databaseChangeLog', true);
    if (log === undefined || log === null || (log as { value?: unknown }).value === null)
      doc.set('databaseChangeLog', doc.createNode([include]));
    else if (isSeq(log)) (log as YAMLSeq).add(doc.createNode(include));
    else return undefined;
    return doc.toString();
  }
  if (format === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(master);
    } catch {
      return undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    const obj = parsed as Record<string, unknown>;
    const log = obj.databaseChangeLog ?? [];
    if (!Array.isArray(log)) return undefined;
    obj.databaseChangeLog = [...log, include];
    const indent = /\n([ \t]+)"/.exec(master)?.[1] ?? '  ';
    return `${JSON.stringify(obj, null, indent)}\n`;
  }
  return undefined;
}

export const liquibase: MigrationToolModule = {
  tool: 'liquibase',
  label: 'Liquibase',
  transactions: {
    wrapsSqlFile: () => true, // runInTransaction defaults to true
    // Formatted SQL: each `--changeset author:id [attributes]` runs on its own, in a transaction unless it says otherwise.
    sqlSection: (t) => (/^changeset\s/i.test(t) ? (/\brunInTransaction\s*:\s*false\b/i.test(t) ? { mode: false } : {}) : undefined),
    optOut: {
      marker: `${RUN_IN_TX}:false`,
      where: `on the changeset: \`--changeset … ${RUN_IN_TX}:false\` (formatted SQL), \`${RUN_IN_TX}="false"\` (XML), \`${RUN_IN_TX}: false\` (YAML, JSON)`,
    },
  },
  detect(ctx) {
    // The master changelog names the format; new files go in its changes folder.
    for (const master of ctx.has(LIQUIBASE_MASTER)) {
      const mdir = dirname(master);
      const sub = ['changes', 'changelogs', 'changesets', 'migrations']
        .map((s) => joinPath(mdir, s))
        .find((d) => ctx.files.some((f) => f.startsWith(`${d}/`)));
      const text = ctx.samples[master];
      const includeAll = text !== undefined && /includeAll/.test(text);
      ctx.add(sub ?? mdir, 9, `master changelog ${master}`, {
        liquibaseMaster: master,
        liquibaseFormat: formatOf(master) ?? 'sql',
        ...(includeAll ? { liquibaseIncludeAll: true } : {}),
      });
    }
    if (ctx.has(/(^|\/)liquibase\.properties$/).length)
      for (const d of ctx.found()) {
        d.score += 2;
        d.evidence.push('liquibase.properties');
      }
    for (const d of ctx.sqlDirs)
      if (ctx.sampleIn(d, /^--\s*liquibase\s+formatted/im))
        ctx.add(d, 7, `--liquibase formatted sql in ${d || '.'}`, { liquibaseFormat: 'sql' });
  },
  defaultDir: 'db/changelog/changes',
  defaultScheme: { kind: 'timestamp', width: 14, format: 'datetime' },
  versionOf: (file) => /^(\d+)[-_][^/]*\.(sql|xml|ya?ml|json)$/i.exec(file)?.[1],
  reads: (ctx) => (ctx.options.liquibaseMaster ? [ctx.options.liquibaseMaster] : []),
  write(plan, ctx: WriterContext) {
    const master = ctx.options.liquibaseMaster;
    const format: Format = ctx.options.liquibaseFormat ?? formatOf(master) ?? 'sql';
    const units = planUnits(plan, ctx.name);
    if (units.length === 0) throw new WriterError('the plan has no steps to write');
    const existing = ctx.existing.flatMap((name) => {
      const version = this.versionOf(name);
      return version === undefined ? [] : [{ name, version }];
    });
    const [version] = nextVersions(
      ctx.versionScheme,
      existing.map((e) => e.version),
      ctx.now,
      1,
    ) as [string];
    const name = `${version}-${ctx.name}.${format}`;
    const problem = orderProblem('text', existing, [{ name, version }]);
    if (problem) throw new WriterError(problem);
    const author = ctx.options.author?.name.replace(/[\s:]+/g, '-') || 'column-wizard';
    const id = (u: Unit) => `${version}-${u.slug}`;
    const content =
      format === 'xml'
        ? xmlChangelog(units, id, author)
        : format === 'yaml'
          ? yamlChangelog(units, id, author)
          : format === 'json'
            ? jsonChangelog(units, id, author)
            : formattedSql(units, id, author);
    const path = joinPath(ctx.dir, name);
    const edits: FileEdit[] = [];
    const warnings: string[] = [];
    const notes = ['Apply with `liquibase update`; `liquibase rollback-count <n>` runs the rollbacks.'];
    if (units.some((u) => u.nonTransactional)) notes.push(`Concurrent index builds are in changesets with ${RUN_IN_TX}:false.`);
    if (ctx.options.liquibaseIncludeAll) {
      notes.push(`The master changelog loads ${ctx.dir || 'the folder'} with includeAll, so no include was added.`);
    } else if (!master) {
      warnings.push(`No master changelog was found: include ${path} from yours, or Liquibase will not run it.`);
    } else {
      const before = ctx.contents[master];
      if (before === undefined) throw new WriterError(`the master changelog ${master} could not be read`);
      const rel = relativePath(dirname(master), path);
      const after = withInclude(before, formatOf(master), rel);
      if (after === undefined)
        warnings.push(
          `${master} cannot be edited automatically (${formatOf(master) ?? 'unknown'} format): add an include of ${rel} to it, or Liquibase will not run it.`,
        );
      else edits.push({ path: master, before, after });
    }
    return result('liquibase', { files: [{ path, content }], edits, notes, warnings });
  },
};
