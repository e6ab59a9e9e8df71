/**
 * Launching one libvirtd: `unshare --mount` → reaper → sh (bind mounts) → exec libvirtd, then
 * waiting until it answers. Also the log excerpt that goes into start-up errors.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LabError, LabErrorCode } from './errors.js';
import { runCommand } from './exec.js';
import { NAMESPACE_SCRIPT } from './host-config.js';
import { listProcesses, readCmdline } from './proc.js';

const READY_TIMEOUT_MS = 30_000;

/** Errors every lab libvirtd logs at start here (no dnsmasq, DBus, DMI tables): noise in a report. */
const HARMLESS_LOG_LINE =
  /: info : (libvirt version|hostname)|dnsmasqCapsNewFromBinary|virGDBusGetSystemBus|networkStateInitialize:.*DBus|udevGetDMIData|dmidecode|^\/dev\/mem|security driver "none"/;

/** A started reaper (with libvirtd below it) that may or may not become ready. */
export interface DaemonLaunch {
  readonly reaper: ChildProcess;
  /** Resolves when the reaper has exited (it outlives libvirtd while guests run). */
  readonly exited: Promise<void>;
  /** Why the reaper exited, once it has. */
  exitReason(): string | undefined;
}

/** Start the daemon of the host in `dir` (does not wait). */
export async function launchDaemon(dir: string, reaperPath: string): Promise<DaemonLaunch> {
  await rm(path.join(dir, 'libvirtd.pid'), { force: true });
  const log = openSync(path.join(dir, 'stdout.log'), 'a');
  const args = ['--mount', '--propagation', 'private', '--', reaperPath];
  // detached: Ctrl-C in a terminal must not kill the daemons before the lab's hooks run.
  const reaper = spawn('unshare', [...args, 'sh', '-c', NAMESPACE_SCRIPT, 'sh', dir], {
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  reaper.unref();
  let reason: string | undefined;
  const exited = new Promise<void>((resolve) => {
    reaper.once('exit', (code, signal) => {
      reason = `exited with ${signal ?? `code ${String(code)}`}`;
      resolve();
    });
    reaper.once('error', (error) => {
      reason = `could not start: ${error.message}`;
      resolve();
    });
  });
  return { reaper, exited, exitReason: () => reason };
}

/** Wait until the socket exists and `virsh version` succeeds; resolves with libvirtd's pid. */
export async function waitUntilReady(
  launch: DaemonLaunch,
  qemuUri: string,
  socket: string,
  fail: (detail: string) => LabError,
): Promise<number> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError = 'socket never appeared';
  for (;;) {
    const reason = launch.exitReason();
    if (reason !== undefined) throw fail(`libvirtd ${reason}`);
    if (existsSync(socket)) {
      try {
        await runCommand('virsh', ['-c', qemuUri, 'version'], { timeoutMs: READY_TIMEOUT_MS });
        break;
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      }
    }
    if (Date.now() > deadline) {
      throw fail(`not ready after ${String(READY_TIMEOUT_MS)} ms: ${lastError}`);
    }
    await sleep(25);
  }
  const reaperPid = launch.reaper.pid;
  const libvirtd = listProcesses().find(
    (row) => row.ppid === reaperPid && path.basename(readCmdline(row.pid)[0] ?? '') === 'libvirtd',
  );
  if (libvirtd === undefined) throw fail('libvirtd is not a child of its reaper');
  return libvirtd.pid;
}

/** The last useful lines of a host's libvirtd.log and stdout.log. */
export function daemonLogTail(dir: string, name: string, lines: number): string {
  const tail = (file: string): string => {
    try {
      const text = readFileSync(path.join(dir, file), 'utf8');
      const useful = text
        .split('\n')
        .filter((line) => line.trim() !== '' && !HARMLESS_LOG_LINE.test(line));
      return useful.slice(-lines).join('\n') || '(empty)';
    } catch {
      return '(none)';
    }
  };
  return [
    `--- ${name} libvirtd.log (harmless start-up noise left out) ---`,
    tail('libvirtd.log'),
    `--- ${name} stdout.log ---`,
    tail('stdout.log'),
  ].join('\n');
}

/** A LAB_HOST_START_FAILED error with the host's log tail. */
export function startError(dir: string, name: string, detail: string): LabError {
  return new LabError(
    LabErrorCode.HostStartFailed,
    `host ${name} (${dir}): ${detail}\n${daemonLogTail(dir, name, 20)}`,
  );
}
