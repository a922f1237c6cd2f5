/**
 * The wizard page. Free of `vscode` so the webview tests render the same HTML, CSP included, in a browser.
 * The page holds no data: everything from the database or the workspace arrives later by message and is rendered
 * through text nodes.
 */
import { L10N_META } from '../../protocol';

export interface WizardHtmlInput {
  /** `webview.cspSource`: the origin local resources are served from. */
  readonly cspSource: string;
  /** A fresh random value per render. */
  readonly nonce: string;
  /** `asWebviewUri` of dist/webview.js and media/wizard.css. */
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly title?: string;
  /**
   * The user's language (VS Code's `env.language`, for `<html lang>` and the figures' digits) and the translations the
   * page's `@vscode/l10n` is configured with (VS Code's `l10n.bundle`; none for English). webview/locale.ts reads both.
   */
  readonly l10n?: { readonly locale: string; readonly bundle?: Record<string, unknown> };
}

/** Escape text for an HTML attribute or text position. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** A nonce: 32 characters from a cryptographic source (the caller passes its random bytes in). */
export function nonceFrom(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function wizardHtml(i: WizardHtmlInput): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(i.nonce)) throw new Error('wizardHtml: the nonce must be at least 16 base64/hex characters');
  const csp = [
    "default-src 'none'",
    `img-src ${i.cspSource} data:`,
    `font-src ${i.cspSource}`,
    `style-src ${i.cspSource}`,
    `script-src 'nonce-${i.nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="${escapeHtml(i.l10n?.locale ?? 'en')}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp.replace(/[&"<>]/g, (c) => escapeHtml(c))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(i.styleUri)}">
<title>${escapeHtml(i.title ?? 'Add Column')}</title>${i.l10n?.bundle ? `\n<meta name="${L10N_META}" content="${escapeHtml(JSON.stringify(i.l10n.bundle))}">` : ''}
</head>
<body>
<div id="app"></div>
<script nonce="${escapeHtml(i.nonce)}" src="${escapeHtml(i.scriptUri)}"></script>
</body>
</html>`;
}
