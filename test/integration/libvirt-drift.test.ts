/**
 * Hand edits of a definition are seen (issue 10, item 7, provider side), on a lab host with a
 * real QEMU guest: `define` keeps a baseline of the definition as libvirt stored it; `details()`
 * reads the persistent definition once and reports what a `virsh edit` changed, element by
 * element — and nothing for a definition only libvirt touched, also after the guest restarts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startLab, type Lab } from '../lab/index.js';
import type { DetailRequest } from '../../src/providers/provider.js';
import {
  countingConnector,
  guestYaml,
  labSite,
  type CallLog,
  type LabSite,
} from './libvirt-lab-site.js';

let lab: Lab;
let site: LabSite;
let log: CallLog;

beforeAll(async () => {
  lab = await startLab({ hosts: 1, name: 'drift' });
  const counting = countingConnector(() => 'h1');
  log = counting.log;
  site = await labSite(
    lab,
    { 'guests.yaml': guestYaml('dg', ['h1']), 'guests/dg.xml': lab.guestXml('dg') },
    { connector: counting.connector },
  );
}, 60_000);

afterAll(async () => {
  await site.close();
  await lab.destroy();
});

const h1 = (active: boolean): DetailRequest => ({ domainName: 'dg', host: 'h1', active });

async function detail(active: boolean) {
  const d = (await site.provider.details([h1(active)])).get('h1/dg');
  if (!d) throw new Error('no detail');
  return d;
}

/** What `virsh edit` does: dump the persistent XML, change it, define it again. */
async function handEdit(edit: (xml: string) => string): Promise<void> {
  const h = lab.host('h1');
  const xml = await h.virsh(['dumpxml', '--inactive', '--security-info', 'dg']);
  const file = path.join(lab.dir, 'dg-edited.xml');
  await writeFile(file, edit(xml));
  await h.virsh(['define', file]);
}

describe('definition drift on a lab host', () => {
  it('an unedited guest reports no drift, with the definition read once', async () => {
    await site.act('define', 'dg', 'h1');
    log.reset();
    const d = await detail(false);
    expect(d.owner?.guest).toBe('dg');
    expect(d.drift).toBeUndefined();
    // Ownership and drift come from one read of the persistent definition.
    expect(log.count('h1')).toBe(1);
    expect(log.count('h1', 'domainXml')).toBe(1);
    const stored = await lab.host('h1').virsh(['dumpxml', '--inactive', 'dg']);
    const baseline = /baseline="([^"]+)"/.exec(stored)?.[1] ?? '';
    console.log(
      `definition as stored: ${stored.length} chars, its baseline in the record: ${baseline.length} chars`,
    );
    expect(baseline).toMatch(/^gz1:/);
  }, 60_000);

  it('reports none while it runs and after a restart (live ids, aliases, addresses do not count)', async () => {
    await site.act('start', 'dg', 'h1');
    log.reset();
    const running = await detail(true);
    expect(running.drift).toBeUndefined();
    expect(running.liveBaseHash).toBe(running.owner?.baseHash);
    // The persistent definition once, the running instance's record once.
    expect(log.count('h1')).toBe(2);
    await site.act('stop', 'dg', 'h1', { force: true });
    await site.act('start', 'dg', 'h1');
    expect((await detail(true)).drift).toBeUndefined();
  }, 60_000);

  it('sees a virsh edit of the memory that kept the stamp, with both values', async () => {
    await handEdit((xml) =>
      xml.replace("<memory unit='KiB'>32768</memory>", "<memory unit='KiB'>65536</memory>"),
    );
    const d = await detail(true);
    expect(d.owner?.guest).toBe('dg'); // the stamp is still there…
    expect(d.drift).toEqual([
      // …and the change is named, with what virtwarden applied and what is there now.
      {
        path: '/domain/memory',
        applied: "<memory unit='KiB'>32768</memory>",
        now: "<memory unit='KiB'>65536</memory>",
      },
    ]);
  }, 60_000);

  it('a define by virtwarden renews the baseline: no drift afterwards', async () => {
    await site.act('define', 'dg', 'h1');
    expect((await detail(true)).drift).toBeUndefined();
    expect(await lab.host('h1').virsh(['dumpxml', '--inactive', 'dg'])).toContain(
      "<memory unit='KiB'>32768</memory>",
    );
  }, 60_000);
});
