/**
 * A shared seed for libvirt's QEMU capabilities cache. A fresh libvirtd probes every
 * qemu-system-* binary (twice: KVM and TCG) before it answers its first query: ~1.3 s per host
 * on this machine. The probe result does not depend on the host's identity, so the first host
 * to finish probing saves its cache files here and later hosts start with a copy (0.15 s to
 * ready). libvirt still validates every file (binary ctimes, its own version, kernel, microcode)
 * and re-probes when one is out of date, so a stale seed costs time, never correctness.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BUILD_CACHE_DIR } from './build.js';

const BINARIES = ['/usr/sbin/libvirtd', '/usr/bin/qemu-system-x86_64', '/usr/bin/qemu-system-i386'];

function seedDir(): string {
  const hash = createHash('sha256').update(`${os.release()} ${os.version()}`);
  for (const binary of BINARIES) {
    try {
      const stat = statSync(binary);
      hash.update(`\0${binary} ${String(stat.ino)} ${String(stat.size)} ${String(stat.ctimeMs)}`);
    } catch {
      hash.update(`\0${binary} missing`);
    }
  }
  return path.join(BUILD_CACHE_DIR, `qemu-caps-${hash.digest('hex').slice(0, 16)}`);
}

function capabilitiesDir(hostDir: string): string {
  return path.join(hostDir, 'cache', 'qemu', 'capabilities');
}

async function xmlFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((entry) => entry.endsWith('.xml'));
  } catch {
    return [];
  }
}

/** Copy the seed (if any) into a host's cache before its daemon starts; true if there was one. */
export async function seedCapabilities(hostDir: string): Promise<boolean> {
  const seed = seedDir();
  const files = await xmlFiles(seed);
  if (files.length === 0) return false;
  const target = capabilitiesDir(hostDir);
  await mkdir(target, { recursive: true });
  for (const file of files) await cp(path.join(seed, file), path.join(target, file));
  return true;
}

/** Save a ready host's probed cache as the seed, unless one exists (atomic rename; concurrent-safe). */
export async function saveCapabilities(hostDir: string): Promise<void> {
  const seed = seedDir();
  if ((await xmlFiles(seed)).length > 0) return;
  const files = await xmlFiles(capabilitiesDir(hostDir));
  if (files.length === 0) return;
  await mkdir(BUILD_CACHE_DIR, { recursive: true });
  const scratch = await mkdtemp(path.join(BUILD_CACHE_DIR, 'caps-'));
  try {
    for (const file of files)
      await cp(path.join(capabilitiesDir(hostDir), file), path.join(scratch, file));
    await rename(scratch, seed);
  } catch {
    // Another process saved its seed first: theirs is as good as ours.
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
