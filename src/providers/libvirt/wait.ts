/** Polling until observation agrees: an API's "done" is not trusted on its own. */
import { TerminalError } from '../../common/errors.js';

export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  options: { intervalMs?: number; signal?: AbortSignal; onWait?: (elapsedMs: number) => void } = {},
): Promise<boolean> {
  const t0 = Date.now();
  const interval = options.intervalMs ?? 200;
  for (;;) {
    if (await probe()) return true;
    const elapsed = Date.now() - t0;
    if (elapsed >= timeoutMs) return false;
    if (options.signal?.aborted === true)
      throw new TerminalError('aborted', `${what}: aborted by the operator`);
    options.onWait?.(elapsed);
    await new Promise((r) => setTimeout(r, Math.min(interval, timeoutMs - elapsed)));
  }
}
