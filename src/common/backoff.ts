/**
 * Retry delays: exponential with "full jitter" (a random delay between 0 and the exponential
 * bound), so many retries after one outage do not hit a daemon at the same instant. Pure: the
 * random number is passed in.
 */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly capMs: number;
}

/**
 * Reconnects to a libvirt host: capped at 2 s, because a host that answers again must be seen
 * soon — its guests wait on it, and only a successful reconnect ends a host loss's grace. A
 * connect to a stopped daemon costs one refused socket.
 */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 250, capMs: 2_000 };

/** Delay before retry number `attempt` (1 = the first retry). */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: number): number {
  const bound = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(bound * Math.min(1, Math.max(0, random)));
}
