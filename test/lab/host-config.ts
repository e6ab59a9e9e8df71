/**
 * The files that make one private libvirtd "host": its folder layout, libvirtd.conf, qemu.conf
 * and the passwd/group copies that give libvirtd the compiled-in `libvirt-qemu` user (the
 * libvirt-daemon-system package that normally creates it is not installed here).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PortRange } from './ports.js';

/** Sub-folders of a host folder, bind-mounted over the system paths inside its namespace. */
export const HOST_BIND_MOUNTS = [
  ['run', '/run/libvirt'],
  ['lib', '/var/lib/libvirt'],
  ['cache', '/var/cache/libvirt'],
  ['log', '/var/log/libvirt'],
  ['etc', '/etc/libvirt'],
  ['passwd', '/etc/passwd'],
  ['group', '/etc/group'],
] as const;

/** What makes one host different from another. */
export interface HostIdentity {
  readonly dir: string;
  readonly hostUuid: string;
  readonly migrationPorts: PortRange;
  readonly displayPorts: PortRange;
}

const QEMU_USER = 'libvirt-qemu:x:64055:64055:Libvirt Qemu,,,:/var/lib/libvirt:/usr/sbin/nologin';

function libvirtdConf(host: HostIdentity): string {
  return [
    `unix_sock_dir = "${host.dir}/sock"`,
    'unix_sock_ro_perms = "0777"',
    'unix_sock_rw_perms = "0770"',
    'unix_sock_admin_perms = "0700"',
    'auth_unix_ro = "none"',
    'auth_unix_rw = "none"',
    `host_uuid = "${host.hostUuid}"`,
    // Warnings and errors only: enough to explain a failed start, small enough to ignore.
    // Raise it at run time with virt-admin (daemon-log-filters) when a test needs more.
    `log_outputs = "3:file:${host.dir}/libvirtd.log"`,
    '',
  ].join('\n');
}

function qemuConf(host: HostIdentity): string {
  return [
    'user = "root"',
    'group = "root"',
    'dynamic_ownership = 0',
    'remember_owner = 0',
    'security_driver = "none"',
    // Hosts share one cgroup tree: without this, two hosts' guests of the same name clash.
    'cgroup_controllers = [ ]',
    // QEMU writes its log straight to a file: no virtlogd daemon needed.
    'stdio_handler = "file"',
    `migration_port_min = ${String(host.migrationPorts.min)}`,
    `migration_port_max = ${String(host.migrationPorts.max)}`,
    `remote_display_port_min = ${String(host.displayPorts.min)}`,
    `remote_display_port_max = ${String(host.displayPorts.max)}`,
    'vnc_listen = "127.0.0.1"',
    'spice_listen = "127.0.0.1"',
    '',
  ].join('\n');
}

function withLine(content: string, name: string, line: string): string {
  if (content.split('\n').some((existing) => existing.startsWith(`${name}:`))) return content;
  return `${content.endsWith('\n') || content === '' ? content : `${content}\n`}${line}\n`;
}

/** Create the folder layout and configuration of a host (idempotent). */
export async function writeHostFiles(host: HostIdentity): Promise<void> {
  for (const sub of ['run', 'lib', 'cache', 'log', 'etc/qemu', 'sock']) {
    await mkdir(path.join(host.dir, sub), { recursive: true });
  }
  await writeFile(path.join(host.dir, 'etc', 'libvirtd.conf'), libvirtdConf(host));
  await writeFile(path.join(host.dir, 'etc', 'qemu.conf'), qemuConf(host));
  const passwd = await readFile('/etc/passwd', 'utf8');
  await writeFile(path.join(host.dir, 'passwd'), withLine(passwd, 'libvirt-qemu', QEMU_USER));
  let group = await readFile('/etc/group', 'utf8');
  group = withLine(group, 'libvirt-qemu', 'libvirt-qemu:x:64055:libvirt-qemu');
  group = withLine(group, 'kvm', 'kvm:x:64056:libvirt-qemu');
  group = withLine(group, 'libvirt', 'libvirt:x:64057:');
  await writeFile(path.join(host.dir, 'group'), group);
}

/**
 * Shell script run inside the host's mount namespace (`$1` = host folder): create the mount
 * points if the system lacks them, bind the host's folders over them, then become libvirtd.
 */
export const NAMESPACE_SCRIPT = [
  'set -e',
  'H="$1"',
  ...HOST_BIND_MOUNTS.filter(([source]) => source !== 'passwd' && source !== 'group').map(
    ([, target]) => `[ -d ${target} ] || mkdir -p ${target}`,
  ),
  ...HOST_BIND_MOUNTS.map(([source, target]) => `mount --bind "$H/${source}" ${target}`),
  // Per-host device folders (/dev/disk/by-id, by-path, /dev/vx/dmp), so storage tests can make a
  // device name exist on one host and not on another. The empty mount points are created on the
  // system when missing (containers have no udev-made /dev/disk).
  '[ -d /dev/disk ] || mkdir -p /dev/disk',
  '[ -d /dev/vx ] || mkdir -p /dev/vx',
  'mkdir -p "$H/dev-disk/by-id" "$H/dev-disk/by-path" "$H/dev-vx/dmp"',
  'mount --bind "$H/dev-disk" /dev/disk',
  'mount --bind "$H/dev-vx" /dev/vx',
  'exec /usr/sbin/libvirtd -f "$H/etc/libvirtd.conf" -p "$H/libvirtd.pid"',
].join('\n');
