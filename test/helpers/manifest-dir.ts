/** Temporary manifest directories for tests, loaded through the real loader. */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadManifests } from '../../src/manifest/index.js';
import type { Desired } from '../../src/model/desired.js';

export interface ManifestDir {
  readonly dir: string;
  write(files: Record<string, string>): Promise<void>;
  load(): Promise<Desired>;
  remove(): Promise<void>;
}

/**
 * A CA certificate (the engine simulator's) as a file of the manifest directory, `ca.pem`: files
 * a manifest names must be inside its root, so a site writes `caFile: ca.pem`.
 */
export function caFileEntry(caFile: string | undefined): Record<string, string> {
  return caFile === undefined ? {} : { 'ca.pem': readFileSync(caFile, 'utf8') };
}

export async function manifestDir(files: Record<string, string> = {}): Promise<ManifestDir> {
  const dir = await mkdtemp(path.join(tmpdir(), 'vw-manifests-'));
  const md: ManifestDir = {
    dir,
    async write(more) {
      for (const [name, content] of Object.entries(more)) {
        const file = path.join(dir, name);
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, content);
      }
    },
    async load() {
      const r = await loadManifests(dir);
      if (!r.desired) {
        throw new Error(
          `manifests invalid:\n${r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n')}`,
        );
      }
      return r.desired;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
  await md.write(files);
  return md;
}
