/** A written Guest into the model, reading and inspecting its domain XML on the way. */
import type { Guest, GuestDefinition, GuestHealth } from '../../model/desired.js';
import type { DefinitionRead } from '../collected.js';
import { inspectDomainXml } from '../domain-xml.js';
import type { WrittenGuest, WrittenGuestSpec } from '../written.js';
import { resolveFrom, type NormalizeContext } from './context.js';

/** Read and inspect a definition file once per path, whoever refers to it. */
export type DefinitionCache = Map<string, DefinitionRead & { readonly xml?: string }>;

function readDefinition(
  absPath: string,
  ctx: NormalizeContext,
  cache: DefinitionCache,
): DefinitionRead & { readonly xml?: string } {
  const cached = cache.get(absPath);
  if (cached !== undefined) return cached;
  let result: DefinitionRead & { readonly xml?: string };
  // Judged before anything is read: nothing of a file outside the root reaches any output.
  const policy = ctx.pathPolicy;
  if (policy?.verdict(absPath) === 'outside') {
    result = { ok: false, path: absPath, reason: 'outside the root', outsideRoot: policy.root };
    cache.set(absPath, result);
    return result;
  }
  let content: ReturnType<NormalizeContext['readFile']>;
  try {
    content = ctx.readFile(absPath);
  } catch (err) {
    content = { error: err instanceof Error ? err.message : String(err) };
  }
  if (typeof content === 'string') {
    result = { ok: true, path: absPath, inspection: inspectDomainXml(content), xml: content };
  } else {
    result = { ok: false, path: absPath, reason: content?.error ?? 'no such file' };
  }
  cache.set(absPath, result);
  return result;
}

export function normalizeGuest(
  doc: WrittenGuest,
  ctx: NormalizeContext,
  cache: DefinitionCache,
): { guest: Guest; definition?: DefinitionRead } {
  const s = doc.spec;
  const read =
    s.definition === undefined
      ? undefined
      : readDefinition(resolveFrom(ctx.file, s.definition.file), ctx, cache);
  let definition: GuestDefinition | undefined;
  if (read?.ok === true && read.inspection.ok && read.xml !== undefined) {
    const uuid = read.inspection.uuid;
    definition = { path: read.path, xml: read.xml, ...(uuid === undefined ? {} : { uuid }) };
  }
  const hosts = s.placement?.hosts ?? [];
  const bandwidth = s.migration?.bandwidthMiBps;
  const guest: Guest = {
    name: doc.metadata.name,
    domainName: s.name ?? doc.metadata.name,
    site: s.site,
    state: s.state ?? 'running',
    ...(definition === undefined ? {} : { definition }),
    placement: {
      hosts: [...hosts],
      autoStart: [...(s.placement?.autoStart ?? hosts)],
      failback: s.placement?.failback ?? false,
      failbackAfterSeconds: s.placement?.failbackAfterSeconds ?? 300,
    },
    timing: {
      startGraceSeconds: s.timing?.startGraceSeconds ?? 5,
      stopTimeoutSeconds: s.timing?.stopTimeoutSeconds ?? 30,
    },
    onFailure: {
      restart: {
        max: s.onFailure?.restart?.max ?? 2,
        withinSeconds: s.onFailure?.restart?.withinSeconds ?? 600,
      },
      then: s.onFailure?.then ?? 'failover',
    },
    migration: {
      live: s.migration?.live ?? true,
      timeoutSeconds: s.migration?.timeoutSeconds ?? 300,
      maxDowntimeMs: s.migration?.maxDowntimeMs ?? 300,
      ...(bandwidth === undefined ? {} : { bandwidthMiBps: bandwidth }),
      fallback: s.migration?.fallback ?? 'none',
    },
    dependsOn: [...(s.dependsOn ?? [])],
    maintenance: s.maintenance ?? false,
    ...(s.health === undefined ? {} : { health: normalizeHealth(s.health) }),
    at: ctx.locator.span(['metadata', 'name']),
  };
  return read === undefined ? { guest } : { guest, definition: stripXml(read) };
}

function normalizeHealth(h: NonNullable<WrittenGuestSpec['health']>): GuestHealth {
  return {
    ladder: [...(h.ladder ?? ['reset', 'restart'])],
  };
}

function stripXml(read: DefinitionRead & { readonly xml?: string }): DefinitionRead {
  if (!read.ok) return read;
  return { ok: true, path: read.path, inspection: read.inspection };
}
