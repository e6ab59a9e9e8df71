/**
 * Storage mappings of one libvirt guest. The saved definitions carry the mapped disks already
 * (they are part of what `define` writes on every host); this step plans what the definitions
 * cannot: volumes to create (copy-on-write overlays of golden images), and the running guest's
 * own disks — hot-plugged and unplugged live, or, where that is impossible (the driver cannot
 * hot-plug, a bus change, growing a virtio-blk disk), a restart that is planned only with
 * --allow-restart.
 */
import { PLAN_CODES } from '../common/plan-codes.js';
import { VW_ALIAS_PREFIX, desiredDisks, type DesiredDisk } from '../common/mapped-disks.js';
import type { ObservedGuest, ObservedHost } from '../model/observed.js';
import type { GuestContext } from './guest-context.js';
import { siteOfHost } from './guest-definitions.js';
import { hostOf } from './guest-view.js';
import { GIB_BYTES, gib, volumeCreate } from './volume-create.js';

const ours = (alias: string | undefined): boolean => alias?.startsWith(VW_ALIAS_PREFIX) === true;

function disk(d: DesiredDisk, live: boolean, withSpec = false) {
  return {
    target: d.target,
    bus: d.bus,
    source: d.sourceText,
    live,
    ...(withSpec ? { spec: d.spec } : {}),
  };
}

function conflict(ctx: GuestContext, host: string, code: string, message: string): void {
  ctx.plan.hold({ guest: ctx.guest.name, reason: 'conflict', host, message });
  ctx.plan.diagnose({
    severity: 'error',
    code,
    message: `guest '${ctx.guest.name}': ${message}`,
    at: ctx.guest.at,
  });
}

/**
 * Volumes the guest's mappings need on `host` that do not exist yet: created there. Returns the
 * create actions (a start must wait for them) and the volume growths that need a restart.
 */
export function planVolumes(
  ctx: GuestContext,
  host: string | undefined,
  mode: 'running' | 'stopped' | 'create-only',
): { creates: string[]; restartFor: string[]; offlineGrows: string[] } {
  const creates: string[] = [];
  // Growths to do while the guest is stopped (QEMU holds a write lock on its images).
  const offlineGrows: string[] = [];
  const restartFor: string[] = [];
  const h: ObservedHost | undefined = host === undefined ? undefined : hostOf(ctx.observed, host);
  if (host === undefined || h?.pools === undefined || h.status !== 'up')
    return { creates, restartFor, offlineGrows };
  for (const d of desiredDisks(ctx.desired, ctx.guest)) {
    const src = d.source;
    if (src.kind !== 'volume') continue;
    const pool = h.pools.get(src.pool);
    if (pool?.active !== true) {
      conflict(
        ctx,
        host,
        PLAN_CODES.poolMissing.code,
        `storage pool '${src.pool}' is ${pool ? 'not active' : 'missing'} on ${host}`,
      );
      continue;
    }
    const vol = h.volumes?.get(`${src.pool}/${src.name}`);
    if (vol === undefined) {
      const golden =
        src.backingVolume === undefined
          ? undefined
          : h.volumes?.get(`${src.pool}/${src.backingVolume}`);
      if (src.backingVolume !== undefined && golden === undefined) {
        conflict(
          ctx,
          host,
          PLAN_CODES.goldenImageMissing.code,
          `golden image '${src.backingVolume}' is missing in pool '${src.pool}' on ${host}`,
        );
        continue;
      }
      creates.push(
        ctx.plan.add({
          kind: 'create-volume',
          guest: ctx.guest.name,
          site: siteOfHost(ctx, host),
          host,
          reason: 'volume-missing',
          why: golden
            ? `volume ${src.pool}/${src.name} is missing: created as a copy-on-write overlay of ${src.backingVolume ?? ''}`
            : `volume ${src.pool}/${src.name} is missing: created`,
          before: 'absent',
          after: `${gib(src.capacityGiB !== undefined ? src.capacityGiB * GIB_BYTES : (golden?.capacityBytes ?? 0))} volume`,
          disk: {
            ...disk(d, false),
            volume: { pool: src.pool, name: src.name, create: volumeCreate(src, golden) },
          },
        }),
      );
      continue;
    }
    const want = src.capacityGiB === undefined ? undefined : src.capacityGiB * GIB_BYTES;
    if (mode === 'create-only' || want === undefined || vol.capacityBytes >= want) continue;
    // Growing: online for virtio-scsi; virtio-blk sees the new size only after a restart.
    const needsRestart = mode === 'running' && d.bus === 'virtio';
    if (needsRestart && !ctx.policy.allowRestart) {
      restartFor.push(`growing ${d.target} to ${gib(want)} (virtio-blk cannot grow online)`);
      continue;
    }
    const grow = ctx.plan.add({
      kind: 'update-disk',
      guest: ctx.guest.name,
      site: siteOfHost(ctx, host),
      host,
      reason: 'volume-too-small',
      restart: needsRestart,
      why: `volume ${src.pool}/${src.name} is ${gib(vol.capacityBytes)}, the mapping asks for ${gib(want)}`,
      before: gib(vol.capacityBytes),
      after: gib(want),
      disk: {
        // Live only into a running guest; a stopped one just has its volume grown.
        ...disk(d, mode === 'running' && !needsRestart),
        volume: { pool: src.pool, name: src.name, capacityBytes: want },
      },
    });
    if (needsRestart) {
      restartFor.push(`growing ${d.target}`);
      offlineGrows.push(grow);
    }
  }
  return { creates, restartFor, offlineGrows };
}

