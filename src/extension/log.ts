import * as vscode from 'vscode';

/** The one output channel. Components prefix their lines with `[component]`; values from secrets never reach it. */
export interface Log {
  readonly channel: vscode.LogOutputChannel;
  info(component: string, message: string): void;
  warn(component: string, message: string): void;
  error(component: string, message: string, err?: unknown): void;
}

export function createLog(): Log {
  const channel = vscode.window.createOutputChannel('Column Wizard', { log: true });
  return {
    channel,
    info: (c, m) => channel.info(`[${c}] ${m}`),
    warn: (c, m) => channel.warn(`[${c}] ${m}`),
    error: (c, m, err) => {
      channel.error(`[${c}] ${m}${err ? `: ${err instanceof Error ? err.message : String(err)}` : ''}`);
    },
  };
}
