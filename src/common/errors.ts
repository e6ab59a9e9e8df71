/**
 * Outcome classes of everything that can go wrong while acting, decided in one place:
 *
 * - terminal: retrying cannot help (bad request, impossible action, not owned). The branch of
 *   the plan that needed it stops; the rest goes on.
 * - transient: the network, a timeout, a 5xx, a daemon restarting. Retried with jittered backoff.
 * - waiting: not yet possible (a dependency not ready, fencing not confirmed). Tried again later.
 *
 * Errors carry a stable `code`; never match on message text.
 */
export type ErrorClass = 'terminal' | 'transient' | 'waiting';

export class VirtwardenError extends Error {
  readonly code: string;
  readonly errorClass: ErrorClass;

  constructor(
    code: string,
    errorClass: ErrorClass,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'VirtwardenError';
    this.code = code;
    this.errorClass = errorClass;
  }
}

export class TerminalError extends VirtwardenError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, 'terminal', message, options);
    this.name = 'TerminalError';
  }
}

export class TransientError extends VirtwardenError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, 'transient', message, options);
    this.name = 'TransientError';
  }
}

export class WaitingError extends VirtwardenError {
  /** Look again after this long (absent: the caller's default). */
  readonly retryAfterMs?: number;
  constructor(code: string, message: string, options?: { cause?: unknown; retryAfterMs?: number }) {
    super(code, 'waiting', message, options);
    this.name = 'WaitingError';
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

/** Anything thrown that is not ours is treated as terminal: an unknown failure is not retried. */
export function classify(err: unknown): ErrorClass {
  return err instanceof VirtwardenError ? err.errorClass : 'terminal';
}

export function errorCode(err: unknown): string {
  return err instanceof VirtwardenError ? err.code : 'unexpected';
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
