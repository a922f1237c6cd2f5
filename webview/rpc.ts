import type { RequestMethod, Requests, ResponseMessage } from '../src/protocol';
import { vscodeApi } from './vscodeApi';

interface Pending {
  readonly method: RequestMethod;
  resolve(result: unknown): void;
  reject(err: Error): void;
}

const pending = new Map<number, Pending>();
let nextId = 1;

/** Send a request to the host; resolves with its typed result, rejects with the host's error message. */
export function request<M extends RequestMethod>(method: M, params: Requests[M]['params']): Promise<Requests[M]['result']> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { method, resolve: resolve as (r: unknown) => void, reject });
    vscodeApi.postMessage({ type: 'request', id, method, params } as never);
  });
}

/** Settle the request a (validated) response answers. Returns false for an id nobody is waiting for. */
export function settle(msg: ResponseMessage): boolean {
  const p = pending.get(msg.id);
  if (!p || p.method !== msg.method) return false;
  pending.delete(msg.id);
  if (msg.ok) p.resolve(msg.result);
  else p.reject(new Error(msg.error));
  return true;
}
