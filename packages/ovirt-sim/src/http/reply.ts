import { STATUS_CODES } from 'node:http';
import { type Elem, elem, field, toJson, toXml } from '../repr/node.js';

/**
 * A response built before anything is written, so the server can still decide to drop it
 * (the `lose-response` fault) after the engine applied its effect.
 */
export interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: string;
}

/** The servlet container's error page, as recorded from a real engine (ovirt-api.md §1). */
export function htmlError(status: number, headers: Record<string, string | string[]> = {}): Reply {
  const phrase = STATUS_CODES[status] ?? 'Error';
  return {
    status,
    headers: { 'Content-Type': 'text/html;charset=UTF-8', ...headers },
    body: `<html><head><title>Error</title></head><body>${phrase}</body></html>`,
  };
}

export function emptyReply(status: number, headers: Record<string, string | string[]> = {}): Reply {
  return { status, headers, body: '' };
}

/** A representation in the client's format: XML by default, JSON with `Accept: application/json`. */
export function reprReply(json: boolean, status: number, rootName: string, root: Elem): Reply {
  return json
    ? { status, headers: { 'Content-Type': 'application/json' }, body: toJson(root) }
    : {
        status,
        headers: { 'Content-Type': 'application/xml;charset=UTF-8' },
        body: toXml(rootName, root),
      };
}

export function faultElem(reason: string, detail: string | undefined): Elem {
  return elem({}, [field('reason', reason), field('detail', detail)]);
}

/** A bare `<fault>` (not wrapped in `<action>`). */
export function faultReply(json: boolean, status: number, reason: string, detail?: string): Reply {
  return reprReply(json, status, 'fault', faultElem(reason, detail));
}
