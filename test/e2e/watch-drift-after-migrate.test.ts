/**
 * Hand edits after the definition changed hands (issue 10, item 7, found by the fault round):
 * an operator's `virsh migrate --persistent --undefinesource` makes the destination's definition
 * a copy of the source's *live* XML, so the ownership record there is whatever the guest started
 * with. A hand edit of that definition — or of the copy virtwarden puts back on the source — must
 * still be seen and restored. And a define interrupted between libvirt's define and the write of
 * its baseline (a `watch` killed at that moment) leaves an owned definition with nothing to
 * compare with: a hand edit of it must not stay invisible for good.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLab, type Lab } from '../lab/index.js';
import { manifestDir, type ManifestDir } from '../helpers/manifest-dir.js';
import { WatchProcess } from '../helpers/watch-process.js';

let lab: Lab;
let md: ManifestDir;
let state: string;
let watch: WatchProcess;

const MEMORY = "<memory unit='KiB'>32768</memory>";

function manifests(): Record<string, string> {
  const hosts = lab.hosts
    .map(
      (h) =>
        `      - name: ${h.name}\n        uri: ${h.qemuUri}\n        migrationUri: tcp://127.0.0.1`,
    )
    .join('\n');
  return {
    'site.yaml': `apiVersion: virtwarden/v1\nkind: Site\nmetadata: { name: lab }\nspec:\n  libvirt:\n    hosts:\n${hosts}\n`,
    'guest.yaml': `apiVersion: virtwarden/v1\nkind: Guest\nmetadata: { name: g }\nspec:\n  site: lab\n  definition: { file: g.xml }\n  placement: { hosts: [h1, h2] }\n  timing: { startGraceSeconds: 1, stopTimeoutSeconds: 2 }\n`,
    'g.xml': lab.guestXml('g'),
  };
}

const runsOn = (): string[] =>
  lab.hosts.filter((h) => h.isRunning() && h.qemuPid('g') !== undefined).map((h) => h.name);

async function handEdit(host: string, mib: number): Promise<void> {
  const h = lab.host(host);
  const xml = await h.virsh(['dumpxml', '--inactive', 'g']);
  expect(xml).toContain(MEMORY);
  await h.defineXml(xml.replace(MEMORY, `<memory unit='KiB'>${String(mib * 1024)}</memory>`));
}

async function restored(host: string): Promise<void> {
  await watch.waitFor(
    `g's definition on ${host} restored`,
    async () => (await lab.host(host).virsh(['dumpxml', '--inactive', 'g'])).includes(MEMORY),
    30_000,
  );
}

beforeAll(async () => {
  lab = await startLab({ hosts: 2, name: 'e2e-drift-migrate' });
  state = await mkdtemp(path.join(tmpdir(), 'vw-drift-migrate-'));
  md = await manifestDir(manifests());
  watch = new WatchProcess(md.dir, state, ['--restart-backoff-ms', '300']);
  await watch.ready();
  await watch.waitFor('g up on h1', () => Promise.resolve(runsOn().join() === 'h1'), 60_000);
  // Both placement hosts hold the definition.
  await watch.waitFor('g defined on h2', async () =>
    (await lab.host('h2').virsh(['list', '--all', '--name'])).includes('g'),
  );
}, 120_000);

afterAll(async () => {
  await watch.stop();
  await lab.destroy();
  await md.remove();
  await rm(state, { recursive: true, force: true });
});

describe('a hand edit after an operator migration', () => {
  it('is seen and restored on the destination, and on the source copy put back', async () => {
    await lab
      .host('h1')
      .virsh(
        [
          'migrate',
          '--live',
          '--p2p',
          '--tunnelled',
          '--persistent',
          '--undefinesource',
          'g',
          lab.host('h2').qemuUri,
        ],
        { timeoutMs: 120_000 },
      );
    expect(runsOn()).toEqual(['h2']);
    // virtwarden puts the definition back on h1 (every placement host holds it).
    await watch.waitFor('g defined on h1 again', async () =>
      (await lab.host('h1').virsh(['list', '--all', '--name'])).includes('g'),
    );
    await handEdit('h2', 48);
    await restored('h2');
    await handEdit('h1', 64);
    await restored('h1');
    expect(runsOn()).toEqual(['h2']);
  }, 150_000);
});

describe('a hand edit of a definition whose baseline was never written', () => {
  it('is restored too (the definition is defined again, then compared)', async () => {
    await watch.stop();
    const h1 = lab.host('h1');
    const xml = await h1.virsh(['dumpxml', '--inactive', 'g']);
    // What an interrupted define leaves: virtwarden's stamp, without its baseline.
    const bare = xml.replace(/ baseline="[^"]*"/, '');
    expect(bare).not.toEqual(xml);
    await h1.defineXml(bare.replace(MEMORY, "<memory unit='KiB'>49152</memory>"));
    watch = new WatchProcess(md.dir, state, ['--restart-backoff-ms', '300']);
    await watch.ready();
    await restored('h1');
    expect(await h1.virsh(['dumpxml', '--inactive', 'g'])).toMatch(/ baseline="gz1:/);
    expect(runsOn()).toEqual(['h2']);
  }, 90_000);
});
