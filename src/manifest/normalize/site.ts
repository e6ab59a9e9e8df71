/** A written Site into the model: defaults filled, relative paths and test URIs made absolute. */
import type { FenceSpec, HookCommand, LibvirtHost, Site } from '../../model/desired.js';
import type { WrittenFence, WrittenSite } from '../written.js';
import { resolveFrom, type NormalizeContext } from './context.js';

export const DEFAULT_HOOK_TIMEOUT_SECONDS = 60;

const TEST_RELATIVE = 'test:///./';

/**
 * `test:///./lab/hosts.xml` names a libvirt test-driver file relative to the manifest's
 * directory; libvirt itself only understands absolute paths, so it becomes
 * `test://` + the absolute path. Every other URI is kept as written.
 */
export function normalizeLibvirtUri(file: string, uri: string): string {
  if (!uri.startsWith(TEST_RELATIVE)) return uri;
  const rest = uri.slice(TEST_RELATIVE.length);
  const cut = rest.search(/[?#]/);
  const relative = cut < 0 ? rest : rest.slice(0, cut);
  const suffix = cut < 0 ? '' : rest.slice(cut);
  return `test://${resolveFrom(file, relative)}${suffix}`;
}

export function hook(
  argv: readonly string[],
  timeoutSeconds: number | undefined,
  passEnv: readonly string[] | undefined,
): HookCommand {
  return {
    argv: [...argv],
    timeoutSeconds: timeoutSeconds ?? DEFAULT_HOOK_TIMEOUT_SECONDS,
    ...(passEnv === undefined ? {} : { passEnv: [...passEnv] }),
  };
}

function fenceOf(written: WrittenFence): FenceSpec {
  const off = hook(written.command, written.timeoutSeconds, written.passEnv);
  return written.statusCommand === undefined
    ? { off }
    : { off, status: hook(written.statusCommand, written.timeoutSeconds, written.passEnv) };
}

export function normalizeSite(doc: WrittenSite, ctx: NormalizeContext): Site {
  const at = ctx.locator.span(['metadata', 'name']);
  const { libvirt, ovirt } = doc.spec;
  if (libvirt !== undefined) {
    const hosts = libvirt.hosts.map((h, i): LibvirtHost => ({
      name: h.name,
      uri: normalizeLibvirtUri(ctx.file, h.uri),
      ...(h.migrationUri === undefined ? {} : { migrationUri: h.migrationUri }),
      ...(h.fence === undefined ? {} : { fence: fenceOf(h.fence) }),
      maintenance: h.maintenance ?? false,
      at: ctx.locator.span(['spec', 'libvirt', 'hosts', i, 'name']),
    }));
    return {
      name: doc.metadata.name,
      at,
      provider: {
        kind: 'libvirt',
        hosts,
        keepalive: {
          intervalSeconds: libvirt.keepalive?.intervalSeconds ?? 1,
          count: libvirt.keepalive?.count ?? 3,
        },
        hostLossGraceSeconds: libvirt.hostLossGraceSeconds ?? 15,
      },
    };
  }
  // The schema guarantees exactly one of libvirt / ovirt.
  const o = ovirt ?? { url: '', user: '', passwordFrom: { env: '' }, cluster: '', datacenter: '' };
  return {
    name: doc.metadata.name,
    at,
    provider: {
      kind: 'ovirt',
      url: o.url,
      user: o.user,
      passwordFrom:
        'env' in o.passwordFrom ? { env: o.passwordFrom.env } : { file: o.passwordFrom.file },
      ...(o.caFile === undefined ? {} : { caFile: resolveFrom(ctx.file, o.caFile) }),
      insecure: o.insecure ?? false,
      cluster: o.cluster,
      datacenter: o.datacenter,
      manualFencing: o.manualFencing ?? false,
      pollIntervalSeconds: o.pollIntervalSeconds ?? 2,
    },
  };
}
