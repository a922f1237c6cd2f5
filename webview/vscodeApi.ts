import type { WebviewMessage } from '../src/protocol';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** acquireVsCodeApi may be called once per page: this module is the only caller. */
export const vscodeApi: VsCodeApi = acquireVsCodeApi();
