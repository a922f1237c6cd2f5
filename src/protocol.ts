/**
 * Messages between the extension host and the wizard webview, declared once and imported by both sides.
 * Every message is validated on arrival (`parseWebviewMessage` / `parseHostMessage`); one that does not fit is rejected.
 * Pure TypeScript: no vscode, no DOM, no node.
 */

/** webview → host: the webview has loaded and can receive messages. The host posts nothing before it. */
export interface WebviewReady { readonly type: 'ready' }

export type WebviewMessage = WebviewReady;

/** host → webview: initial state after `ready`. */
export interface HostInit { readonly type: 'init'; readonly table: string }

export type HostMessage = HostInit;

export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseWebviewMessage(raw: unknown): ParseResult<WebviewMessage> {
  if (!isObject(raw) || typeof raw.type !== 'string') return { ok: false, error: 'message is not an object with a string "type"' };
  switch (raw.type) {
    case 'ready': return { ok: true, value: { type: 'ready' } };
    default: return { ok: false, error: `unknown webview message type "${raw.type}"` };
  }
}

export function parseHostMessage(raw: unknown): ParseResult<HostMessage> {
  if (!isObject(raw) || typeof raw.type !== 'string') return { ok: false, error: 'message is not an object with a string "type"' };
  switch (raw.type) {
    case 'init':
      if (typeof raw.table !== 'string') return { ok: false, error: 'init.table must be a string' };
      return { ok: true, value: { type: 'init', table: raw.table } };
    default: return { ok: false, error: `unknown host message type "${raw.type}"` };
  }
}
