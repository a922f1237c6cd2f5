/**
 * The Verify Rollout report as a static page for a webview (no script: the CSP allows only inline styles), in the
 * wizard's look (VS Code theme variables), with three small SVG charts: index use over time, size at the baseline /
 * now / predicted, and the share of new rows missing the column (older vs newer half of the sample).
 * Pure: no vscode import, unit-tested as text; its words go through @vscode/l10n (configured with the extension's
 * bundle at activation) and its figures are written in `locale`.
 */
import * as l10n from '@vscode/l10n';
import { formatBytes } from '../../core/format';
import { formatRolloutMarkdown, type RolloutReport } from '../../core/rollout/compare';

/** One earlier verify, kept by the extension to draw index use over time. */
export interface VerifyPoint {
  readonly at: string;
  /** Scans since the baseline, per index. */
  readonly scans: Readonly<Record<string, number | null>>;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function bars(title: string, items: readonly { label: string; value: number; text: string }[]): string {
  const max = Math.max(1e-9, ...items.map((i) => i.value));
  const w = 320;
  const rowH = 22;
  const rows = items.map((it, n) => {
    const len = Math.max(1, Math.round((it.value / max) * (w - 150)));
    const y = n * rowH + 4;
    return `<text x="0" y="${y + 13}" class="lbl">${esc(it.label)}</text><rect x="80" y="${y}" width="${len}" height="16" class="bar"/><text x="${84 + len}" y="${y + 13}" class="val">${esc(it.text)}</text>`;
  });
  return `<figure><figcaption>${esc(title)}</figcaption><svg role="img" aria-label="${esc(title)}" width="${w}" height="${items.length * rowH + 8}" viewBox="0 0 ${w} ${items.length * rowH + 8}">${rows.join('')}</svg></figure>`;
}

function scansOverTime(history: readonly VerifyPoint[], names: readonly string[]): string {
  const pts = history.filter((p) => names.some((n) => typeof p.scans[n] === 'number'));
  if (pts.length < 2)
    return `<p class="muted">${esc(l10n.t('Index use over time appears after two or more checks ({0} so far).', pts.length))}</p>`;
  const w = 320;
  const h = 120;
  const t0 = Date.parse(pts[0]!.at);
  const t1 = Math.max(t0 + 1, Date.parse(pts[pts.length - 1]!.at));
  const max = Math.max(1, ...pts.flatMap((p) => names.map((n) => p.scans[n] ?? 0)));
  const lines = names.map((n, k) => {
    const d = pts
      .filter((p) => typeof p.scans[n] === 'number')
      .map((p, i) => {
        const x = 30 + ((Date.parse(p.at) - t0) / (t1 - t0)) * (w - 40);
        const y = h - 20 - ((p.scans[n] as number) / max) * (h - 30);
        return `${i ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`;
      })
      .join(' ');
    return `<path d="${d}" class="line s${k % 4}"/><text x="${w - 4}" y="${12 + k * 12}" text-anchor="end" class="lbl s${k % 4}t">${esc(n)}</text>`;
  });
  return `<figure><figcaption>${esc(l10n.t('Index scans since the baseline, per check (max {0})', max))}</figcaption><svg role="img" aria-label="${esc(l10n.t('Index scans over time'))}" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"><line x1="30" y1="${h - 20}" x2="${w - 10}" y2="${h - 20}" class="axis"/>${lines.join('')}</svg></figure>`;
}

export function renderRolloutHtml(report: RolloutReport, history: readonly VerifyPoint[], cspSource: string, locale?: string): string {
  const icon = { error: '❌', warning: '⚠️', info: '✅' } as const;
  const s = report.storage;
  const sizes = [
    { label: l10n.t('baseline'), value: s.baselineBytes, text: formatBytes(s.baselineBytes, locale) },
    { label: l10n.t('now'), value: s.nowBytes, text: formatBytes(s.nowBytes, locale) },
    ...(s.predictedBytes !== null
      ? [{ label: l10n.t('predicted'), value: s.predictedBytes, text: formatBytes(s.predictedBytes, locale) }]
      : []),
  ];
  const ns = report.nullShare;
  const percent = (v: number) =>
    new Intl.NumberFormat(locale ?? 'en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v);
  const nullChart = ns
    ? bars(l10n.t('Rows missing {0} (sample of {1})', report.column, ns.sampled), [
        ...(ns.older !== null ? [{ label: l10n.t('older half'), value: ns.older, text: percent(ns.older) }] : []),
        ...(ns.newer !== null ? [{ label: l10n.t('newer half'), value: ns.newer, text: percent(ns.newer) }] : []),
      ])
    : `<p class="muted">${esc(l10n.t('The share of new rows missing the column was not measured (see the findings).'))}</p>`;
  const findings = report.findings
    .map(
      (f) =>
        `<li class="${f.severity}"><span class="icon">${icon[f.severity]}</span> ${esc(f.message)}${f.next ? `<div class="next">${esc(l10n.t('Next: {0}', f.next))}</div>` : ''}${f.before || f.after ? `<details><summary>${esc(l10n.t('Plans'))}</summary><h4>${esc(l10n.t('At the baseline'))}</h4><pre>${esc(f.before ?? '')}</pre><h4>${esc(l10n.t('Now'))}</h4><pre>${esc(f.after ?? '')}</pre></details>` : ''}</li>`,
    )
    .join('');
  const verdict =
    report.worst === 'error' ? l10n.t('Not done') : report.worst === 'warning' ? l10n.t('Done, with warnings') : l10n.t('Checks out');
  const qualified = `${esc(report.table.schema)}.${esc(report.table.name)}.${esc(report.column)}`;
  return `<!DOCTYPE html><html lang="${esc(locale ?? 'en')}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'unsafe-inline';">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(l10n.t('Rollout of {0}', `${report.table.name}.${report.column}`))}</title>
<style>
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 16px; }
h1 { font-size: 1.3em; } .muted { color: var(--vscode-descriptionForeground); }
ul.findings { list-style: none; padding: 0; } ul.findings li { padding: 6px 8px; border-left: 3px solid var(--vscode-panel-border); margin: 4px 0; }
li.error { border-color: var(--vscode-errorForeground); } li.warning { border-color: var(--vscode-editorWarning-foreground); } li.info { border-color: var(--vscode-testing-iconPassed, var(--vscode-panel-border)); }
.next { color: var(--vscode-descriptionForeground); margin-top: 2px; } pre { background: var(--vscode-textCodeBlock-background); padding: 6px; overflow-x: auto; }
.charts { display: flex; flex-wrap: wrap; gap: 24px; } figure { margin: 0; } figcaption { font-size: 0.9em; margin-bottom: 4px; }
svg .bar { fill: var(--vscode-charts-blue, #3794ff); } svg .lbl, svg .val { fill: var(--vscode-foreground); font-size: 11px; }
svg .axis { stroke: var(--vscode-panel-border); } svg .line { fill: none; stroke-width: 2; }
.s0 { stroke: var(--vscode-charts-blue, #3794ff); } .s1 { stroke: var(--vscode-charts-orange, #d18616); } .s2 { stroke: var(--vscode-charts-green, #89d185); } .s3 { stroke: var(--vscode-charts-purple, #b180d7); }
.s0t { fill: var(--vscode-charts-blue, #3794ff); } .s1t { fill: var(--vscode-charts-orange, #d18616); } .s2t { fill: var(--vscode-charts-green, #89d185); } .s3t { fill: var(--vscode-charts-purple, #b180d7); }
</style></head><body>
<h1>${icon[report.worst]} ${l10n.t('Rollout of {0}: {1}', `<code>${qualified}</code>`, esc(verdict)) /* the bundle's text is ours, the arguments escaped */}</h1>
<p class="muted">${esc(l10n.t('{0} days since the baseline of {1} ({2}); {3}; index statistics: {4}.', new Intl.NumberFormat(locale ?? 'en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(report.days), report.baselineAt, report.baselineSource, report.dialect, report.indexStatsSource))}</p>
<ul class="findings">${findings}</ul>
<div class="charts">${scansOverTime(
    history,
    report.indexUse.map((i) => i.name),
  )}${bars(l10n.t('Table + index size'), sizes)}${nullChart}</div>
<details><summary>${esc(l10n.t('Markdown for a pull-request comment'))}</summary><pre>${esc(formatRolloutMarkdown(report))}</pre></details>
</body></html>`;
}
