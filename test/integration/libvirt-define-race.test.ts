/**
 * An operator's `virsh edit` racing virtwarden's own define (found by the fault suite: a hand
 * edit landing between virtwarden's repair of an earlier edit and its read-back became the
 * baseline, and was never repaired). The operator's define is injected right after ours, on a
 * real lab host:
 * virtwarden must notice the definition is not the one it wrote, refuse to take it as the
 * baseline, and a retry must leave its own definition with the hand edit undone.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startLab, type Lab } from '../lab/index.js';
import type { Connector } from '../../src/providers/libvirt/host-link.js';
import { guestYaml, labSite, type LabSite } from './libvirt-lab-site.js';

let lab: Lab;
let site: LabSite;
let raceNext = false;

/** The hand edit: the definition as it is now, memory doubled, defined again. */
async function handEdit(): Promise<void> {
  const h = lab.host('h1');
  const xml = await h.virsh(['dumpxml', '--inactive', 'race']);
  const file = path.join(lab.dir, 'race-edited.xml');
  await writeFile(
    file,
    xml.replace(/<memory unit='KiB'>\d+<\/memory>/, "<memory unit='KiB'>65536</memory>"),
  );
  await h.virsh(['define', file]);
}

const racing: Connector = async (uri, keepalive) => {
  const { connectHost } = await import('../../src/providers/libvirt/binding-host-api.js');
  const api = await connectHost(uri, keepalive);
  return new Proxy(api, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (prop !== 'defineXml' || typeof v !== 'function') return v;
      return async (xml: string): Promise<void> => {
        await (v as (x: string) => Promise<void>).call(target, xml);
        if (raceNext) {
          raceNext = false;
          await handEdit();
        }
      };
    },
  });
};

beforeAll(async () => {
  lab = await startLab({ hosts: 1, name: 'define-race' });
  site = await labSite(
    lab,
    { 'guests.yaml': guestYaml('race', ['h1']), 'guests/race.xml': lab.guestXml('race') },
    { connector: racing },
  );
}, 60_000);

afterAll(async () => {
  await site.close();
  await lab.destroy();
});

describe('a hand edit racing virtwarden’s define', () => {
  it('is not taken as the baseline; the retry restores the definition and sees no drift', async () => {
    await site.act('define', 'race', 'h1');
    await handEdit();
    // virtwarden repairs the edit — and the operator edits again in that very moment.
    raceNext = true;
    await expect(site.act('define', 'race', 'h1')).rejects.toMatchObject({
      code: 'define-overwritten',
      errorClass: 'transient',
    });
    // What the executor does next: define again (no race this time).
    await site.act('define', 'race', 'h1');
    const xml = await lab.host('h1').virsh(['dumpxml', '--inactive', 'race']);
    expect(xml).toContain("<memory unit='KiB'>32768</memory>");
    const d = (
      await site.provider.details([{ domainName: 'race', host: 'h1', active: false }])
    ).get('h1/race');
    expect(d?.drift).toBeUndefined();
    // And a later hand edit is seen, against the right baseline.
    await handEdit();
    const after = (
      await site.provider.details([{ domainName: 'race', host: 'h1', active: false }])
    ).get('h1/race');
    expect(after?.drift?.map((c) => c.path)).toContain('/domain/memory');
  }, 90_000);
});
