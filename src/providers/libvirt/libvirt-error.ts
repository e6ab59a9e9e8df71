/**
 * libvirt's errors as a typed error: the numeric code and domain libvirt reports, their names
 * (`VIR_ERR_NO_DOMAIN`, `VIR_FROM_QEMU`) and libvirt's message. Classified for the executor in
 * `classifyLibvirtError`: what a lost connection, a daemon going away or a timeout produces is
 * transient (tried again), anything else terminal.
 */
import { VirtwardenError, type ErrorClass } from '../../common/errors.js';
import { ERROR_DOMAINS, ERROR_NAMES } from './binding-error-names.js';

/** Codes that mean "not now", whoever raised them. */
const TRANSIENT_CODES = new Set([
  'VIR_ERR_NO_CONNECT',
  'VIR_ERR_INVALID_CONN',
  'VIR_ERR_SYSTEM_ERROR', // e.g. "End of file while reading data", "Cannot write data: Broken pipe"
  'VIR_ERR_RPC',
  'VIR_ERR_OPERATION_TIMEOUT', // e.g. "cannot acquire state change lock"
  'VIR_ERR_AGENT_UNRESPONSIVE',
  'VIR_ERR_AGENT_UNSYNCED',
  'VIR_ERR_RESOURCE_BUSY',
  'VIR_ERR_AUTH_UNAVAILABLE',
]);

/**
 * What the binding reports when a libvirt call failed but left no error behind (native/src/job.cc,
 * `LibvirtErr::capture`). It is seen while a daemon dies under a call: the connection is torn
 * down and the thread's error with it. It is the binding's own sentence, so matching it is safe.
 */
export const NO_ERROR_MESSAGE = 'libvirt call failed without an error';

/**
 * The executor's class of one libvirt error. Besides the codes above: an internal error raised
 * by libvirt's RPC client (`VIR_FROM_RPC`: "client socket is closed", "connection closed due to
 * keepalive timeout") is a connection that went away, not a refusal, and so is the binding's
 * "failed without an error". Errors the daemon raised (a refused request) keep their own domain
 * (`VIR_FROM_QEMU`, …) and stay terminal.
 */
export function classifyLibvirtError(
  codeName: string,
  domainName: string,
  message: string,
): ErrorClass {
  if (TRANSIENT_CODES.has(codeName)) return 'transient';
  if (codeName === 'VIR_ERR_INTERNAL_ERROR') {
    if (domainName === 'VIR_FROM_RPC') return 'transient';
    if (domainName === 'VIR_FROM_NONE' && message === NO_ERROR_MESSAGE) return 'transient';
  }
  return 'terminal';
}

export class LibvirtError extends VirtwardenError {
  /** libvirt's virErrorNumber. */
  readonly libvirtCode: number;
  /** libvirt's virErrorDomain (which part of libvirt raised it). */
  readonly domain: number;
  readonly codeName: string;
  readonly domainName: string;

  constructor(code: number, domain: number, message: string) {
    const codeName = ERROR_NAMES[code] ?? `VIR_ERR_${String(code)}`;
    const domainName = ERROR_DOMAINS[domain] ?? `VIR_FROM_${String(domain)}`;
    super(codeName, classifyLibvirtError(codeName, domainName, message), message);
    this.name = 'LibvirtError';
    this.libvirtCode = code;
    this.domain = domain;
    this.codeName = codeName;
    this.domainName = domainName;
  }
}

/** A native rejection (`{code, domain, message, libvirt: true}`) as a LibvirtError. */
export function toLibvirtError(err: unknown): unknown {
  // Duck-typed: the native error comes from Node's main realm, not always this one's `Error`.
  if (typeof err === 'object' && err !== null && (err as { libvirt?: unknown }).libvirt === true) {
    const e = err as { code: number; domain: number; message: string };
    return new LibvirtError(e.code, e.domain, e.message);
  }
  return err;
}
