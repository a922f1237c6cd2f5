import * as vscode from 'vscode';
import { describeError, formatBytes, formatCount } from '../core/format';
import type { TableSummary } from '../db/client';
import { serverClusterSummary, type ServerClusterSummary } from '../db/cluster';
import type { Connections } from './connections/manager';
import { describeProfile, type ConnectionProfile } from './connections/profiles';
import type { Log } from './log';

/** The nodes of the "Column Wizard" view: connections → schemas → tables → columns. */
export type TreeNode =
  | { readonly kind: 'connection'; readonly profile: ConnectionProfile }
  | { readonly kind: 'schema'; readonly profile: ConnectionProfile; readonly schema: string; readonly tables: readonly TableSummary[] }
  | { readonly kind: 'table'; readonly profile: ConnectionProfile; readonly table: TableSummary }
  | { readonly kind: 'column'; readonly name: string; readonly type: string; readonly nullable: boolean }
  | { readonly kind: 'message'; readonly text: string; readonly error: boolean }
  | { readonly kind: 'cluster'; readonly profile: ConnectionProfile; readonly summary: ServerClusterSummary };

export function isTableNode(v: unknown): v is Extract<TreeNode, { kind: 'table' }> {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'table';
}
export function isConnectionNode(v: unknown): v is Extract<TreeNode, { kind: 'connection' }> {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'connection';
}

/** "≈ 3,000 rows · 1.2 MB", in the user's language and digits. */
export function tableDescription(t: TableSummary): string {
  const locale = vscode.env.language;
  const rows = t.rows < 0 ? vscode.l10n.t('rows unknown (never analyzed)') : vscode.l10n.t('≈ {0} rows', formatCount(t.rows, locale));
  return `${rows} · ${formatBytes(t.bytes, locale)}`;
}

