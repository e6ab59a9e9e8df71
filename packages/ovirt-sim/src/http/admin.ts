import type { IncomingMessage } from 'node:http';
import { OvirtSimError } from '../errors.js';
import type { FaultRuleSpec } from '../faults.js';
import { htmlError, type Reply } from './reply.js';
import type { ServerParts } from './server.js';

/**
 * The demo/admin endpoint under `/__sim/…`, answered only to loopback clients. Not part of the
 * engine's API: it exists so a demo can break things by hand (docs/ovirt-sim.md).
 */

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function json(status: number, payload: unknown): Reply {
  return {
    status,
    headers: { 'Content-Type': 'application/json' },
    body: `${JSON.stringify(payload, null, 2)}\n`,
  };
}

function parseJsonBody(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new OvirtSimError('bad-operation', 'expected a JSON object');
  }
  return parsed as Record<string, unknown>;
}

function optionalNumber(body: Record<string, unknown>, key: string): number | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number') throw new OvirtSimError('bad-operation', `${key} must be a number`);
  return v;
}

function faultSpec(body: Record<string, unknown>): FaultRuleSpec {
  const kind = body.kind;
  const path = body.path;
  if (typeof kind !== 'string' || typeof path !== 'string') {
    throw new OvirtSimError('bad-operation', 'a fault needs "kind" and "path" strings');
  }
  const spec: Record<string, unknown> = { kind, path };
  if (typeof body.method === 'string') spec.method = body.method;
  for (const key of ['times', 'probability', 'latencyMs', 'status']) {
    const n = optionalNumber(body, key);
    if (n !== undefined) spec[key] = n;
  }
  if (typeof body.body === 'string') spec.body = body.body;
  return spec as unknown as FaultRuleSpec;
}

function snapshot(parts: ServerParts): unknown {
  const { state } = parts.engine;
  return {
    dataCenters: [...state.dataCenters.values()].map((d) => ({ name: d.name, status: d.status })),
    hosts: [...state.hosts.values()].map((h) => ({
      name: h.name,
      status: h.status,
      spm: h.spm.status,
      reachable: h.reachable,
      powered: h.powered,
    })),
    vms: [...state.vms.values()].map((v) => ({
      name: v.name,
      status: v.status,
      host: v.hostId === undefined ? null : (state.hosts.get(v.hostId)?.name ?? null),
    })),
    faults: parts.faults.list().map((f) => ({ ...f, path: String(f.path) })),
    lastEvent: state.events.at(-1)?.id ?? 0,
  };
}

/** Handles `/__sim/…`; every mistake is a 400 JSON `{ "error": … }`. */
export async function handleAdmin(
  req: IncomingMessage,
  url: URL,
  parts: ServerParts,
  readBody: () => Promise<string>,
): Promise<Reply> {
  if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) return htmlError(404);
  const [, , kind, target, op] = url.pathname.split('/').map(decodeURIComponent);
  const method = req.method ?? 'GET';
  try {
    const body = method === 'POST' ? parseJsonBody(await readBody()) : {};
    const { engine, faults, auth, log } = parts;
    if (kind === 'state' && method === 'GET') return json(200, snapshot(parts));
    if (kind === 'requests' && method === 'GET') return json(200, log.list());
    if (kind === 'faults') {
      if (method === 'GET')
        return json(
          200,
          faults.list().map((f) => ({ ...f, path: String(f.path) })),
        );
      if (method === 'POST') return json(201, faults.add(faultSpec(body)));
      if (method === 'DELETE' && target === undefined) {
        faults.clear();
        return json(200, { cleared: true });
      }
      if (method === 'DELETE' && target !== undefined)
        return json(faults.remove(target) ? 200 : 404, { removed: target });
    }
    if (kind === 'auth' && target === 'expire' && method === 'POST') {
      auth.expireAll();
      return json(200, { expired: true });
    }
    if (kind === 'vms' && target !== undefined && method === 'POST') {
      if (op === 'kill') engine.killVm(target);
      else if (op === 'stuck') engine.setStuckInWaitForLaunch(target, body.stuck !== false);
      else return json(404, { error: `unknown VM operation '${op ?? ''}'` });
      return json(200, snapshot(parts));
    }
    if (kind === 'hosts' && target !== undefined && method === 'POST') {
      if (op === 'non-responsive') {
        engine.makeHostNonResponsive(target, {
          rebootFixes: body.rebootFixes !== false,
          powerManagementReachable: body.powerManagementReachable !== false,
        });
      } else if (op === 'restore') {
        engine.restoreHost(target);
      } else {
        return json(404, { error: `unknown host operation '${op ?? ''}'` });
      }
      return json(200, snapshot(parts));
    }
    return json(404, { error: `no admin route ${method} ${url.pathname}` });
  } catch (err) {
    if (err instanceof OvirtSimError || err instanceof SyntaxError)
      return json(400, { error: err.message });
    throw err;
  }
}
