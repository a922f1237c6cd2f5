/**
 * The page's language, set before anything renders: the host writes the user's locale into `<html lang>` and VS Code's
 * translation bundle into a `<meta>` (src/extension/wizard/html.ts); @vscode/l10n is configured with it here, so every
 * `l10n.t` of the page speaks the user's language, and `locale` writes figures in the user's digits.
 * Import this module before any module that renders.
 */
import * as l10n from '@vscode/l10n';
import { L10N_META } from '../src/protocol';

export const locale: string = document.documentElement.lang || 'en';

const meta = document.querySelector(`meta[name="${L10N_META}"]`)?.getAttribute('content');
if (meta) {
  try {
    l10n.config({ contents: JSON.parse(meta) as Record<string, string> });
  } catch (err) {
    console.error(`[column-wizard] the translations could not be read: ${String(err)}`);
  }
}

/** Stands for an element in a translated message: `around(l10n.t('Add a column to {0}', SLOT), el('code', …))`. */
export const SLOT = '\u0000';

/** A translated message with an element where SLOT was placed; the text around it stays text. */
export function around(message: string, node: Node): (string | Node)[] {
  const i = message.indexOf(SLOT);
  return i < 0 ? [message, ' ', node] : [message.slice(0, i), node, message.slice(i + SLOT.length)].filter((p) => p !== '');
}

/** A finding's severity as the page shows it. */
export function severityLabel(s: 'error' | 'warning' | 'info'): string {
  return s === 'error' ? l10n.t('error') : s === 'warning' ? l10n.t('warning') : l10n.t('info');
}
