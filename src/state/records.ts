/**
 * The formats of the state directory's shared files, each `{ "hosts": [ … ] }` (or
 * `{ "volumes": { … } }`) as written since the first version, so older readers (and the
 * `watch` loop, which watches fencing.json) keep understanding them. Parsing is strict about
 * what matters (a record without its host is a bad file) and ignores unknown fields.
 */
import path from 'node:path';
import type { DrainRecord, FenceRecord, HostHealth } from './controller-state.js';
import {
  ShapeError,
  object,
  optionalNumber,
  optionalString,
  parseHostRecords,
  string,
  type StateFileSpec,
} from './state-file.js';

export type Records<R> = Map<string, R>;

function fenceRecord(v: unknown, what: string): FenceRecord {
  const o = object(v, what);
  const by = o.by;
  if (by !== 'operator' && by !== 'fence-command')
    throw new ShapeError(`${what}.by must be "operator" or "fence-command"`);
  const confirmedAt = string(o.confirmedAt, `${what}.confirmedAt`);
  if (Number.isNaN(Date.parse(confirmedAt)))
    throw new ShapeError(`${what}.confirmedAt must be an ISO time`);
  const note = optionalString(o.note, `${what}.note`);
  const user = optionalString(o.user, `${what}.user`);
  return {
    host: string(o.host, `${what}.host`),
    confirmedAt,
    by,
    ...(note !== undefined ? { note } : {}),
    ...(user !== undefined ? { user } : {}),
  };
}

function drainRecord(v: unknown, what: string): DrainRecord {
  const o = object(v, what);
  const note = optionalString(o.note, `${what}.note`);
  return {
    host: string(o.host, `${what}.host`),
    since: string(o.since, `${what}.since`),
    by: string(o.by, `${what}.by`),
    ...(note !== undefined ? { note } : {}),
  };
}

function hostHealth(v: unknown, what: string): HostHealth {
  const o = object(v, what);
  const upSince = optionalNumber(o.upSince, `${what}.upSince`);
  const lastDownAt = optionalNumber(o.lastDownAt, `${what}.lastDownAt`);
  return {
    host: string(o.host, `${what}.host`),
    ...(upSince !== undefined ? { upSince } : {}),
    ...(lastDownAt !== undefined ? { lastDownAt } : {}),
  };
}

const hostsDoc = <R>(records: Records<R>): unknown => ({ hosts: [...records.values()] });

export function lockFileOf(dir: string, name: string): string {
  return path.join(dir, 'locks', `${name}.lock`);
}

export function fencingSpec(dir: string): StateFileSpec<Records<FenceRecord>> {
  return {
    file: path.join(dir, 'fencing.json'),
    lockFile: lockFileOf(dir, 'fencing'),
    whenBad: 'treated as no fencing confirmations (no guest of a lost host starts elsewhere)',
    empty: () => new Map(),
    parse: (doc) => parseHostRecords(doc, fenceRecord),
    serialize: hostsDoc,
  };
}

export function drainsSpec(dir: string): StateFileSpec<Records<DrainRecord>> {
  return {
    file: path.join(dir, 'drains.json'),
    lockFile: lockFileOf(dir, 'drains'),
    whenBad: 'treated as no drained hosts',
    empty: () => new Map(),
    parse: (doc) => parseHostRecords(doc, drainRecord),
    serialize: hostsDoc,
  };
}

export function hostHealthSpec(dir: string): StateFileSpec<Records<HostHealth>> {
  return {
    file: path.join(dir, 'hosts.json'),
    lockFile: lockFileOf(dir, 'hosts'),
    whenBad: 'treated as no host outages seen',
    empty: () => new Map(),
    parse: (doc) => parseHostRecords(doc, hostHealth),
    serialize: hostsDoc,
  };
}

export function volumesSpec(dir: string): StateFileSpec<Records<string>> {
  return {
    file: path.join(dir, 'volumes.json'),
    lockFile: lockFileOf(dir, 'volumes'),
    whenBad: 'treated as no volumes created by virtwarden (none will be deleted)',
    empty: () => new Map(),
    parse: (doc) => {
      const volumes = object(object(doc, 'the document').volumes ?? {}, '"volumes"');
      return new Map(Object.entries(volumes).map(([k, g]) => [k, string(g, `volumes["${k}"]`)]));
    },
    serialize: (inventory) => ({ volumes: Object.fromEntries(inventory) }),
  };
}
