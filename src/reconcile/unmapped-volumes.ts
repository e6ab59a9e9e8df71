/**
 * Volumes virtwarden created whose mapping is gone. They hold data, so they are deleted only when
 * all of this is true: virtwarden owns them (its local inventory says it created them), no
 * mapping names them any more, and the operator passed --allow-data-loss. Otherwise the plan
 * holds them back and says how to delete them.
 */
import type { Desired } from '../model/desired.js';
import type { Observed } from '../model/observed.js';
import type { PlanBuilder } from './plan-builder.js';
import type { PlanPolicy } from './policy.js';

function mapped(desired: Desired): Set<string> {
  const keys = new Set<string>();
  for (const m of desired.storage.values()) {
    const g = desired.guests.get(m.guest);
    if (g?.state === 'absent') continue;
    for (const d of m.disks)
      if (d.source.kind === 'volume') keys.add(`${d.source.pool}/${d.source.name}`);
  }
  return keys;
}

export function planUnmappedVolumes(
  desired: Desired,
  observed: Observed,
  policy: PlanPolicy,
  plan: PlanBuilder,
): void {
  const owned = policy.ownedVolumes;
  if (owned === undefined || owned.size === 0) return;
  const stillMapped = mapped(desired);
  for (const [key, guest] of owned) {
    const [site, ...rest] = key.split('/');
    const volume = rest.join('/');
    if (site === undefined || stillMapped.has(volume)) continue;
    const host = [...(observed.sites.get(site)?.hosts.values() ?? [])].find(
      (h) => h.status === 'up' && h.volumes?.has(volume) === true,
    );
    if (!host) continue;
    if (!policy.allowDataLoss) {
      plan.hold({
        guest,
        reason: 'data-loss-refused',
        host: host.name,
        message: `volume ${volume} (created for '${guest}') is no longer mapped and still holds its data: kept (delete it with --allow-data-loss)`,
      });
      continue;
    }
    const [pool = '', name = ''] = volume.split('/');
    const after = plan
      .all()
      .filter((a) => a.guest === guest)
      .map((a) => a.id);
    plan.add({
      kind: 'delete-volume',
      guest,
      site,
      host: host.name,
      reason: 'volume-unmapped',
      why: `volume ${volume} was created by virtwarden for '${guest}' and no mapping uses it any more (--allow-data-loss)`,
      before: 'exists',
      after: 'deleted',
      disk: {
        target: volume,
        bus: 'virtio',
        source: `pool ${volume}`,
        live: false,
        volume: { pool, name },
      },
      dependsOn: after,
    });
  }
}
