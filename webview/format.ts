/** Human figures for estimates and table sizes. */
export function formatSeconds(s: number): string {
  if (s === 0) return '0 s';
  if (s < 0.01) return '< 0.01 s';
  if (s < 10) return `${trim(s.toFixed(2))} s`;
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${trim((s / 60).toFixed(1))} min`;
  return `${trim((s / 3600).toFixed(1))} h`;
}

export function formatBytes(b: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = b;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${i === 0 ? v : trim(v.toFixed(1))} ${units[i]}`;
}

export function formatRows(n: number): string {
  return `${Math.round(n).toLocaleString('en-US')} row${Math.round(n) === 1 ? '' : 's'}`;
}

function trim(s: string): string {
  return s.replace(/\.0+$/, '').replace(/(\.\d*?)0+$/, '$1');
}
