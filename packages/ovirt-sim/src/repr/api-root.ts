import { BLANK_TEMPLATE_ID } from '../model/state.js';
import { link, ref, type RenderContext } from './context.js';
import { date, elem, type Elem, field, group, items } from './node.js';

/**
 * The root links the simulator serves, in ApiRootLinksCreator's order, with the searchable
 * ones. Collections of the real engine that are not modelled are left out on purpose, so a
 * client never follows a link into a 404.
 */
const ROOT_LINKS: readonly { rel: string; searchable: boolean; matrix?: string }[] = [
  { rel: 'clusters', searchable: true },
  { rel: 'datacenters', searchable: true },
  { rel: 'events', searchable: true, matrix: ';from={event_id}' },
  { rel: 'hosts', searchable: true },
  { rel: 'storagedomains', searchable: true },
  { rel: 'templates', searchable: true },
  { rel: 'vms', searchable: true },
  { rel: 'disks', searchable: true },
  { rel: 'jobs', searchable: false },
];

/** The `<link>`s of `<api>`: one per collection plus `rel/search` with `?search={query}`. */
export function rootLinks(base: string): Elem[] {
  return ROOT_LINKS.flatMap(({ rel, searchable, matrix }) => {
    const plain = link(`${base}/${rel}`, rel);
    if (!searchable) return [plain];
    return [plain, link(`${base}/${rel}${matrix ?? ''}?search={query}`, `${rel}/search`)];
  });
}

export interface RootOptions {
  /** Filtered (non-admin or `Filter: true`) users get no `<summary>` (BZ 1612124). */
  readonly filtered: boolean;
  readonly userId: string | undefined;
  readonly now: number;
}

/** `GET /ovirt-engine/api` (BackendApiResource#get). */
export function apiElem(ctx: RenderContext, options: RootOptions): Elem {
  const { state } = ctx;
  const vms = [...state.vms.values()];
  const hosts = [...state.hosts.values()];
  const domains = [...state.storageDomains.values()];
  const summary = group(
    field(
      'hosts',
      group(
        field('active', hosts.filter((h) => h.status === 'up').length),
        field('total', hosts.length),
      ),
    ),
    field(
      'storage_domains',
      group(
        field('active', domains.filter((d) => d.status === 'active').length),
        field('total', domains.length),
      ),
    ),
    field('users', group(field('active', state.userIds.size), field('total', state.userIds.size))),
    field(
      'vms',
      group(
        field('active', vms.filter((v) => v.status === 'up').length),
        field('total', vms.length),
      ),
    ),
  );
  return elem({}, [
    items('link', rootLinks(ctx.base)),
    !options.filtered && field('engine_backup', group()),
    field(
      'product_info',
      group(
        field('instance_id', '5b9c8f2e-0000-4000-8000-0000000051a0'),
        field('name', 'oVirt Engine'),
        field('vendor', 'ovirt.org'),
        field(
          'version',
          group(
            field('build', 4),
            field('full_version', '4.5.6-1.el8'),
            field('major', 4),
            field('minor', 5),
            field('revision', 0),
          ),
        ),
      ),
    ),
    field(
      'special_objects',
      group(
        field('blank_template', ref(ctx, 'templates', BLANK_TEMPLATE_ID)),
        field('root_tag', ref(ctx, 'tags', BLANK_TEMPLATE_ID)),
      ),
    ),
    !options.filtered && field('summary', summary),
    field('time', date(options.now)),
    options.userId !== undefined && field('authenticated_user', ref(ctx, 'users', options.userId)),
    options.userId !== undefined && field('effective_user', ref(ctx, 'users', options.userId)),
  ]);
}
