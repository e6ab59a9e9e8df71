/**
 * Port blocks for the lab's hosts. Each host needs a migration range and a display range (libvirt
 * insists on min < max). Two test processes may run labs at once, so blocks are leased through a
 * registry of slot files under os.tmpdir(): a slot file names its owner (pid + start time), a
 * slot whose owner is dead is free again, and every port of a new block is probed before use.
 * Blocks sit below Linux's ephemeral range (32768+) so outgoing connections never take them.
 */
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LabError, LabErrorCode } from './errors.js';
import { ownerIsAlive, ownerStamp } from './owner.js';

/** An inclusive port range. */
export interface PortRange {
  readonly min: number;
  readonly max: number;
}

/** A leased block: release() frees it for other labs. */
export interface PortLease {
  readonly migration: PortRange;
  readonly display: PortRange;
  readonly slotFile: string;
  release(): void;
}

const PORTS_DIR = path.join(os.tmpdir(), 'virtwarden-lab-ports');
const MUTEX_DIR = path.join(PORTS_DIR, '.mutex');
const FIRST_PORT = 24_000;
const BLOCK = 20; // 10 migration + 10 display ports
const SLOTS = Math.floor((32_760 - FIRST_PORT) / BLOCK);
const STALE_MUTEX_MS = 10_000;

function rangesOf(slot: number): { migration: PortRange; display: PortRange } {
  const base = FIRST_PORT + slot * BLOCK;
  return {
    migration: { min: base, max: base + 9 },
    display: { min: base + 10, max: base + 19 },
  };
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => {
      resolve(false);
    });
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}

async function blockIsFree(slot: number): Promise<boolean> {
  const { migration } = rangesOf(slot);
  for (let port = migration.min; port < migration.min + BLOCK; port++) {
    if (!(await portIsFree(port))) return false;
  }
  return true;
}

/** A cross-process mutex: mkdir is atomic; a mutex older than 10 s was left by a dead process. */
async function withMutex<T>(work: () => Promise<T>): Promise<T> {
  mkdirSync(PORTS_DIR, { recursive: true });
  for (;;) {
    try {
      mkdirSync(MUTEX_DIR);
      break;
    } catch {
      try {
        if (Date.now() - statSync(MUTEX_DIR).mtimeMs > STALE_MUTEX_MS) rmdirSync(MUTEX_DIR);
      } catch {
        // released meanwhile: try again
      }
      await sleep(10);
    }
  }
  try {
    return await work();
  } finally {
    rmdirSync(MUTEX_DIR);
  }
}

function slotIsTaken(file: string): boolean {
  let stamp: string;
  try {
    stamp = readFileSync(file, 'utf8');
  } catch {
    return false;
  }
  if (ownerIsAlive(stamp)) return true;
  unlinkSync(file);
  return false;
}

/** Lease `count` port blocks, each free of listeners right now. */
export async function leasePorts(count: number): Promise<PortLease[]> {
  return withMutex(async () => {
    const leases: PortLease[] = [];
    const taken = new Set(readdirSync(PORTS_DIR));
    for (let slot = 0; slot < SLOTS && leases.length < count; slot++) {
      const file = path.join(PORTS_DIR, `slot-${String(slot)}`);
      if (taken.has(path.basename(file)) && slotIsTaken(file)) continue;
      if (!(await blockIsFree(slot))) continue;
      writeFileSync(file, ownerStamp(), { flag: 'wx' });
      leases.push({
        ...rangesOf(slot),
        slotFile: file,
        release: () => {
          releaseSlot(file);
        },
      });
    }
    if (leases.length < count) {
      for (const lease of leases) lease.release();
      throw new LabError(
        LabErrorCode.NoFreePorts,
        `no free block of ${String(BLOCK)} ports left in ${String(FIRST_PORT)}-32759 (registry ${PORTS_DIR})`,
      );
    }
    return leases;
  });
}

function releaseSlot(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already released
  }
}
