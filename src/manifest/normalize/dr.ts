/** Written DisasterRecovery and Service documents into the model. */
import type {
  DisasterRecovery,
  DrGuest,
  NetworkPersonality,
  Service,
} from '../../model/desired.js';
import type {
  WrittenDisasterRecovery,
  WrittenNetworkPersonality,
  WrittenService,
} from '../written.js';
import type { NormalizeContext } from './context.js';
import { hook } from './site.js';

export const DEFAULT_SPM_TIMEOUT_SECONDS = 600;

function personality(p: WrittenNetworkPersonality): NetworkPersonality {
  return {
    ...(p.device === undefined ? {} : { device: p.device }),
    address: p.address,
    ...(p.gateway === undefined ? {} : { gateway: p.gateway }),
    dnsServers: [...(p.dnsServers ?? [])],
    dnsSearch: [...(p.dnsSearch ?? [])],
  };
}

export function normalizeDr(doc: WrittenDisasterRecovery, ctx: NormalizeContext): DisasterRecovery {
  const s = doc.spec;
  const guests = s.guests.map((g, i): DrGuest => ({
    guest: g.guest,
    network: Object.fromEntries(
      Object.entries(g.network).map(([site, p]) => [site, personality(p)]),
    ),
    at: ctx.locator.span(['spec', 'guests', i, 'guest']),
  }));
  const spm = s.ovirt?.spmHandover;
  return {
    name: doc.metadata.name,
    sites: [s.sites[0] ?? '', s.sites[1] ?? ''],
    activeSite: s.activeSite,
    guests,
    replication: (s.replication ?? []).map((r) => ({
      name: r.name,
      status: hook(r.command.status, r.timeoutSeconds, r.passEnv),
      promote: hook(r.command.promote, r.timeoutSeconds, r.passEnv),
      demote: hook(r.command.demote, r.timeoutSeconds, r.passEnv),
    })),
    ...(spm === undefined
      ? {}
      : { spmHandover: { timeoutSeconds: spm.timeoutSeconds ?? DEFAULT_SPM_TIMEOUT_SECONDS } }),
    payload: s.payload ?? 'cloud-init',
    at: ctx.locator.span(['metadata', 'name']),
  };
}

export function normalizeService(doc: WrittenService, ctx: NormalizeContext): Service {
  return {
    name: doc.metadata.name,
    tiers: doc.spec.tiers.map((tier) => [...tier]),
    at: ctx.locator.span(['metadata', 'name']),
  };
}
