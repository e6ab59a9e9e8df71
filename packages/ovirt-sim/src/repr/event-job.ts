import type { SimEvent, SimJob } from '../model/types.js';
import { ref, type RenderContext } from './context.js';
import { date, elem, type Elem, field, nonEmpty } from './node.js';

/** An `<event>` as EventMapper renders it: `index` equals `id` (ovirt-api.md §5). */
export function eventElem(ctx: RenderContext, e: SimEvent): Elem {
  return elem({ href: `${ctx.base}/events/${e.id}`, id: String(e.id) }, [
    nonEmpty('description', e.description),
    field('code', e.code),
    field('correlation_id', e.correlationId),
    field('custom_id', e.customId),
    field('flood_rate', e.floodRate),
    field('index', e.id),
    field('origin', e.origin),
    field('severity', e.severity),
    field('time', date(e.time)),
    e.clusterId !== undefined && field('cluster', ref(ctx, 'clusters', e.clusterId)),
    e.dataCenterId !== undefined && field('data_center', ref(ctx, 'datacenters', e.dataCenterId)),
    e.hostId !== undefined && field('host', ref(ctx, 'hosts', e.hostId)),
    e.storageDomainId !== undefined &&
      field('storage_domain', ref(ctx, 'storagedomains', e.storageDomainId)),
    e.userId !== undefined && field('user', ref(ctx, 'users', e.userId)),
    e.vmId !== undefined && field('vm', ref(ctx, 'vms', e.vmId)),
  ]);
}

/** A `<job>` (JobsService): started → finished | failed. */
export function jobElem(ctx: RenderContext, job: SimJob): Elem {
  return elem({ href: `${ctx.base}/jobs/${job.id}`, id: job.id }, [
    nonEmpty('description', job.description),
    field('auto_cleared', true),
    job.endTime !== undefined && field('end_time', date(job.endTime)),
    field('external', false),
    field('last_updated', date(job.lastUpdated)),
    field('start_time', date(job.startTime)),
    field('status', job.status),
    job.ownerId !== undefined && field('owner', ref(ctx, 'users', job.ownerId)),
  ]);
}
