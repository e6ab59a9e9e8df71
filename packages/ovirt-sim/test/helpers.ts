/** Shared helpers for the simulator's integration tests: a real server and real HTTP. */
import { readFile } from 'node:fs/promises';
import { XMLParser } from 'fast-xml-parser';
import got, { type OptionsOfTextResponseBody } from 'got';
import { startOvirtSim, type OvirtSim, type OvirtSimOptions } from '../src/index.js';

export const ADMIN = { name: 'admin@internal', password: 'secret' };

/** A simulator on plain HTTP with fast transitions, unless the test asks otherwise. */
export function startTestSim(options: OvirtSimOptions = {}): Promise<OvirtSim> {
  return startOvirtSim({ tls: false, timing: { stepMs: 25, commandMs: 0 }, ...options });
}

export type Auth = 'none' | 'basic' | { bearer: string } | { basic: string };

export interface CallOptions {
  readonly auth?: Auth;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly json?: boolean;
  readonly timeoutMs?: number;
}

export interface CallResult {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

function basic(userPass: string): string {
  return `Basic ${Buffer.from(userPass).toString('base64')}`;
}

/** One HTTP request to the simulator; `path` is relative to the origin or to the API root. */
export async function call(
  sim: OvirtSim,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<CallResult> {
  const url = path.startsWith('/') ? `${sim.origin}${path}` : `${sim.url}/${path}`;
  const headers: Record<string, string | undefined> = { ...(options.headers ?? {}) };
  const auth = options.auth ?? 'basic';
  if (auth === 'basic') headers.authorization = basic(`${ADMIN.name}:${ADMIN.password}`);
  else if (auth !== 'none' && 'bearer' in auth) headers.authorization = `Bearer ${auth.bearer}`;
  else if (auth !== 'none') headers.authorization = basic(auth.basic);
  if (options.json === true) {
    headers.accept ??= 'application/json';
    if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  } else if (options.body !== undefined) {
    headers['content-type'] ??= 'application/xml';
  }
  const request: OptionsOfTextResponseBody = {
    method: method as NonNullable<OptionsOfTextResponseBody['method']>,
    headers,
    throwHttpErrors: false,
    retry: { limit: 0 },
    followRedirect: false,
    timeout: { request: options.timeoutMs ?? 10_000 },
  };
  if (options.body !== undefined) request.body = options.body;
  if (sim.caFile !== undefined) {
    request.https = { certificateAuthority: await readFile(sim.caFile) };
  }
  const response = await got(url, request);
  return { status: response.statusCode, headers: response.headers, body: response.body };
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  ignoreDeclaration: true,
  isArray: (name) =>
    [
      'vm',
      'host',
      'link',
      'event',
      'cluster',
      'data_center',
      'storage_domain',
      'device',
      'payload',
      'file',
      'job',
      'nic',
      'cdrom',
      'disk_attachment',
    ].includes(name),
});

/** Parsed XML: attributes prefixed with `@`, repeated elements always arrays. */
export type Xml = Record<string, unknown>;

export function xml(body: string): Xml {
  return parser.parse(body) as Xml;
}

/** The value at a dotted path (`vm.host.@id`); arrays on the way take their first element. */
export function pick(node: unknown, path: string): unknown {
  let current: unknown = node;
  for (const key of path.split('.')) {
    if (Array.isArray(current)) current = current[0] as unknown;
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** The text at a path, or undefined. */
export function text(node: unknown, path: string): string | undefined {
  const value = pick(node, path);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  return undefined;
}

/** The elements at a path as a list (empty when absent). */
export function list(node: unknown, path: string): Xml[] {
  const value = pick(node, path);
  if (value === undefined || value === '') return [];
  return (Array.isArray(value) ? value : [value]) as Xml[];
}

/** GET an API path as XML and parse it. */
export async function getXml(sim: OvirtSim, path: string, options: CallOptions = {}): Promise<Xml> {
  const res = await call(sim, 'GET', path, options);
  if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status} ${res.body}`);
  return xml(res.body);
}

/** POST an action with an XML body (default `<action/>`) and parse the `<action>` answer. */
export async function action(
  sim: OvirtSim,
  path: string,
  body = '<action/>',
  options: CallOptions = {},
): Promise<{ status: number; action: Xml; body: string }> {
  const res = await call(sim, 'POST', path, { ...options, body });
  const parsed = res.body === '' ? {} : xml(res.body);
  return { status: res.status, action: (parsed.action ?? parsed) as Xml, body: res.body };
}

/** Polls `probe` until it returns a value other than undefined. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 5000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Ids of the demo dataset's objects, looked up by name. */
export function ids(sim: OvirtSim) {
  const vm = (name: string) => {
    const found = sim.state.vmByName(name);
    if (found === undefined) throw new Error(`no VM ${name}`);
    return found.id;
  };
  const host = (name: string) => {
    const found = sim.state.hostByName(name);
    if (found === undefined) throw new Error(`no host ${name}`);
    return found.id;
  };
  return { vm, host };
}

/** Polls a VM's status through the API until it is `status`; returns every status seen. */
export async function watchVm(
  sim: OvirtSim,
  vmId: string,
  status: string,
  timeoutMs = 5000,
): Promise<string[]> {
  const seen: string[] = [];
  await waitFor(
    async () => {
      const s = text(await getXml(sim, `vms/${vmId}`), 'vm.status') ?? '';
      if (seen.at(-1) !== s) seen.push(s);
      return s === status ? s : undefined;
    },
    timeoutMs,
    `VM ${vmId} to reach ${status}`,
  );
  return seen;
}
