/**
 * Reading and writing observation snapshot files for `observe --save`, `plan --observed` and
 * `simulate --observed`: the file named in every error, the manifests' sites checked against it.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Desired } from '../model/desired.js';
import type { Observed } from '../model/observed.js';
import { errorMessage } from '../common/errors.js';
import {
  checkSnapshotSites,
  parseSnapshot,
  SnapshotError,
  snapshotOf,
} from '../common/snapshot.js';
import type { CliIo } from './io.js';

/** The snapshot `file` (relative to the working directory), checked against the manifests. */
export async function loadSnapshot(
  io: CliIo,
  file: string,
  desired: Desired,
): Promise<{ observed: Observed; takenAt: Date; shown: string }> {
  const full = path.resolve(io.cwd, file);
  const shown = path.relative(io.cwd, full) || full;
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch (err) {
    throw new SnapshotError(shown, [`cannot read it (${errorMessage(err)})`]);
  }
  const { observed, takenAt } = parseSnapshot(text, shown);
  checkSnapshotSites(shown, observed, desired.sites);
  return { observed, takenAt, shown };
}

/** Write a snapshot atomically (a reader never sees half a file); `-` writes to stdout. */
export async function saveSnapshot(
  io: CliIo,
  file: string,
  observed: Observed,
  takenAt: Date,
): Promise<void> {
  const text = JSON.stringify(snapshotOf(observed, takenAt), null, 2) + '\n';
  if (file === '-') {
    io.stdout.write(text);
    return;
  }
  const full = path.resolve(io.cwd, file);
  const tmp = `${full}.${String(process.pid)}.tmp`;
  await writeFile(tmp, text, { mode: 0o644 });
  await rename(tmp, full);
}
