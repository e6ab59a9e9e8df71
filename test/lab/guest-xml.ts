/** Domain XML of the lab's guests: the tiny TCG guest (qemu driver) and test-driver domains. */
import { createHash } from 'node:crypto';
import { LabError, LabErrorCode } from './errors.js';
import type { GuestXmlOptions } from './types.js';

const GUEST_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Throw LAB_BAD_INPUT unless `name` is safe both as a domain name and as a file name. */
export function checkGuestName(name: string, what = 'guest name'): void {
  if (!GUEST_NAME.test(name)) {
    throw new LabError(
      LabErrorCode.BadInput,
      `${what} ${JSON.stringify(name)} must be 1-63 letters, digits, '_', '.' or '-', starting with a letter or digit`,
    );
  }
}

/** A UUID derived from the guest name (SHA-256, version 4 and variant bits set), stable across runs. */
export function uuidForName(name: string): string {
  const hex = createHash('sha256').update(`virtwarden-lab-guest:${name}`).digest('hex');
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function checkedUuid(name: string, uuid: string | undefined): string {
  if (uuid === undefined) return uuidForName(name);
  if (!UUID.test(uuid))
    throw new LabError(LabErrorCode.BadInput, `uuid ${JSON.stringify(uuid)} is not a UUID`);
  return uuid.toLowerCase();
}

const QEMU_NS = 'http://libvirt.org/schemas/domain/qemu/1.0';

/**
 * A disk whose every write fails with ENOSPC, as QEMU arguments libvirt passes through (libvirt's
 * own `<disk>` cannot express QEMU's `blkdebug` driver). `null-co` is an image that needs no
 * file; blkdebug on top of it fails each write, and the IDE device's `werror=enospc` (QEMU's
 * default, written out) stops the VM on it: libvirt reports `paused (ioerror)` and an
 * `io-error` event with reason `enospc`, exactly as for a host disk that ran full. The primary
 * IDE channel is the `pc` machine's own, so the guest reaches it with plain port I/O.
 */
const FAILING_DISK = `
  <qemu:commandline>
    <qemu:arg value='-blockdev'/>
    <qemu:arg value='{"driver":"blkdebug","node-name":"vw-ioerr","inject-error":[{"event":"pwritev","errno":28}],"image":{"driver":"null-co"}}'/>
    <qemu:arg value='-device'/>
    <qemu:arg value='ide-hd,drive=vw-ioerr,bus=ide.0,unit=0,werror=enospc'/>
  </qemu:commandline>`;

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/'/g, '&apos;')
    .replace(/"/g, '&quot;');
}

/** A guest-counter second for a kernel argument: an integer 1–3600, or absent. */
function checkedSecond(what: string, value: number | undefined): number | undefined {
  if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > 3600)) {
    throw new LabError(
      LabErrorCode.BadInput,
      `${what} must be an integer from 1 to 3600, got ${String(value)}`,
    );
  }
  return value;
}

/** Domain XML of a tiny TCG guest booting `kernel` and logging its serial port to `serialLog`. */
export function tinyGuestXml(
  name: string,
  kernel: string,
  serialLog: string,
  opts: GuestXmlOptions = {},
): string {
  checkGuestName(name);
  const memory = opts.memoryMiB ?? 32;
  if (!Number.isInteger(memory) || memory < 4 || memory > 65_536) {
    throw new LabError(
      LabErrorCode.BadInput,
      `memoryMiB must be an integer from 4 to 65536, got ${String(memory)}`,
    );
  }
  const fill = opts.fillMiB ?? 0;
  if (!Number.isInteger(fill) || fill < 0 || (fill > 0 && fill + 3 > memory)) {
    throw new LabError(
      LabErrorCode.BadInput,
      `fillMiB must be an integer from 0 to memoryMiB - 3 (${String(memory - 3)}), got ${String(fill)}`,
    );
  }
  const ioErrorAt = opts.ioErrorAfterSeconds;
  if (
    ioErrorAt !== undefined &&
    (!Number.isInteger(ioErrorAt) || ioErrorAt < 1 || ioErrorAt > 3600)
  ) {
    throw new LabError(
      LabErrorCode.BadInput,
      `ioErrorAfterSeconds must be an integer from 1 to 3600, got ${String(ioErrorAt)}`,
    );
  }
  const hangAt = checkedSecond('hangAfterSeconds', opts.hangAfterSeconds);
  const panicAt = checkedSecond('panicAfterSeconds', opts.panicAfterSeconds);
  const args = [
    ...(fill > 0 ? [`fill=${String(fill)}`] : []),
    ...(ioErrorAt !== undefined ? [`diskwrite=${String(ioErrorAt)}`] : []),
    ...(hangAt !== undefined ? [`hang=${String(hangAt)}`] : []),
    ...(panicAt !== undefined ? [`panic=${String(panicAt)}`] : []),
  ];
  const health = [
    ...(opts.watchdogAction !== undefined
      ? [`<watchdog model='i6300esb' action='${opts.watchdogAction}'/>`]
      : []),
    ...(opts.panicDevice === true
      ? ["<panic model='isa'><address type='isa' iobase='0x505'/></panic>"]
      : []),
  ].map((d) => `\n    ${d}`);
  const cmdline = args.length > 0 ? `\n    <cmdline>${args.join(' ')}</cmdline>` : '';
  const metadata = opts.metadata === undefined ? '' : `\n  <metadata>${opts.metadata}</metadata>`;
  const qemuNs = ioErrorAt !== undefined ? ` xmlns:qemu='${QEMU_NS}'` : '';
  return `<domain type='qemu'${qemuNs}>
  <name>${name}</name>
  <uuid>${checkedUuid(name, opts.uuid)}</uuid>${metadata}
  <memory unit='MiB'>${String(memory)}</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>${escapeXml(kernel)}</kernel>${cmdline}
  </os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>${opts.onCrash ?? 'destroy'}</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <controller type='usb' model='none'/>
    <controller type='scsi' index='0' model='virtio-scsi'/>
    <serial type='file'>
      <source path='${escapeXml(serialLog)}' append='on'/>
      <target port='0'/>
    </serial>
    <memballoon model='none'/>${health.join('')}${opts.extraDevices === undefined ? '' : `\n    ${opts.extraDevices}`}
  </devices>${ioErrorAt !== undefined ? FAILING_DISK : ''}
</domain>
`;
}

/** Domain XML for the test driver; `running` becomes <test:runstate> (honoured in node XML files). */
export function testDriverGuestXml(
  name: string,
  opts: { uuid?: string; running?: boolean } = {},
): string {
  checkGuestName(name);
  const runstate =
    opts.running === undefined
      ? ''
      : `\n  <test:runstate>${opts.running ? '1' : '5'}</test:runstate>`;
  return `<domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
  <name>${name}</name>
  <uuid>${checkedUuid(name, opts.uuid)}</uuid>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type></os>${runstate}
</domain>
`;
}
