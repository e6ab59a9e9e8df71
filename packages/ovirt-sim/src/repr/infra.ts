import type { SimCluster, SimDataCenter, SimStorageDomain, SimTemplate } from '../model/types.js';
import { link, ref, type RenderContext } from './context.js';
import { elem, type Elem, field, group, items, nonEmpty } from './node.js';

function version(v: { major: number; minor: number }): Elem {
  return group(field('major', v.major), field('minor', v.minor));
}

export function clusterElem(ctx: RenderContext, cluster: SimCluster): Elem {
  const href = `${ctx.base}/clusters/${cluster.id}`;
  return elem({ href, id: cluster.id }, [
    field('name', cluster.name),
    nonEmpty('description', cluster.description),
    nonEmpty('comment', cluster.comment),
    field('ballooning_enabled', true),
    field('cpu', group(field('architecture', 'x86_64'), field('type', cluster.cpuType))),
    field('error_handling', group(field('on_error', 'migrate'))),
    field(
      'fencing_policy',
      group(
        field('enabled', true),
        field(
          'skip_if_connectivity_broken',
          group(field('enabled', false), field('threshold', 50)),
        ),
        field('skip_if_gluster_bricks_up', false),
        field('skip_if_gluster_quorum_not_met', false),
        field('skip_if_sd_active', group(field('enabled', false))),
      ),
    ),
    field('gluster_service', false),
    field('ha_reservation', cluster.haReservation),
    field('memory_policy', group(field('over_commit', group(field('percent', 100))))),
    field('threads_as_cores', false),
    field('version', version(cluster.version)),
    field('virt_service', true),
    field('data_center', ref(ctx, 'datacenters', cluster.dataCenterId)),
  ]);
}

export function dataCenterElem(ctx: RenderContext, dc: SimDataCenter): Elem {
  const href = `${ctx.base}/datacenters/${dc.id}`;
  return elem({ href, id: dc.id }, [
    field('name', dc.name),
    nonEmpty('description', dc.description),
    nonEmpty('comment', dc.comment),
    items('link', [
      link(`${href}/clusters`, 'clusters'),
      link(`${href}/storagedomains`, 'storagedomains'),
    ]),
    field('local', dc.local),
    field('quota_mode', dc.quotaMode),
    field('status', dc.status),
    field('storage_format', dc.storageFormat),
    field('supported_versions', group(items('version', [version(dc.version)]))),
    field('version', version(dc.version)),
  ]);
}

export function storageDomainElem(ctx: RenderContext, sd: SimStorageDomain): Elem {
  const href = `${ctx.base}/storagedomains/${sd.id}`;
  return elem({ href, id: sd.id }, [
    field('name', sd.name),
    nonEmpty('description', sd.description),
    nonEmpty('comment', sd.comment),
    field('available', sd.available),
    field('backup', false),
    field('block_size', 512),
    field('committed', sd.committed),
    field('critical_space_action_blocker', 5),
    field('discard_after_delete', false),
    field('external_status', 'ok'),
    field('master', sd.master),
    field('status', sd.status),
    field(
      'storage',
      group(
        field('address', sd.storage.address),
        field('path', sd.storage.path),
        field('type', sd.storage.type),
      ),
    ),
    field('storage_format', sd.storageFormat),
    field('supports_discard', false),
    field('type', sd.type),
    field('used', sd.used),
    field('warning_low_space_indicator', 10),
    field('wipe_after_delete', false),
    sd.dataCenterIds.length > 0 &&
      field(
        'data_centers',
        group(
          items(
            'data_center',
            sd.dataCenterIds.map((id) => ref(ctx, 'datacenters', id)),
          ),
        ),
      ),
  ]);
}

export function templateElem(ctx: RenderContext, t: SimTemplate): Elem {
  return elem({ href: `${ctx.base}/templates/${t.id}`, id: t.id }, [
    field('name', t.name),
    nonEmpty('description', t.description),
    field('status', 'ok'),
    field('version', group(field('version_name', 'base version'), field('version_number', 1))),
  ]);
}
