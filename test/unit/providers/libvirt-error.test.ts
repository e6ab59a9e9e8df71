/**
 * The classification of libvirt's errors (issue 10 item 24, libvirt part): what a daemon dying
 * under a call produces is transient; a refusal is terminal. Rows are libvirt's own errors as
 * the lab shows them (code, domain, message).
 */
import { describe, expect, it } from '@jest/globals';
import { ERROR_DOMAINS, ERROR_NAMES } from '../../../src/providers/libvirt/binding-error-names.js';
import {
  LibvirtError,
  NO_ERROR_MESSAGE,
  classifyLibvirtError,
} from '../../../src/providers/libvirt/libvirt-error.js';

const code = (name: string): number => ERROR_NAMES.indexOf(name);
const domain = (name: string): number => ERROR_DOMAINS.indexOf(name);

describe('libvirt error classification', () => {
  it.each([
    // a daemon that died or went away
    ['VIR_ERR_INTERNAL_ERROR', 'VIR_FROM_NONE', NO_ERROR_MESSAGE, 'transient'],
    [
      'VIR_ERR_INTERNAL_ERROR',
      'VIR_FROM_RPC',
      'internal error: client socket is closed',
      'transient',
    ],
    [
      'VIR_ERR_INTERNAL_ERROR',
      'VIR_FROM_RPC',
      'internal error: connection closed due to keepalive timeout',
      'transient',
    ],
    [
      'VIR_ERR_SYSTEM_ERROR',
      'VIR_FROM_RPC',
      'End of file while reading data: Input/output error',
      'transient',
    ],
    [
      'VIR_ERR_SYSTEM_ERROR',
      'VIR_FROM_RPC',
      "Failed to connect socket to '/run/libvirt/libvirt-sock': Connection refused",
      'transient',
    ],
    ['VIR_ERR_INVALID_CONN', 'VIR_FROM_NONE', 'connection is closed', 'transient'],
    ['VIR_ERR_NO_CONNECT', 'VIR_FROM_REMOTE', 'no connection driver available', 'transient'],
    ['VIR_ERR_RPC', 'VIR_FROM_RPC', 'rpc error', 'transient'],
    [
      'VIR_ERR_OPERATION_TIMEOUT',
      'VIR_FROM_QEMU',
      'Timed out during operation: cannot acquire state change lock',
      'transient',
    ],
    ['VIR_ERR_AGENT_UNRESPONSIVE', 'VIR_FROM_QEMU', 'Guest agent is not responding', 'transient'],
    // refusals: retrying cannot help
    [
      'VIR_ERR_INTERNAL_ERROR',
      'VIR_FROM_QEMU',
      'internal error: process exited while connecting to monitor',
      'terminal',
    ],
    ['VIR_ERR_INTERNAL_ERROR', 'VIR_FROM_NONE', 'internal error: something else', 'terminal'],
    [
      'VIR_ERR_MIGRATE_UNSAFE',
      'VIR_FROM_QEMU',
      'Unsafe migration: Migration without shared storage is unsafe',
      'terminal',
    ],
    [
      'VIR_ERR_OPERATION_ABORTED',
      'VIR_FROM_QEMU',
      'operation aborted: migration out job: canceled by client',
      'terminal',
    ],
    [
      'VIR_ERR_NO_DOMAIN',
      'VIR_FROM_QEMU',
      "Domain not found: no domain with matching name 'g1'",
      'terminal',
    ],
    ['VIR_ERR_AUTH_FAILED', 'VIR_FROM_RPC', 'authentication failed', 'terminal'],
    ['VIR_ERR_XML_ERROR', 'VIR_FROM_DOMAIN', 'XML error', 'terminal'],
  ] as const)('%s from %s (%s) → %s', (codeName, domainName, message, expected) => {
    expect(classifyLibvirtError(codeName, domainName, message)).toBe(expected);
    // The same class reaches the executor through the typed error.
    const err = new LibvirtError(code(codeName), domain(domainName), message);
    expect(err.codeName).toBe(codeName);
    expect(err.domainName).toBe(domainName);
    expect(err.errorClass).toBe(expected);
  });
});