/** Catalog figures only: listing never touches the tables themselves. Listings are cached until Refresh. */
export class ConnectionsTree implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly tables = new Map<string, Promise<TableSummary[]>>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly connections: Connections,
    private readonly log: Log,
  ) {
    this.subscriptions = [this.changed, connections.onDidChange(() => this.refresh())];
  }

  refresh(): void {
    this.tables.clear();
    this.changed.fire(undefined);
  }

  /** Tables of a connection, listed once per refresh. */
  listTables(profile: ConnectionProfile): Promise<TableSummary[]> {
    let p = this.tables.get(profile.name);
    if (!p) {
      p = this.connections.client(profile).then((c) => c.listTables());
      this.tables.set(profile.name, p);
      p.catch(() => this.tables.delete(profile.name));
    }
    return p;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'connection': {
        const item = new vscode.TreeItem(node.profile.name, vscode.TreeItemCollapsibleState.Collapsed);
        const p = node.profile;
        const where = `${p.dialect} · ${p.host}:${p.port}/${p.database}`;
        item.description = [
          p.production ? vscode.l10n.t('PRODUCTION (read-only)') : '',
          where,
          p.origin === 'workspace' ? vscode.l10n.t('from workspace settings') : '',
        ]
          .filter(Boolean)
          .join(' · ');
        item.tooltip = describeProfile(p);
        // A read-only production profile carries its own marker: a lock in the error colour.
        item.iconPath = p.production
          ? new vscode.ThemeIcon('lock', new vscode.ThemeColor('errorForeground'))
          : new vscode.ThemeIcon('database');
        item.contextValue = 'connection';
        return item;
      }
      case 'schema': {
        const item = new vscode.TreeItem(node.schema, vscode.TreeItemCollapsibleState.Collapsed);
        const n = node.tables.length;
        item.description = n === 1 ? vscode.l10n.t('1 table') : vscode.l10n.t('{0} tables', formatCount(n, vscode.env.language));
        item.iconPath = new vscode.ThemeIcon('symbol-namespace');
        item.contextValue = 'schema';
        return item;
      }
      case 'table': {
        const item = new vscode.TreeItem(node.table.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.description = tableDescription(node.table);
        const t = node.table;
        item.tooltip = [
          `${t.schema}.${t.name}`,
          tableDescription(t),
          t.engine ? vscode.l10n.t('engine {0}', t.engine) : '',
          t.partitioned ? vscode.l10n.t('partitioned') : '',
        ]
          .filter(Boolean)
          .join('\n');
        item.iconPath = new vscode.ThemeIcon('table');
        item.contextValue = 'table';
        return item;
      }
      case 'column': {
        const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.None);
        item.description = node.nullable ? node.type : vscode.l10n.t('{0} NOT NULL', node.type); // NOT NULL is SQL: translations keep it
        item.iconPath = new vscode.ThemeIcon('symbol-field');
        item.contextValue = 'column';
        return item;
      }
      case 'cluster': {
        const s = node.summary;
        const item = new vscode.TreeItem(
          s.kind === 'galera'
            ? vscode.l10n.t('Galera cluster · {0} nodes', formatCount(s.topology.clusterSize, vscode.env.language))
            : vscode.l10n.t('Logical replication'),
          vscode.TreeItemCollapsibleState.Collapsed,
        );
        item.description =
          s.kind === 'galera'
            ? `${s.topology.localState} · ${s.topology.clusterStatus} · wsrep_OSU_method ${s.topology.osuMethod}`
            : vscode.l10n.t('{0} publication(s), {1} subscription(s)', s.publications.length, s.subscriptions.length);
        item.tooltip = node.profile.nodes?.length
          ? vscode.l10n.t('Nodes named in the profile: {0}', node.profile.nodes.join(', '))
          : vscode.l10n.t(
              'The profile names no other nodes ("nodes" in its settings): the wizard plans for the cluster but runs only where every node is named.',
            );
        item.iconPath = new vscode.ThemeIcon('server-environment');
        item.contextValue = 'cluster';
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(node.error ? 'error' : 'info');
        item.tooltip = node.text;
        return item;
      }
    }
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    try {
      if (!node) {
        // An empty list shows the view's welcome content (Add Connection).
        return this.connections.list().map((profile) => ({ kind: 'connection', profile }));
      }
      switch (node.kind) {
        case 'connection': {
          const tables = await this.listTables(node.profile);
          const bySchema = new Map<string, TableSummary[]>();
          for (const t of tables) bySchema.set(t.schema, [...(bySchema.get(t.schema) ?? []), t]);
          const summary = await this.connections
            .client(node.profile)
            .then(serverClusterSummary)
            .catch((err: unknown) => {
              this.log.warn('tree', `reading ${node.profile.name}'s cluster state failed: ${describeError(err)}`);
              return null;
            });
          const cluster: TreeNode[] = summary ? [{ kind: 'cluster', profile: node.profile, summary }] : [];
          if (bySchema.size === 0) return [...cluster, { kind: 'message', text: vscode.l10n.t('No tables'), error: false }];
          return [
            ...cluster,
            ...[...bySchema.entries()]
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([schema, ts]): TreeNode => ({
                kind: 'schema',
                profile: node.profile,
                schema,
                tables: ts.sort((a, b) => a.name.localeCompare(b.name)),
              })),
          ];
        }
        case 'schema':
          return node.tables.map((table) => ({ kind: 'table', profile: node.profile, table }));
        case 'cluster': {
          const s = node.summary;
          const lines =
            s.kind === 'galera'
              ? s.topology.nodes.map((n) => (n.local ? vscode.l10n.t('{0} (this connection)', n.address) : n.address))
              : [
                  ...s.publications.map((p) => vscode.l10n.t('publication {0} · {1} table(s)', p.name, p.tables)),
                  ...s.subscriptions.map((x) =>
                    x.enabled ? vscode.l10n.t('subscription {0}', x.name) : vscode.l10n.t('subscription {0} (disabled)', x.name),
                  ),
                ];
          return [...lines, ...(node.profile.nodes ?? []).map((n) => vscode.l10n.t('node profile: {0}', n))].map((text): TreeNode => ({
            kind: 'message',
            text,
            error: false,
          }));
        }
        case 'table': {
          const client = await this.connections.client(node.profile);
          const facts = await client.tableFacts({ schema: node.table.schema, name: node.table.name });
          return (facts.columns ?? []).map((c) => ({ kind: 'column', name: c.name, type: c.type, nullable: c.nullable }));
        }
        default:
          return [];
      }
    } catch (err) {
      const message = describeError(err);
      this.log.error('tree', `listing ${node?.kind ?? 'connections'} failed`, err);
      return [{ kind: 'message', text: message, error: true }];
    }
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }
}
