/**
 * Durable whole-file writes for the state directory. A reader sees the old content or the new,
 * never a mix, and after a crash or power loss the file is one of the two (never empty):
 * write a temporary file in the same folder, fsync it, rename it over the old one, fsync the
 * folder (the rename itself is only durable once the folder is). Temporary files are named
 * `NAME.PID.RANDOM.tmp`: a writer killed half-way leaves one behind, which readers ignore and
 * `sweepTemporaries` removes once its process is gone.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, unlink } from 'node:fs/promises';
import path from 'node:path';

const TMP = /\.(\d+)\.[0-9a-f]+\.tmp$/;

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fh = await open(tmp, 'wx', 0o644);
    try {
      await fh.writeFile(content, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dir);
}

/** Remove a file durably; resolves false when it did not exist. */
export async function removeFileDurably(file: string): Promise<boolean> {
  try {
    await unlink(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  await fsyncDir(path.dirname(file));
  return true;
}

/** A temporary file of `writeFileAtomic`, and the pid that wrote it. */
export function temporaryOwner(name: string): number | undefined {
  const m = TMP.exec(name);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Remove the temporary files in `dir` whose writer is gone; resolves how many. */
export async function sweepTemporaries(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const pid = temporaryOwner(name);
    if (pid === undefined || alive(pid)) continue;
    await rm(path.join(dir, name), { force: true });
    removed += 1;
  }
  return removed;
}
