/**
 * Where labs live and how they are cleaned up when their owner cannot do it.
 *
 * Every lab is a folder under os.tmpdir()/virtwarden-labs/ holding an `owner` stamp. startLab
 * first sweeps folders whose owner died (a crashed or SIGKILLed test process): it kills the
 * daemons, guests and keepers found by their command lines, detaches loop devices backed by files
 * in the folder, and removes it. Live labs also register a synchronous cleanup that runs on
 * process `exit`, SIGINT and SIGTERM (outside jest: jest hands test files a copy of `process`
 * whose events never fire, which is why each lab also has a guardian, see guardian.ts).
 */
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ownerIsAlive, ownerStamp } from './owner.js';
import { descendantsOf, listProcesses, readCmdline, signalAll } from './proc.js';

/** Parent folder of every lab. */
export const LABS_ROOT = path.join(os.tmpdir(), 'virtwarden-labs');
const OWNER_FILE = 'owner';

/** Programs the lab starts; only these are killed when a dead lab is swept. */
const LAB_PROGRAMS = /^(libvirtd|qemu-system-.*|virsh|unshare|sh|[0-9a-f]+-reaper)$/;

/** Create a fresh lab folder owned by this process. */
export function createLabDir(name: string): string {
  mkdirSync(LABS_ROOT, { recursive: true });
  const dir = mkdtempSync(path.join(LABS_ROOT, `${name}-`));
  writeFileSync(path.join(dir, OWNER_FILE), ownerStamp());
  return dir;
}

/** Pids of the processes that belong to the lab in `dir`: matched by command line, plus their descendants. */
export function labProcesses(dir: string): number[] {
  const marker = `${dir}/`;
  const roots = listProcesses()
    .filter((row) => row.pid !== process.pid && row.state !== 'Z')
    .filter((row) => {
      const argv = readCmdline(row.pid);
      const program = path.basename(argv[0] ?? '');
      return LAB_PROGRAMS.test(program) && argv.some((arg) => arg.includes(marker));
    })
    .map((row) => row.pid);
  return [...new Set([...roots, ...descendantsOf(roots)])];
}

/** Loop devices whose backing file lies in `dir`. */
function loopDevicesIn(dir: string): string[] {
  const devices: string[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/sys/block').filter((entry) => entry.startsWith('loop'));
  } catch {
    return devices;
  }
  for (const entry of entries) {
    try {
      const backing = readFileSync(`/sys/block/${entry}/loop/backing_file`, 'utf8').trim();
      if (backing.startsWith(`${dir}/`)) devices.push(`/dev/${entry}`);
    } catch {
      // not attached
    }
  }
  return devices;
}

/** Kill everything of the lab in `dir`, detach its loop devices and remove the folder. Synchronous. */
export function purgeLabDirSync(dir: string): void {
  // Two rounds: a process may fork a child between our scan and the kill.
  for (let round = 0; round < 2; round++) signalAll(labProcesses(dir), 'SIGKILL');
  for (const device of loopDevicesIn(dir)) {
    try {
      execFileSync('losetup', ['-d', device], { stdio: 'ignore' });
    } catch {
      // already detached
    }
  }
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

const ORPHAN_AGE_MS = 60_000;

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** Remove labs whose owner process is gone. */
export function sweepStaleLabs(): void {
  let entries: string[];
  try {
    entries = readdirSync(LABS_ROOT);
  } catch {
    return;
  }
  for (const entry of entries) {
    const dir = path.join(LABS_ROOT, entry);
    let stamp: string;
    try {
      stamp = readFileSync(path.join(dir, OWNER_FILE), 'utf8');
    } catch {
      // Being created right now (mkdtemp comes before the owner file), or its creator died in
      // between: only an old folder is abandoned.
      if (ageMs(dir) > ORPHAN_AGE_MS) purgeLabDirSync(dir);
      continue;
    }
    if (!ownerIsAlive(stamp)) purgeLabDirSync(dir);
  }
}

const liveCleanups = new Set<() => void>();
let hooksInstalled = false;

function runCleanups(): void {
  for (const cleanup of [...liveCleanups]) {
    liveCleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // last resort: keep cleaning the other labs
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  runCleanups();
  // If nobody else handles the signal, die of it as the default action would have.
  if (process.listenerCount(signal) === 1) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  }
}

/** Run `cleanup` (synchronous) if the process exits or is interrupted; returns the unregister function. */
export function registerCleanup(cleanup: () => void): () => void {
  if (!hooksInstalled) {
    hooksInstalled = true;
    process.on('exit', runCleanups);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  liveCleanups.add(cleanup);
  return () => liveCleanups.delete(cleanup);
}
