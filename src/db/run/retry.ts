import { sleep } from './dialect';
import { isDeadlock, isLockTimeout } from './errors';
import { DEFAULT_RETRY, type RetryPolicy } from './types';

export function resolvePolicy(p?: Partial<RetryPolicy>): RetryPolicy {
  const policy = { ...DEFAULT_RETRY, ...p };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1)
    throw new Error(`retry.maxAttempts must be a positive integer, got ${policy.maxAttempts}`);
  if (!(policy.baseDelayMs >= 0) || !(policy.maxDelayMs >= policy.baseDelayMs))
    throw new Error('retry delays must satisfy 0 ≤ baseDelayMs ≤ maxDelayMs');
  return policy;
}

/** Delay before attempt `attempt + 1`: exponential, capped, with "equal jitter" (half fixed, half random). */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

export interface RetryResult<T> {
  readonly value: T;
  readonly attempts: number;
}

/**
 * Run `fn`; on a lock timeout or deadlock wait and try again, up to the policy's attempts.
 * The last error is rethrown with `attempts` attached; any other error is rethrown at once.
 */
export async function withLockRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  /** Told before each wait; a promise it returns is awaited (e.g. to name the blocking sessions first). */
  onRetry?: (attempt: number, delayMs: number, err: unknown) => void | Promise<void>,
  signal?: AbortSignal,
): Promise<RetryResult<T>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await fn(attempt), attempts: attempt };
    } catch (err) {
      if (!(isLockTimeout(err) || isDeadlock(err)) || attempt >= policy.maxAttempts || signal?.aborted) {
        if (err && typeof err === 'object') (err as { attempts?: number }).attempts = attempt;
        throw err;
      }
      const delay = backoffDelay(policy, attempt);
      await onRetry?.(attempt, delay, err);
      await sleep(delay, signal);
    }
  }
}
