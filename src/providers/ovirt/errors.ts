/**
 * The engine's faults as typed errors. A fault carries the engine's own reason and detail
 * (`Operation Failed` / `[Cannot run VM. VM is running.]`) and the HTTP status; transient
 * conditions (5xx, timeouts, dropped connections) are classified for retry.
 */
import {
  TerminalError,
  TransientError,
  VirtwardenError,
  type ErrorClass,
} from '../../common/errors.js';

export class OvirtFaultError extends VirtwardenError {
  readonly status: number;
  readonly reason: string;
  readonly detail: string;

  constructor(status: number, reason: string, detail: string, errorClass: ErrorClass) {
    super(
      `ovirt-${status}`,
      errorClass,
      `engine refused (${status}): ${reason}${detail ? ` — ${detail}` : ''}`,
    );
    this.name = 'OvirtFaultError';
    this.status = status;
    this.reason = reason;
    this.detail = detail;
  }
}

interface FaultBody {
  fault?: { reason?: string; detail?: string };
  reason?: string;
  detail?: string;
  error?: string;
  error_description?: string;
}

/** The fault inside a response body (bare `fault`, or wrapped in an `action`), JSON or XML. */
export function parseFault(body: string): { reason: string; detail: string } {
  try {
    const doc = JSON.parse(body) as FaultBody;
    const f = doc.fault ?? doc;
    return { reason: f.reason ?? doc.error ?? '', detail: f.detail ?? doc.error_description ?? '' };
  } catch {
    const reason = /<reason>([^<]*)<\/reason>/.exec(body)?.[1] ?? '';
    const detail = /<detail>([^<]*)<\/detail>/.exec(body)?.[1] ?? '';
    return { reason, detail };
  }
}

export function faultFor(status: number, body: string): VirtwardenError {
  const { reason, detail } = parseFault(body);
  // 409: the engine's state conflicts with the command right now (a data center electing its
  // SPM, a VM still moving between statuses). Retrying is safe: the executor re-checks the
  // observation before each retry, so a command whose effect already happened is not repeated.
  const transient = status >= 500 || status === 429 || status === 409;
  if (status === 401)
    return new TerminalError('ovirt-auth', 'engine rejected the credentials (401)');
  return new OvirtFaultError(
    status,
    reason || `HTTP ${status}`,
    detail,
    transient ? 'transient' : 'terminal',
  );
}

export function networkError(
  what: string,
  code: string | undefined,
  message: string,
): TransientError {
  return new TransientError('ovirt-network', `${what}: ${code ?? 'network error'} (${message})`);
}
