/**
 * Storage actions of the libvirt provider: volumes (create — a copy-on-write overlay when the
 * XML names a backing store —, grow, delete) and a running guest's disks (hot-plug and unplug).
 * The saved definitions always carry the mapped disks (every `define` writes them), so a
 * hot-plug changes the running guest only; together with the define in the same plan the
 * change is live and persistent. Each returns once the host shows the result.
 */
import type { Guest } from '../../model/desired.js';
import type { Action } from '../../model/plan.js';
import { TerminalError, TransientError, WaitingError } from '../../common/errors.js';
import type { ActionContext, ActionOutcome } from '../provider.js';
import type { HostLookup } from './actions.js';
import { diskXml, volumeXml } from './disk-render.js';
import { parseDisks } from './disk-xml.js';
import { forHost } from './host-disks.js';
import { mapDomainState } from './state-map.js';
import { waitUntil } from './wait.js';

function volumeOf(a: Action): NonNullable<NonNullable<Action['disk']>['volume']> {
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
  const create = v.create;
  if (create === undefined) throw new TerminalError('bad-action', `${a.id}: nothing to create`);
  const link = links.link(a.host);
  const path = await link.call(
    'create volume',
    (api) => api.createVolume(v.pool, volumeXml(v.name, create)),
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
  if (d?.spec === undefined) throw new TerminalError('bad-action', `${a.id}: no disk`);
  const link = links.link(a.host);
  const xml = await forHost(link, diskXml(d.spec));
  await link.call(
    'attach disk',
    (api) => api.attachDevice(guest.domainName, xml, { live: true, config: false }),
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

/**
 * Grows a mapped volume. On a running guest through QEMU (virDomainBlockResize): QEMU holds a
 * write lock on the image, so growing it from outside (`qemu-img resize`, the pool's resize)
 * fails, and the guest would not be told. Stopped, the pool grows the volume.
 */
export async function updateDisk(
  links: HostLookup & { others(host: string): string[] },
  a: Action,
  guest: Guest,
): Promise<ActionOutcome> {
  const v = volumeOf(a);
  const bytes = v.capacityBytes;
  const target = a.disk?.target;
  if (bytes === undefined || target === undefined)
    throw new TerminalError('bad-action', `${a.id}: no size or target`);
  const link = links.link(a.host);
  const state = await link.call('state', (api) => api.domainState(guest.domainName));
  const running = state !== undefined && mapDomainState(state.state, state.reason, false).active;
  if (running && a.disk?.live !== true) {
    throw new WaitingError(
      'running',
      `'${guest.domainName}' runs on ${link.host.name}: ${target} grows once it is stopped`,
    );
  }
  if (running) {
    await link.call(
      'block resize',
      (api) => api.blockResize(guest.domainName, target, bytes),
      300_000,
    );
  } else {
    await link.call('resize volume', (api) => api.resizeVolume(v.pool, v.name, bytes), 300_000);
  }
  // The pools of the site's hosts (shared storage) report the new size after a refresh.
  await Promise.all(
    [link.host.name, ...links.others(link.host.name)].map((h) =>
      links
        .link(h)
        .call('refresh pool', (api) => api.refreshPool(v.pool))
        .catch(() => undefined),
    ),
  );
  const grown = (await link.call('list volumes', (api) => api.listVolumes(v.pool))).find(
    (x) => x.name === v.name,
  );
  if (grown === undefined || grown.capacity < bytes) {
    throw new TransientError(
      'not-grown',
      `${v.pool}/${v.name} is ${String(grown?.capacity ?? 0)} bytes on ${link.host.name} after growing it to ${bytes}`,
    );
  }
  return {
    message: running
      ? `${v.pool}/${v.name} grown online to ${bytes} bytes (${target}, no restart)`
      : `${v.pool}/${v.name} grown to ${bytes} bytes${a.restart === true ? ' (takes effect at restart)' : ''}`,
  };
}
