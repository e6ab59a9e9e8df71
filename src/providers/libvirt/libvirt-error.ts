/**
 * libvirt's errors as a typed error: the numeric code and domain libvirt reports, their names
 * (`VIR_ERR_NO_DOMAIN`, `VIR_FROM_QEMU`) and libvirt's message. Classified for the executor:
 * a lost connection or a timeout is transient, anything else terminal.
 */
import { VirtwardenError, type ErrorClass } from '../../common/errors.js';
import { ERROR_DOMAINS, ERROR_NAMES } from './binding-error-names.js';

const TRANSIENT = new Set([
  'VIR_ERR_NO_CONNECT',
  'VIR_ERR_INVALID_CONN',
  'VIR_ERR_SYSTEM_ERROR',
  'VIR_ERR_RPC',
  'VIR_ERR_OPERATION_TIMEOUT',
  'VIR_ERR_AGENT_UNRESPONSIVE',
  'VIR_ERR_RESOURCE_BUSY',
  'VIR_ERR_AUTH_UNAVAILABLE',
]);

export class LibvirtError extends VirtwardenError {
  /** libvirt's virErrorNumber. */
  readonly libvirtCode: number;
  /** libvirt's virErrorDomain (which part of libvirt raised it). */
  readonly domain: number;
  readonly codeName: string;
  readonly domainName: string;

  constructor(code: number, domain: number, message: string) {
    const codeName = ERROR_NAMES[code] ?? `VIR_ERR_${code}`;
    const errorClass: ErrorClass = TRANSIENT.has(codeName) ? 'transient' : 'terminal';
    super(codeName, errorClass, message);
    this.name = 'LibvirtError';
    this.libvirtCode = code;
    this.domain = domain;
    this.codeName = codeName;
    this.domainName = ERROR_DOMAINS[domain] ?? `VIR_FROM_${domain}`;
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
