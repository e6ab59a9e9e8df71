import type { SimPayload, SimVm } from '../model/types.js';
import { actions, link, ref, type RenderContext } from './context.js';
import { hostElem } from './host.js';
import { clusterElem } from './infra.js';
import { date, elem, type Elem, field, group, items, nonEmpty } from './node.js';
import { cdromElem, diskAttachmentElem, nicElem } from './vm-devices.js';

/** The VM actions the simulator implements (a subset of VmService's). */
export const VM_ACTIONS = ['migrate', 'shutdown', 'start', 'stop', 'suspend', 'ticket'] as const;

/** VmStatus#isNotRunning, as VmMapper uses it to decide whether `<host>` is shown. */
const NOT_RUNNING = ['down', 'suspended', 'image_locked', 'unassigned'];

export function payloadElem(p: SimPayload): Elem {
  return group(
    field(
      'files',
      group(
        items(
          'file',
          p.files.map((f) => group(field('content', f.content), field('name', f.name))),
        ),
      ),
    ),
    field('type', p.type),
    field('volume_id', p.volumeId),
  );
}

/** A stable SPICE/VNC port per running VM. */
function displayPort(vm: SimVm): number {
  const n = parseInt(vm.id.replace(/-/g, '').slice(0, 4), 16) % 500;
  return 5900 + n * 2;
}

function displayElem(ctx: RenderContext, vm: SimVm, running: boolean): Elem {
  const host = running && vm.hostId !== undefined ? ctx.state.hosts.get(vm.hostId) : undefined;
  const port = displayPort(vm);
  return group(
    field('address', host?.address),
    field('allow_override', false),
    host !== undefined &&
      field('certificate', group(field('subject', `O=example.com,CN=${host.address}`))),
    field('copy_paste_enabled', true),
    field('disconnect_action', 'LOCK_SCREEN'),
    field('file_transfer_enabled', true),
    field('monitors', vm.display.monitors),
    host !== undefined && field('port', vm.display.type === 'vnc' ? port : undefined),
    host !== undefined && field('secure_port', vm.display.type === 'spice' ? port + 1 : undefined),
    field('single_qxl_pci', false),
    field('smartcard_enabled', false),
    field('type', vm.display.type),
  );
}

/** A `<vm>` as the engine renders it (VmMapper + LinkHelper), honouring `follow=`. */
export function vmElem(ctx: RenderContext, vm: SimVm, options: { payloads: boolean }): Elem {
  const href = `${ctx.base}/vms/${vm.id}`;
  const running = !NOT_RUNNING.includes(vm.status) && vm.hostId !== undefined;
  const follow = ctx.follow;
  const cluster = ctx.state.clusters.get(vm.clusterId);
  const host = running && vm.hostId !== undefined ? ctx.state.hosts.get(vm.hostId) : undefined;
  const inner = { ...ctx, follow: {} };
  const subLinks = [
    follow.cdroms === undefined && link(`${href}/cdroms`, 'cdroms'),
    follow.disk_attachments === undefined && link(`${href}/diskattachments`, 'diskattachments'),
    follow.nics === undefined && link(`${href}/nics`, 'nics'),
  ].filter((l): l is Elem => l !== false);
  return elem({ href, id: vm.id }, [
    actions(href, VM_ACTIONS),
    field('name', vm.name),
    nonEmpty('description', vm.description),
    nonEmpty('comment', vm.comment),
    items('link', subLinks),
    field('bios', group(field('boot_menu', group(field('enabled', false))))),
    follow.cdroms !== undefined &&
      field(
        'cdroms',
        group(
          items(
            'cdrom',
            vm.cdroms.map((cd) => cdromElem(inner, vm, cd, false)),
          ),
        ),
      ),
    field(
      'cpu',
      group(
        field('architecture', 'x86_64'),
        field(
          'topology',
          group(
            field('cores', vm.cpu.cores),
            field('sockets', vm.cpu.sockets),
            field('threads', vm.cpu.threads),
          ),
        ),
      ),
    ),
    field('cpu_shares', 0),
    field('creation_time', date(vm.creationTime)),
    field('delete_protected', false),
    follow.disk_attachments !== undefined &&
      field(
        'disk_attachments',
        group(
          items(
            'disk_attachment',
            vm.diskAttachments.map((a) =>
              diskAttachmentElem({ ...ctx, follow: follow.disk_attachments ?? {} }, vm, a),
            ),
          ),
        ),
      ),
    field('display', displayElem(ctx, vm, running)),
    field(
      'high_availability',
      group(
        field('enabled', vm.highAvailability.enabled),
        field('priority', vm.highAvailability.priority),
      ),
    ),
    field('io', group(field('threads', 1))),
    field('memory', vm.memory),
    field(
      'memory_policy',
      group(field('ballooning', true), field('guaranteed', vm.memory), field('max', vm.memory * 4)),
    ),
    field('migration_downtime', -1),
    follow.nics !== undefined &&
      field(
        'nics',
        group(
          items(
            'nic',
            vm.nics.map((n) => nicElem(inner, vm, n)),
          ),
        ),
      ),
    field('origin', 'ovirt'),
    field(
      'os',
      group(
        field('boot', group(field('devices', group(items('device', vm.os.bootDevices))))),
        field('type', vm.os.type),
      ),
    ),
    (options.payloads || ctx.allContent) &&
      vm.payloads.length > 0 &&
      field('payloads', group(items('payload', vm.payloads.map(payloadElem)))),
    field(
      'placement_policy',
      group(
        field('affinity', vm.placement.affinity),
        vm.placement.hostIds.length > 0 &&
          field(
            'hosts',
            group(
              items(
                'host',
                vm.placement.hostIds.map((id) => ref(ctx, 'hosts', id)),
              ),
            ),
          ),
      ),
    ),
    field('run_once', vm.runOnce),
    field('start_paused', false),
    vm.startTime !== undefined && running && field('start_time', date(vm.startTime)),
    field('stateless', vm.stateless),
    field('status', vm.status),
    field('stop_reason', vm.stopReason),
    vm.stopTime !== undefined && field('stop_time', date(vm.stopTime)),
    field('time_zone', group(field('name', 'Etc/GMT'))),
    field('type', vm.type),
    field('usb', group(field('enabled', false))),
    field('next_run_configuration_exists', false),
    field(
      'cluster',
      follow.cluster !== undefined && cluster !== undefined
        ? clusterElem(inner, cluster)
        : ref(ctx, 'clusters', vm.clusterId),
    ),
    host !== undefined &&
      field('host', follow.host !== undefined ? hostElem(inner, host) : ref(ctx, 'hosts', host.id)),
    field('original_template', ref(ctx, 'templates', vm.templateId)),
    field('template', ref(ctx, 'templates', vm.templateId)),
  ]);
}
