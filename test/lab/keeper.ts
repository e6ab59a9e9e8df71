/**
 * The test-driver keeper. The test driver inside a libvirtd keeps its state (defined domains,
 * pools, …) only while at least one connection is open, so each host can hold one
 * `virsh event --all --loop` connection for the whole test. start() returns only once the keeper
 * provably receives events: a probe domain is defined and undefined until the keeper reports it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { LabError, LabErrorCode } from './errors.js';
import { runCommand } from './exec.js';

const PROBE_NAME = 'lab-keeper-probe';
const PROBE_XML = `<domain type='test'>
  <name>${PROBE_NAME}</name>
  <uuid>00000000-0000-4000-8000-00000000ce11</uuid>
  <memory unit='MiB'>1</memory>
  <os><type arch='x86_64'>hvm</type></os>
</domain>
`;

/** A live keeper connection. */
export interface Keeper {
  readonly pid: number;
  /** Everything the keeper printed so far (its event log), last 64 KiB. */
  output(): string;
  stop(): void;
}

/** Start a keeper on `testUri` and wait until it holds the driver open (≤ timeoutMs). */
export async function startKeeper(
  testUri: string,
  probeFile: string,
  timeoutMs = 10_000,
): Promise<Keeper> {
  await writeFile(probeFile, PROBE_XML);
  // -k 0: no keepalive, so a frozen daemon does not make the keeper give up.
  // stdbuf -oL: virsh writes to a pipe, which stdio would otherwise buffer in 4 KiB blocks.
  const child: ChildProcess = spawn(
    'stdbuf',
    ['-oL', 'virsh', '-k', '0', '-c', testUri, 'event', '--all', '--loop'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let printed = '';
  let exited = false;
  // A function, not the variable: it changes in callbacks, which flow analysis cannot see.
  const hasExited = (): boolean => exited;
  const append = (chunk: Buffer): void => {
    printed = (printed + chunk.toString('utf8')).slice(-65_536);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  child.once('exit', () => {
    exited = true;
  });
  child.once('error', (error) => {
    exited = true;
    printed += String(error);
  });
  for (const stream of [child.stdout, child.stderr]) if (stream instanceof Socket) stream.unref();
  child.unref();
  const keeper: Keeper = {
    pid: child.pid ?? -1,
    output: () => printed,
    stop: () => {
      child.kill('SIGKILL');
    },
  };

  const deadline = Date.now() + timeoutMs;
  while (!printed.includes(PROBE_NAME)) {
    if (hasExited() || Date.now() > deadline) {
      keeper.stop();
      throw new LabError(
        hasExited() ? LabErrorCode.HostStartFailed : LabErrorCode.Timeout,
        `test-driver keeper on ${testUri} ${hasExited() ? 'exited' : 'never saw its probe event'}: ${printed.trim() || 'no output'}`,
      );
    }
    await runCommand('virsh', ['-c', testUri, `define ${probeFile}; undefine ${PROBE_NAME}`], {
      timeoutMs: 10_000,
    });
    for (
      let waited = 0;
      waited < 500 && !printed.includes(PROBE_NAME) && !hasExited();
      waited += 20
    ) {
      await sleep(20);
    }
  }
  return keeper;
}
