import { canonicalGuid, isGuid } from '../model/ids.js';
import type { SimState } from '../model/state.js';
import type { SimEvent } from '../model/types.js';
import type { RenderContext } from '../repr/context.js';
import { eventElem, jobElem } from '../repr/event-job.js';
import { hostElem } from '../repr/host.js';
import { clusterElem, dataCenterElem, storageDomainElem, templateElem } from '../repr/infra.js';
import { elem, type Elem, items } from '../repr/node.js';
import { diskElem } from '../repr/vm-devices.js';
import { vmElem } from '../repr/vm.js';
import { applySearch, type SearchSpec } from '../search/apply.js';
import { SearchSyntaxError } from '../search/parse.js';
import { searchSpecs } from '../search/specs.js';
import { type ApiRequest, booleanParam, integerParam } from './api-request.js';
import { emptyReply, faultReply, type Reply, reprReply } from './reply.js';

/** GET handlers of one top-level collection. */
export interface CollectionHandler {
  list(req: ApiRequest): Reply;
  get(req: ApiRequest, id: string): Reply;
  /** Resolves an id for sub-resources and actions: the entity id, or a ready error reply. */
  resolve(req: ApiRequest, id: string): { id: string } | { reply: Reply };
}

interface CollectionDef<T> {
  readonly xmlRoot: string;
  readonly item: string;
  readonly idKind: 'guid' | 'long';
  all(state: SimState): T[];
  get(state: SimState, id: string): T | undefined;
  render(ctx: RenderContext, entity: T, single: boolean): Elem;
  search(specs: ReturnType<typeof searchSpecs>): SearchSpec<T>;
  /** Filtering before search, sort and `max` (events' `from`). */
  narrow?(req: ApiRequest, entities: T[]): T[];
}

/** A malformed id: `new Guid(id)` fails → MalformedIdExceptionMapper's 400 (ovirt-api.md §1). */
export function malformedId(req: ApiRequest, id: string, kind: 'guid' | 'long'): Reply | undefined {
  if (kind === 'guid') {
    return isGuid(id)
      ? undefined
      : faultReply(req.json, 400, 'Operation failed', `Invalid UUID string: ${id}`);
  }
  return /^-?\d+$/.test(id)
    ? undefined
    : faultReply(req.json, 400, 'Operation failed', `For input string: "${id}"`);
}

function handler<T>(def: CollectionDef<T>): CollectionHandler {
  return {
    list(req) {
      const specs = searchSpecs(req.render.state);
      let entities: T[];
      try {
        const all = def.all(req.render.state);
        entities = applySearch(
          def.search(specs),
          def.narrow === undefined ? all : def.narrow(req, all),
          {
            search: req.query.get('search') ?? undefined,
            max: integerParam(req.query, 'max'),
            caseSensitive: booleanParam(req.query, req.headers, 'case_sensitive', true, false),
          },
        );
      } catch (err) {
        if (!(err instanceof SearchSyntaxError)) throw err;
        return faultReply(req.json, 400, 'Operation Failed', err.code);
      }
      const root = elem({}, [
        items(
          def.item,
          entities.map((e) => def.render(req.render, e, false)),
        ),
      ]);
      return reprReply(req.json, 200, def.xmlRoot, root);
    },
    get(req, id) {
      const resolved = this.resolve(req, id);
      if ('reply' in resolved) return resolved.reply;
      const entity = def.get(req.render.state, resolved.id);
      if (entity === undefined) return emptyReply(404);
      return reprReply(req.json, 200, def.item, def.render(req.render, entity, true));
    },
    resolve(req, id) {
      const bad = malformedId(req, id, def.idKind);
      if (bad !== undefined) return { reply: bad };
      const canonical = def.idKind === 'guid' ? canonicalGuid(id) : String(Number(id));
      if (def.get(req.render.state, canonical) === undefined) return { reply: emptyReply(404) };
      return { id: canonical };
    },
  };
}

/**
 * `from=N` returns events with index > N, newest first, then `max` — so a poller asking for
 * fewer than what is new loses the oldest of them, exactly like the engine's SQL. Filtered
 * (non-admin) listings without `search` ignore `from` (BackendEventsResource, ovirt-api.md §5).
 */
function narrowEvents(req: ApiRequest, events: SimEvent[]): SimEvent[] {
  const from = integerParam(req.query, 'from');
  if (from === undefined) return events;
  if (req.filtered && (req.query.get('search') ?? '') === '') return events;
  return events.filter((e) => e.id > from);
}

/** The top-level collections, by their path name. */
export const COLLECTIONS: Readonly<Record<string, CollectionHandler>> = {
  vms: handler({
    xmlRoot: 'vms',
    item: 'vm',
    idKind: 'guid',
    all: (s) => [...s.vms.values()],
    get: (s, id) => s.vms.get(id),
    render: (ctx, vm, single) => vmElem(ctx, vm, { payloads: single }),
    search: (specs) => specs.vms,
  }),
  hosts: handler({
    xmlRoot: 'hosts',
    item: 'host',
    idKind: 'guid',
    all: (s) => [...s.hosts.values()],
    get: (s, id) => s.hosts.get(id),
    render: (ctx, h) => hostElem(ctx, h),
    search: (specs) => specs.hosts,
  }),
  clusters: handler({
    xmlRoot: 'clusters',
    item: 'cluster',
    idKind: 'guid',
    all: (s) => [...s.clusters.values()],
    get: (s, id) => s.clusters.get(id),
    render: (ctx, c) => clusterElem(ctx, c),
    search: (specs) => specs.clusters,
  }),
  datacenters: handler({
    xmlRoot: 'data_centers',
    item: 'data_center',
    idKind: 'guid',
    all: (s) => [...s.dataCenters.values()],
    get: (s, id) => s.dataCenters.get(id),
    render: (ctx, d) => dataCenterElem(ctx, d),
    search: (specs) => specs.dataCenters,
  }),
  storagedomains: handler({
    xmlRoot: 'storage_domains',
    item: 'storage_domain',
    idKind: 'guid',
    all: (s) => [...s.storageDomains.values()],
    get: (s, id) => s.storageDomains.get(id),
    render: (ctx, d) => storageDomainElem(ctx, d),
    search: (specs) => specs.storageDomains,
  }),
  templates: handler({
    xmlRoot: 'templates',
    item: 'template',
    idKind: 'guid',
    all: (s) => [...s.templates.values()],
    get: (s, id) => s.templates.get(id),
    render: (ctx, t) => templateElem(ctx, t),
    search: (specs) => specs.templates,
  }),
  disks: handler({
    xmlRoot: 'disks',
    item: 'disk',
    idKind: 'guid',
    all: (s) => [...s.disks.values()],
    get: (s, id) => s.disks.get(id),
    render: (ctx, d) => diskElem(ctx, d),
    search: (specs) => specs.disks,
  }),
  events: handler({
    xmlRoot: 'events',
    item: 'event',
    idKind: 'long',
    all: (s) => [...s.events],
    get: (s, id) => s.events.find((e) => String(e.id) === id),
    render: (ctx, e) => eventElem(ctx, e),
    search: (specs) => specs.events,
    narrow: narrowEvents,
  }),
  jobs: handler({
    xmlRoot: 'jobs',
    item: 'job',
    idKind: 'guid',
    all: (s) => [...s.jobs.values()].sort((a, b) => b.startTime - a.startTime),
    get: (s, id) => s.jobs.get(id),
    render: (ctx, j) => jobElem(ctx, j),
    search: () => ({
      fields: { start: (j) => j.startTime, id: (j) => j.id },
      defaultSort: { field: 'start', descending: true },
    }),
  }),
};