/**
 * The running guest's mapped disks against its mappings: attach what is missing, detach what
 * virtwarden mapped and no mapping names any more, and say what needs a restart.
 */
export function planLiveDisks(
  ctx: GuestContext,
  inst: ObservedGuest,
  creates: readonly string[],
): string[] {
  const host = inst.host ?? '';
  const live = inst.details?.liveDisks;
  if (live === undefined) return [];
  const restartFor: string[] = [];
  const hotplug = hostOf(ctx.observed, host)?.hotplug !== false;
  const wanted = desiredDisks(ctx.desired, ctx.guest);
  for (const d of wanted) {
    const l = live.find((x) => x.target === d.target);
    if (l === undefined) {
      if (!hotplug) {
        restartFor.push(`attaching ${d.target} (the driver cannot hot-plug)`);
        continue;
      }
      ctx.plan.add({
        kind: 'attach-disk',
        guest: ctx.guest.name,
        site: siteOfHost(ctx, host),
        host,
        reason: 'disk-missing',
        why: `${d.sourceText} is mapped as ${d.target} (${d.mapping}) but not attached: hot-plugged, live and persistent`,
        before: 'not attached',
        after: `${d.target} attached`,
        disk: disk(d, true, true),
        dependsOn: [...creates],
      });
      continue;
    }
    if (!ours(l.alias)) {
      conflict(
        ctx,
        host,
        PLAN_CODES.targetTaken.code,
        `target ${d.target} is taken by a disk of the guest's own definition, not by mapping ${d.mapping}`,
      );
      continue;
    }
    const wantSource =
      d.source.kind === 'volume' ? `${d.source.pool}/${d.source.name}` : d.sourceText;
    if (l.bus !== d.bus || l.device !== d.device) {
      restartFor.push(`${d.target}: ${l.bus}/${l.device} → ${d.bus}/${d.device}`);
    } else if (l.source !== wantSource) {
      restartFor.push(`${d.target}: source ${l.source} → ${wantSource}`);
    }
  }
  for (const l of live) {
    if (!ours(l.alias) || wanted.some((d) => d.target === l.target)) continue;
    if (!hotplug) {
      restartFor.push(`detaching ${l.target} (the driver cannot hot-plug)`);
      continue;
    }
    ctx.plan.add({
      kind: 'detach-disk',
      guest: ctx.guest.name,
      site: siteOfHost(ctx, host),
      host,
      reason: 'disk-extra',
      why: `${l.target} (${l.source}) is no longer mapped: detached, live and persistent`,
      before: `${l.target} attached`,
      after: 'not attached',
      disk: {
        target: l.target,
        bus: l.bus === 'scsi' ? 'scsi' : 'virtio',
        source: l.source,
        live: true,
      },
    });
  }
  return restartFor;
}
