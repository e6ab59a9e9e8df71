import type { SimHost } from '../model/types.js';
import { actions, ref, type RenderContext } from './context.js';
import { clusterElem } from './infra.js';
import { elem, type Elem, field, group, items, nonEmpty } from './node.js';

/** The host actions the simulator implements (a subset of HostService's). */
export const HOST_ACTIONS = ['activate', 'deactivate', 'fence', 'forceselectspm'] as const;

/** A `<host>` as HostMapper renders it, with `spm`, `power_management` and `status_detail`. */
export function hostElem(ctx: RenderContext, host: SimHost): Elem {
  const href = `${ctx.base}/hosts/${host.id}`;
  const vms = ctx.state.vmsOnHost(host.id);
  const cluster = ctx.state.clusters.get(host.clusterId);
  return elem({ href, id: host.id }, [
    actions(href, HOST_ACTIONS),
    field('name', host.name),
    nonEmpty('description', host.description),
    nonEmpty('comment', host.comment),
    field('address', host.address),
    field('auto_numa_status', 'unknown'),
    field(
      'cpu',
      group(
        field('name', host.cpu.name),
        field('speed', host.cpu.speed),
        field(
          'topology',
          group(
            field('cores', host.cpu.cores),
            field('sockets', host.cpu.sockets),
            field('threads', host.cpu.threads),
          ),
        ),
        field('type', cluster?.cpuType),
      ),
    ),
    field('external_status', 'ok'),
    field('kdump_status', 'disabled'),
    field('ksm', group(field('enabled', false))),
    field(
      'max_scheduling_memory',
      Math.max(0, host.memory - vms.reduce((sum, vm) => sum + vm.memory, 0)),
    ),
    field('memory', host.memory),
    field(
      'os',
      group(
        field('type', 'RHEL'),
        field(
          'version',
          group(field('full_version', '8.9 - 1.el8'), field('major', 8), field('minor', 9)),
        ),
      ),
    ),
    field('port', host.port),
    field(
      'power_management',
      group(
        field('automatic_pm_enabled', true),
        field('enabled', host.powerManagement.enabled),
        field('kdump_detection', true),
        field(
          'pm_proxies',
          group(items('pm_proxy', [group(field('type', 'cluster')), group(field('type', 'dc'))])),
        ),
      ),
    ),
    field('protocol', 'stomp'),
    field('spm', group(field('priority', host.spm.priority), field('status', host.spm.status))),
    field('status', host.status),
    field('status_detail', host.statusDetail),
    field(
      'summary',
      group(
        field('active', vms.filter((v) => v.status === 'up').length),
        field('migrating', vms.filter((v) => v.status === 'migrating').length),
        field('total', vms.length),
      ),
    ),
    field('type', 'rhel'),
    field('update_available', false),
    field(
      'version',
      group(
        field('build', 0),
        field('full_version', 'vdsm-4.50.3.4-1.el8'),
        field('major', 4),
        field('minor', 50),
      ),
    ),
    field(
      'cluster',
      ctx.follow.cluster !== undefined && cluster !== undefined
        ? clusterElem({ ...ctx, follow: {} }, cluster)
        : ref(ctx, 'clusters', host.clusterId),
    ),
  ]);
}
