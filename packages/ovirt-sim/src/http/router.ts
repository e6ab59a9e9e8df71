import type { SimEngine } from '../engine/engine.js';
import { canonicalGuid } from '../model/ids.js';
import { apiElem, rootLinks } from '../repr/api-root.js';
import { BodyParseError, type BodyNode, parseBody } from '../repr/body.js';
import { elem, items } from '../repr/node.js';
import { clusterElem, storageDomainElem } from '../repr/infra.js';
import { cdromElem, diskAttachmentElem, nicElem } from '../repr/vm-devices.js';
import { actionInput } from './action-reply.js';
import { type ApiRequest, booleanParam } from './api-request.js';
import { COLLECTIONS, malformedId } from './collections.js';
import { hostAction } from './host-actions.js';
import { emptyReply, faultReply, htmlError, type Reply, reprReply } from './reply.js';
import { vmAction } from './vm-actions.js';
import { updateCdrom, updateVm } from './vm-updates.js';

/** Reads and parses the body of a POST/PUT; a malformed body is a 400 fault. */
async function readBody(req: ApiRequest): Promise<{ node: BodyNode } | { reply: Reply }> {
  try {
    return { node: parseBody(await req.body(), req.contentJson).node };
  } catch (err) {
    if (err instanceof BodyParseError)
      return { reply: faultReply(req.json, 400, 'Operation Failed', err.message) };
    throw err;
  }
}

function root(req: ApiRequest, engine: SimEngine, origin: string): Reply {
  const header = rootLinks(req.render.base)
    .map((l) => `<${origin}${l.attrs.href ?? ''}>; rel=${l.attrs.rel ?? ''}`)
    .sort()
    .join(',');
  const reply = reprReply(
    req.json,
    200,
    'api',
    apiElem(req.render, { filtered: req.filtered, userId: req.actor.id, now: engine.state.time() }),
  );
  const headers = { ...reply.headers, Link: header };
  return req.method === 'HEAD' ? { status: 200, headers, body: '' } : { ...reply, headers };
}

/** Sub-collections of a VM: cdroms, nics, diskattachments (GET), cdroms/{id} (PUT). */
async function vmSub(
  req: ApiRequest,
  engine: SimEngine,
  vmId: string,
  sub: string,
  subId: string | undefined,
): Promise<Reply> {
  const vm = engine.state.vms.get(vmId);
  if (vm === undefined) return emptyReply(404);
  const ctx = req.render;
  const current = booleanParam(req.query, req.headers, 'current', true, false);
  const table = {
    cdroms: {
      root: 'cdroms',
      item: 'cdrom',
      all: vm.cdroms.map((c) => ({ id: c.id, e: cdromElem(ctx, vm, c, current) })),
    },
    nics: {
      root: 'nics',
      item: 'nic',
      all: vm.nics.map((n) => ({ id: n.id, e: nicElem(ctx, vm, n) })),
    },
    diskattachments: {
      root: 'disk_attachments',
      item: 'disk_attachment',
      all: vm.diskAttachments.map((a) => ({ id: a.id, e: diskAttachmentElem(ctx, vm, a) })),
    },
  }[sub];
  if (table === undefined) return htmlError(404);
  if (subId === undefined) {
    if (req.method !== 'GET') return htmlError(405);
    return reprReply(
      req.json,
      200,
      table.root,
      elem({}, [
        items(
          table.item,
          table.all.map((x) => x.e),
        ),
      ]),
    );
  }
  const bad = malformedId(req, subId, 'guid');
  if (bad !== undefined) return bad;
  if (req.method === 'PUT' && sub === 'cdroms') {
    const body = await readBody(req);
    return 'reply' in body
      ? body.reply
      : updateCdrom(req, engine, vm, canonicalGuid(subId), body.node);
  }
  if (req.method !== 'GET') return htmlError(405);
  const one = table.all.find((x) => x.id === canonicalGuid(subId));
  return one === undefined ? emptyReply(404) : reprReply(req.json, 200, table.item, one.e);
}

/** `/datacenters/{id}/clusters` and `/datacenters/{id}/storagedomains`. */
function dataCenterSub(req: ApiRequest, engine: SimEngine, dcId: string, sub: string): Reply {
  const { state } = engine;
  if (req.method !== 'GET') return htmlError(405);
  if (sub === 'clusters') {
    const list = [...state.clusters.values()].filter((c) => c.dataCenterId === dcId);
    return reprReply(
      req.json,
      200,
      'clusters',
      elem({}, [
        items(
          'cluster',
          list.map((c) => clusterElem(req.render, c)),
        ),
      ]),
    );
  }
  if (sub === 'storagedomains') {
    const list = [...state.storageDomains.values()].filter((d) => d.dataCenterIds.includes(dcId));
    return reprReply(
      req.json,
      200,
      'storage_domains',
      elem({}, [
        items(
          'storage_domain',
          list.map((d) => storageDomainElem(req.render, d)),
        ),
      ]),
    );
  }
  return htmlError(404);
}

/** Dispatches an authenticated API request under `/ovirt-engine/api`. */
export async function route(req: ApiRequest, engine: SimEngine, origin: string): Promise<Reply> {
  const [collection, id, sub, subId, ...rest] = req.segments;
  if (collection === undefined) {
    return req.method === 'GET' || req.method === 'HEAD'
      ? root(req, engine, origin)
      : htmlError(405);
  }
  const handler = COLLECTIONS[collection];
  if (handler === undefined || rest.length > 0) return htmlError(404);
  if (id === undefined) return req.method === 'GET' ? handler.list(req) : htmlError(405);
  if (sub === undefined) {
    if (req.method === 'GET') return handler.get(req, id);
    if (req.method === 'PUT' && collection === 'vms') {
      const resolved = handler.resolve(req, id);
      if ('reply' in resolved) return resolved.reply;
      const vm = engine.state.vms.get(resolved.id);
      const body = await readBody(req);
      if ('reply' in body) return body.reply;
      return vm === undefined ? emptyReply(404) : updateVm(req, engine, vm, actionInput(body.node));
    }
    return htmlError(405);
  }
  const bad = malformedId(req, id, collection === 'events' ? 'long' : 'guid');
  if (bad !== undefined) return bad;
  const entityId = collection === 'events' ? id : canonicalGuid(id);
  if (collection === 'vms' && ['cdroms', 'nics', 'diskattachments'].includes(sub)) {
    return vmSub(req, engine, entityId, sub, subId);
  }
  if (collection === 'datacenters' && subId === undefined)
    return dataCenterSub(req, engine, entityId, sub);
  if (subId !== undefined) return htmlError(404);
  if ((collection === 'vms' || collection === 'hosts') && req.method === 'POST') {
    const body = await readBody(req);
    if ('reply' in body) return body.reply;
    const input = actionInput(body.node);
    return collection === 'vms'
      ? vmAction(req, engine, entityId, sub, input)
      : hostAction(req, engine, entityId, sub, input);
  }
  return htmlError(404);
}
