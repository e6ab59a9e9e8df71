import type { SimState } from '../model/state.js';
import { elem, type Elem, type Field, items } from './node.js';

/** The `follow=` tree: `disk_attachments.disk,nics` → { disk_attachments: { disk: {} }, nics: {} }. */
export interface FollowTree {
  readonly [key: string]: FollowTree;
}

/** Everything a representation needs besides the entity. */
export interface RenderContext {
  readonly state: SimState;
  /** `/ovirt-engine/api`, or `/ovirt-engine/api/v4` when the client chose the version in the URL. */
  readonly base: string;
  /** `all_content=true` or `All-Content: true`. */
  readonly allContent: boolean;
  readonly follow: FollowTree;
}

export function parseFollow(text: string | undefined): FollowTree {
  const tree: Record<string, Record<string, unknown>> = {};
  for (const path of (text ?? '').split(',')) {
    let node: Record<string, unknown> = tree;
    for (const part of path.trim().split('.')) {
      if (part === '') break;
      node[part] ??= {};
      node = node[part] as Record<string, unknown>;
    }
  }
  return tree as FollowTree;
}

/** A reference to another object: `<cluster href="…/clusters/ID" id="ID"/>`. */
export function ref(ctx: RenderContext, collection: string, id: string): Elem {
  return elem({ href: `${ctx.base}/${collection}/${id}`, id }, []);
}

/** A sub-collection link: `<link href="…/vms/ID/nics" rel="nics"/>`. */
export function link(href: string, rel: string): Elem {
  return elem({ href, rel }, []);
}

/** The `<actions>` block with one link per action (LinkHelper#setActions). */
export function actions(objectHref: string, names: readonly string[]): Field {
  return {
    name: 'actions',
    value: elem({}, [
      items(
        'link',
        names.map((n) => link(`${objectHref}/${n}`, n)),
      ),
    ]),
  };
}
