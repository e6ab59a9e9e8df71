import type { SimCdrom, SimDisk, SimDiskAttachment, SimNic, SimVm } from '../model/types.js';
import { ref, type RenderContext } from './context.js';
import { elem, type Elem, field, group, items } from './node.js';

/**
 * A VM's CD-ROM (VmCdromService): `current` shows what the running VM has inserted; otherwise
 * the persistent configuration used at the next start.
 */
export function cdromElem(ctx: RenderContext, vm: SimVm, cd: SimCdrom, current: boolean): Elem {
  const fileId = current ? cd.currentFileId : cd.fileId;
  return elem({ href: `${ctx.base}/vms/${vm.id}/cdroms/${cd.id}`, id: cd.id }, [
    fileId !== undefined && fileId !== '' && field('file', elem({ id: fileId }, [])),
    field('vm', ref(ctx, 'vms', vm.id)),
  ]);
}

export function nicElem(ctx: RenderContext, vm: SimVm, nic: SimNic): Elem {
  return elem({ href: `${ctx.base}/vms/${vm.id}/nics/${nic.id}`, id: nic.id }, [
    field('name', nic.name),
    field('interface', nic.interface),
    field('linked', nic.linked),
    field('mac', group(field('address', nic.mac))),
    field('plugged', nic.plugged),
    field('synced', true),
    field('vm', ref(ctx, 'vms', vm.id)),
  ]);
}

export function diskElem(ctx: RenderContext, disk: SimDisk): Elem {
  return elem({ href: `${ctx.base}/disks/${disk.id}`, id: disk.id }, [
    field('name', disk.name),
    field('actual_size', disk.actualSize),
    field('alias', disk.name),
    field('content_type', 'data'),
    field('format', disk.format),
    field('propagate_errors', false),
    field('provisioned_size', disk.provisionedSize),
    field('shareable', false),
    field('sparse', disk.format === 'cow'),
    field('status', 'ok'),
    field('storage_type', 'image'),
    field('total_size', disk.actualSize),
    field('wipe_after_delete', false),
    disk.storageDomainId !== undefined &&
      field(
        'storage_domains',
        group(items('storage_domain', [ref(ctx, 'storagedomains', disk.storageDomainId)])),
      ),
  ]);
}

/** A disk attachment; `follow=disk_attachments.disk` inlines the disk. */
export function diskAttachmentElem(ctx: RenderContext, vm: SimVm, a: SimDiskAttachment): Elem {
  const disk = ctx.state.disks.get(a.diskId);
  return elem({ href: `${ctx.base}/vms/${vm.id}/diskattachments/${a.id}`, id: a.id }, [
    field('active', a.active),
    field('bootable', a.bootable),
    field('interface', a.interface),
    field('pass_discard', false),
    field('read_only', false),
    field('uses_scsi_reservation', false),
    field(
      'disk',
      ctx.follow.disk !== undefined && disk !== undefined
        ? diskElem({ ...ctx, follow: {} }, disk)
        : ref(ctx, 'disks', a.diskId),
    ),
    field('vm', ref(ctx, 'vms', vm.id)),
  ]);
}
