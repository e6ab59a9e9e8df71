/**
 * Storage actions of the libvirt provider: volumes (create — a copy-on-write overlay when the
 * XML names a backing store —, grow, delete) and a running guest's disks (hot-plug and unplug).
 * The saved definitions always carry the mapped disks (every `define` writes them), so a
 * hot-plug changes the running guest only; together with the define in the same plan the
 * change is live and persistent. Each returns once the host shows the result.
 */
import type { Guest } from '../../model/desired.js';
import type { Action } from '../../model/plan.js';
import { TerminalError, TransientError } from '../../common/errors.js';
import type { ActionContext, ActionOutcome } from '../provider.js';
import type { HostLookup } from './actions.js';
import { parseDisks } from './disk-xml.js';
import { waitUntil } from './wait.js';

function volumeOf(a: Action): { pool: string; name: string; xml?: string; capacityBytes?: number } {
  const v = a.disk?.volume;
  if (!v) throw new TerminalError('bad-action', `${a.id}: no volume`);
  return v;
}

/** Creates the volume, then refreshes the pool on the site's other hosts (shared storage). */
export async function createVolume(
  links: HostLookup & { others(host: string): string[] },
  a: Action,
): Promise<ActionOutcome> {
  const v = volumeOf(a);
  if (v.xml === undefined) throw new TerminalError('bad-action', `${a.id}: no volume XML`);
  const link = links.link(a.host);
  const path = await link.call(
    'create volume',
    (api) => api.createVolume(v.pool, v.xml ?? ''),
    300_000,
  );
  await Promise.all(
    links.others(link.host.name).map((h) =>
      links
        .link(h)
        .call('refresh pool', (api) => api.refreshPool(v.pool))
        .catch(() => undefined),
    ),
  );
  return { message: `created ${path}` };
}

export async function deleteVolume(links: HostLookup, a: Action): Promise<ActionOutcome> {
  const v = volumeOf(a);
  await links.link(a.host).call('delete volume', (api) => api.deleteVolume(v.pool, v.name));
  return { message: `deleted volume ${v.pool}/${v.name}` };
}

async function liveTargets(
  links: HostLookup,
  host: string | undefined,
  guest: Guest,
): Promise<string[]> {
  const xml = await links
    .link(host)
    .call('live XML', (api) => api.domainXml(guest.domainName, false));
  return parseDisks(xml).map((d) => d.target);
}

export async function attachDisk(
  links: HostLookup,
  a: Action,
  guest: Guest,
): Promise<ActionOutcome> {
  const d = a.disk;
  if (d?.xml === undefined) throw new TerminalError('bad-action', `${a.id}: no disk XML`);
  const link = links.link(a.host);
  await link.call(
    'attach disk',
    (api) => api.attachDevice(guest.domainName, d.xml ?? '', { live: true, config: false }),
    60_000,
  );
  const there = await waitUntil(
    'attach',
    async () => (await liveTargets(links, a.host, guest)).includes(d.target),
    10_000,
  );
  if (!there)
    throw new TransientError(
      'not-attached',
      `${d.target} is not in the live definition after attach`,
    );
  return { message: `${d.target} hot-plugged (the saved definitions carry it: define)` };
}

export async function detachDisk(
  links: HostLookup,
  a: Action,
  guest: Guest,
  ctx: ActionContext,
): Promise<ActionOutcome> {
  const d = a.disk;
  if (!d) throw new TerminalError('bad-action', `${a.id}: no disk`);
  const link = links.link(a.host);
  // Detach the disk exactly as the live definition has it (matched by its target).
  const xml = await link.call('live XML', (api) => api.domainXml(guest.domainName, false));
  const element = new RegExp(
    `<disk\\b(?:(?!</disk>)[\\s\\S])*?<target dev=['"]${d.target}['"][\\s\\S]*?</disk>`,
  ).exec(xml)?.[0];
  if (element === undefined) return { message: `${d.target} already detached` };
  await link.call(
    'detach disk',
    (api) => api.detachDevice(guest.domainName, element, { live: true, config: false }),
    60_000,
  );
  // virtio-blk needs the guest's cooperation to let go; SCSI detaches at once.
  const gone = await waitUntil(
    'detach',
    async () => !(await liveTargets(links, a.host, guest)).includes(d.target),
    15_000,
    {
      signal: ctx.signal,
      onWait: (ms) => {
        ctx.progress(`waiting for the guest to release ${d.target}, ${Math.round(ms / 1000)} s`);
      },
    },
  );
  if (!gone)
    throw new TransientError(
      'not-detached',
      `${d.target} is still attached: the guest has not released it`,
    );
  return { message: `${d.target} unplugged (the saved definitions drop it: define)` };
}

/** Grows a mapped volume; online (block resize) on a running guest when the bus allows it. */
export async function updateDisk(
  links: HostLookup,
  a: Action,
  guest: Guest,
): Promise<ActionOutcome> {
  const v = volumeOf(a);
  const bytes = v.capacityBytes;
  if (bytes === undefined) throw new TerminalError('bad-action', `${a.id}: no size`);
  const link = links.link(a.host);
  await link.call('resize volume', (api) => api.resizeVolume(v.pool, v.name, bytes), 300_000);
  if (a.disk?.live === true) {
    await link
      .call('block resize', (api) => api.blockResize(guest.domainName, a.disk?.target ?? '', bytes))
      .catch(() => undefined);
  }
  return {
    message: `${v.pool}/${v.name} grown to ${bytes} bytes${a.restart === true ? ' (takes effect at restart)' : ''}`,
  };
}
