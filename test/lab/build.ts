/**
 * Builds the lab's native pieces (the child-subreaper and the tiny guest kernel) with gcc at test
 * time, into a cache folder under os.tmpdir() keyed by a hash of their sources and flags. Two
 * test processes may build at once: each builds under a private temp name and renames the result
 * into place, which is atomic, so a reader never sees a half-written file.
 */
import { createHash } from 'node:crypto';
import { access, mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabCommandError, LabError, LabErrorCode } from './errors.js';
import { runCommand } from './exec.js';

/** Paths of the built artifacts. */
export interface LabArtifacts {
  readonly reaper: string;
  readonly guestKernel: string;
}

const LAB_SOURCE_DIR = path.dirname(fileURLToPath(import.meta.url));
const GUEST_DIR = path.join(LAB_SOURCE_DIR, 'guest');

/** Folder that holds every build of the lab's native pieces. */
export const BUILD_CACHE_DIR = path.join(os.tmpdir(), 'virtwarden-lab-cache');

const REAPER_FLAGS = ['-O2', '-Wall', '-Wextra'];
const GUEST_CFLAGS = [
  '-m32',
  '-ffreestanding',
  '-nostdlib',
  '-fno-pic',
  '-fno-pie',
  '-fno-stack-protector',
  '-fno-asynchronous-unwind-tables',
  '-Os',
  '-Wall',
  '-Wextra',
];
const GUEST_LDFLAGS = ['-m', 'elf_i386', '-n', '--build-id=none', '--no-warn-rwx-segments'];

/** One artifact: its sources and how to turn them into `output` inside a scratch folder. */
interface Recipe {
  readonly name: string;
  readonly sources: readonly string[];
  readonly flags: readonly string[];
  build(scratch: string, output: string): Promise<void>;
}

const reaperRecipe: Recipe = {
  name: 'reaper',
  sources: [path.join(LAB_SOURCE_DIR, 'reaper.c')],
  flags: REAPER_FLAGS,
  async build(_scratch, output) {
    await compile('gcc', [...REAPER_FLAGS, '-o', output, path.join(LAB_SOURCE_DIR, 'reaper.c')]);
  },
};

const guestRecipe: Recipe = {
  name: 'tinyguest.elf',
  sources: ['boot.S', 'kmain.c', 'link.ld'].map((file) => path.join(GUEST_DIR, file)),
  flags: [...GUEST_CFLAGS, ...GUEST_LDFLAGS],
  async build(scratch, output) {
    const bootObject = path.join(scratch, 'boot.o');
    const mainObject = path.join(scratch, 'kmain.o');
    await compile('gcc', [...GUEST_CFLAGS, '-c', path.join(GUEST_DIR, 'boot.S'), '-o', bootObject]);
    await compile('gcc', [
      ...GUEST_CFLAGS,
      '-c',
      path.join(GUEST_DIR, 'kmain.c'),
      '-o',
      mainObject,
    ]);
    const script = path.join(GUEST_DIR, 'link.ld');
    await compile('ld', [...GUEST_LDFLAGS, '-T', script, '-o', output, bootObject, mainObject]);
  },
};

async function compile(tool: string, args: readonly string[]): Promise<void> {
  try {
    await runCommand(tool, args, { timeoutMs: 120_000 });
  } catch (error) {
    const detail = error instanceof LabCommandError ? error.stderr.trim() : String(error);
    throw new LabError(LabErrorCode.BuildFailed, `${tool} ${args.join(' ')}: ${detail}`, {
      cause: error,
    });
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

async function buildCached(recipe: Recipe): Promise<string> {
  const hash = createHash('sha256');
  hash.update(recipe.flags.join(' '));
  for (const source of recipe.sources)
    hash.update(`\0${path.basename(source)}\0`).update(await readFile(source));
  const target = path.join(BUILD_CACHE_DIR, `${hash.digest('hex').slice(0, 16)}-${recipe.name}`);
  if (await exists(target)) return target;
  await mkdir(BUILD_CACHE_DIR, { recursive: true });
  const scratch = await mkdtemp(path.join(BUILD_CACHE_DIR, 'build-'));
  try {
    const output = path.join(scratch, recipe.name);
    await recipe.build(scratch, output);
    await rename(output, target);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return target;
}

let artifacts: Promise<LabArtifacts> | undefined;

/** Build (or find in the cache) the reaper and the tiny guest kernel; once per process. */
export function buildArtifacts(): Promise<LabArtifacts> {
  artifacts ??= Promise.all([buildCached(reaperRecipe), buildCached(guestRecipe)]).then(
    ([reaper, guestKernel]) => ({ reaper, guestKernel }),
  );
  // A failed build is not cached: the next lab tries again (and reports the error again).
  artifacts.catch(() => {
    artifacts = undefined;
  });
  return artifacts;
}
