import * as vscode from 'vscode';
import { redactSecrets } from '../core/redact';
import { describeError } from '../core/format';

/** The one output channel. Components prefix their lines with `[component]`; values from secrets never reach it. */
export interface Log {
  readonly channel: vscode.LogOutputChannel;
  /** Detail such as the runner's per-batch progress: shown only when the channel's level is Debug or Trace. */
  debug(component: string, message: string): void;
  info(component: string, message: string): void;
  warn(component: string, message: string): void;
  error(component: string, message: string, err?: unknown): void;
}

export function createLog(): Log {
  const channel = vscode.window.createOutputChannel('Column Wizard', { log: true });
  return {
    channel,
    // Every line passes the one redaction (core/redact.ts): a URL or conninfo in a driver's error keeps no password.
    debug: (c, m) => channel.debug(redactSecrets(`[${c}] ${m}`)),
    info: (c, m) => channel.info(redactSecrets(`[${c}] ${m}`)),
    warn: (c, m) => channel.warn(redactSecrets(`[${c}] ${m}`)),
    error: (c, m, err) => {
      channel.error(redactSecrets(`[${c}] ${m}${err ? `: ${describeError(err)}` : ''}`));
    },
  };
}
