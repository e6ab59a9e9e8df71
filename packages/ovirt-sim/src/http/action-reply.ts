import type { EngineFault } from '../engine/messages.js';
import type { SimJob } from '../model/types.js';
import { isNode, type BodyNode, type BodyValue } from '../repr/body.js';
import { link } from '../repr/context.js';
import { elem, type Elem, type Field, field, items, type Value } from '../repr/node.js';
import type { ApiRequest } from './api-request.js';
import { faultElem, faultReply, type Reply, reprReply } from './reply.js';

/**
 * `<action>` responses (AbstractBackendActionableResource): the input action echoed back, plus
 * `status`, the `job` link and the entity reference on success, or the fault on failure.
 */

function valueOf(v: BodyValue): Value | undefined {
  if (v === null) return undefined;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return undefined;
  return bodyToElem(v);
}

/** Re-renders a parsed body node: `id`/`href` become attributes again, everything else children. */
export function bodyToElem(node: BodyNode): Elem {
  const attrs: Record<string, string> = {};
  const fields: Field[] = [];
  for (const [key, raw] of Object.entries(node)) {
    if (key === '#text') continue;
    if ((key === 'id' || key === 'href') && (typeof raw === 'string' || typeof raw === 'number')) {
      attrs[key] = String(raw);
      continue;
    }
    if (Array.isArray(raw)) {
      fields.push(
        items(
          key,
          raw.map(valueOf).filter((x): x is Value => x !== undefined),
        ),
      );
    } else {
      const f = field(key, valueOf(raw));
      if (f !== undefined) fields.push(f);
    }
  }
  return elem(attrs, fields);
}

/** The action element: echoed input with overrides, children in alphabetical order (JAXB's). */
function actionElem(
  input: BodyNode,
  overrides: Record<string, Field | undefined>,
  attrs: Record<string, string> = {},
): Elem {
  const echoed = bodyToElem(input);
  const byName = new Map<string, Field>();
  for (const f of echoed.fields) byName.set(f.name, f);
  for (const [name, f] of Object.entries(overrides)) {
    if (f === undefined) byName.delete(name);
    else byName.set(name, f);
  }
  const sorted = [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  return elem({ ...echoed.attrs, ...attrs }, sorted);
}

/** The entity the action ran on: `<vm href id/>` or `<host href id/>`. */
export interface ActionTarget {
  readonly item: 'vm' | 'host';
  readonly collection: 'vms' | 'hosts';
  readonly id: string;
}

function jobField(req: ApiRequest, job: SimJob | undefined): Field | undefined {
  if (job === undefined) return undefined;
  return field('job', elem({ href: `${req.render.base}/jobs/${job.id}`, id: job.id }, []));
}

/** 200 `<action>` with `<status>complete</status>` (#actionSuccess). */
export function actionSuccess(
  req: ApiRequest,
  input: BodyNode,
  target: ActionTarget | undefined,
  job: SimJob | undefined,
  extra: Record<string, Field | undefined> = {},
): Reply {
  const overrides: Record<string, Field | undefined> = {
    status: field('status', 'complete'),
    job: jobField(req, job),
    ...extra,
  };
  if (target !== undefined) {
    overrides[target.item] = field(
      target.item,
      elem({ href: `${req.render.base}/${target.collection}/${target.id}`, id: target.id }, []),
    );
  }
  return reprReply(req.json, 200, 'action', actionElem(input, overrides));
}

/** The failure of an engine command, wrapped in `<action>` (#handleError/#actionFailure). */
export function actionFailure(req: ApiRequest, input: BodyNode, fault: EngineFault): Reply {
  if (fault.bare) {
    return faultReply(
      req.json,
      fault.httpStatus,
      fault.reason,
      fault.detail === '' ? undefined : fault.detail,
    );
  }
  return reprReply(
    req.json,
    fault.httpStatus,
    'action',
    actionElem(input, {
      fault: field('fault', faultElem(fault.reason, fault.detail)),
      status: field('status', 'failed'),
    }),
  );
}

/** A query failure reported with HTTP 200 (fence `status`, #handleFailure). */
export function actionFailedWith200(req: ApiRequest, input: BodyNode, reason: string): Reply {
  return reprReply(
    req.json,
    200,
    'action',
    actionElem(input, {
      fault: field('fault', faultElem(reason, undefined)),
      status: field('status', 'failed'),
    }),
  );
}

/** 202 for asynchronous commands (#actionAsync): pending, with `parent` and `replay` links. */
export function actionAccepted(
  req: ApiRequest,
  input: BodyNode,
  actionPath: string,
  taskId: string,
  job: SimJob | undefined,
): Reply {
  const parent = actionPath.slice(0, actionPath.lastIndexOf('/'));
  return reprReply(
    req.json,
    202,
    'action',
    actionElem(
      input,
      {
        async: field('async', true),
        job: jobField(req, job),
        link: items('link', [link(parent, 'parent'), link(actionPath, 'replay')]),
        status: field('status', 'pending'),
      },
      { href: `${actionPath}/${taskId}`, id: taskId },
    ),
  );
}

/** The parsed action body: the content of `<action>`, or the JSON object. */
export function actionInput(node: BodyNode): BodyNode {
  const inner = node.action;
  return isNode(inner) ? inner : node;
}
