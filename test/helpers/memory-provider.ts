/**
 * An in-memory libvirt-like site for controller tests (no I/O, instant actions). It follows the
 * provider contract: bulk observe, unreachable hosts reported as such, actions that refuse what
 * libvirt would refuse (starting a running domain, acting on an unknown host), and events.
 * Limits: no definitions' contents, no storage, no timing. The integration tests use real
 * libvirtd hosts for everything this does not model.
 */
import { guestDefinition } from '../../src/common/guest-definition.js';
import { guestUuid } from '../../src/common/guest-identity.js';
import { TerminalError, TransientError } from '../../src/common/errors.js';
import type { Desired } from '../../src/model/desired.js';
import type { GuestDetail, ObservedGuest, ObservedSite } from '../../src/model/observed.js';
import type { Action } from '../../src/model/plan.js';
import type {
  ActionContext,
  ActionOutcome,
  Check,
  DetailRequest,
  Provider,
  ProviderEvent,
} from '../../src/providers/provider.js';
import { detailKey } from '../../src/providers/provider.js';
import { mapDomainState } from '../../src/providers/libvirt/state-map.js';

interface Dom {
  name: string;
  uuid: string;
  state: string;
  reason: string;
  persistent: boolean;
  autostart: boolean;
  owner?: { guest: string; definitionHash?: string; baseHash?: string };
  runId: number;
}

export class MemoryProvider implements Provider {
  readonly kind = 'libvirt' as const;
  readonly site: string;
  readonly hosts = new Map<string, { up: boolean; domains: Map<string, Dom> }>();
  readonly calls: string[] = [];
  private listeners: ((e: ProviderEvent) => void)[] = [];
  private nextId = 1;
  /** Make the next N starts of a domain crash immediately. */
  readonly crashOnStart = new Map<string, number>();
  /** Fail every run of an action (by id) with this error, as a real provider would throw it. */
  readonly failActions = new Map<string, Error>();

  constructor(site: string, hosts: readonly string[]) {
    this.site = site;
    for (const h of hosts) this.hosts.set(h, { up: true, domains: new Map() });
  }

  private host(name: string | undefined) {
    const h = name === undefined ? undefined : this.hosts.get(name);
    if (!h) throw new TerminalError('unknown-host', `no host ${name ?? '?'}`);
    if (!h.up) throw new TransientError('unreachable', `${name ?? '?'} unreachable`);
    return h;
  }

  observe(): Promise<ObservedSite> {
    const guests: ObservedGuest[] = [];
    for (const [hostName, h] of this.hosts) {
      if (!h.up) continue;
      for (const d of h.domains.values()) {
        const m = mapDomainState(d.state, d.reason, false);
        guests.push({
          domainName: d.name,
          uuid: d.uuid,
          host: hostName,
          state: m.state,
          confidence: m.confidence,
          detail: `${d.state} (${d.reason})`,
          active: m.active,
          persistent: d.persistent,
          autostart: d.autostart,
          managedSave: false,
          ...(m.active ? { runId: d.runId } : {}),
        });
      }
    }
    return Promise.resolve({
      name: this.site,
      kind: 'libvirt',
      reachable: [...this.hosts.values()].some((h) => h.up),
      hosts: new Map(
        [...this.hosts].map(([n, h]) => [
          n,
          { name: n, site: this.site, status: h.up ? 'up' : 'unreachable' },
        ]),
      ),
      guests,
    });
  }

  details(requests: readonly DetailRequest[]): Promise<ReadonlyMap<string, GuestDetail>> {
    const out = new Map<string, GuestDetail>();
    for (const r of requests) {
      const d = this.hosts.get(r.host ?? '')?.domains.get(r.domainName);
      if (d?.owner)
        out.set(detailKey(r), {
          owner: d.owner,
          ...(d.owner.baseHash ? { liveBaseHash: d.owner.baseHash } : {}),
        });
      else out.set(detailKey(r), {});
    }
    return Promise.resolve(out);
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async: failures become rejections
  async apply(a: Action, ctx: ActionContext): Promise<ActionOutcome> {
    this.calls.push(a.id);
    const failure = this.failActions.get(a.id);
    if (failure) throw failure;
    const g = ctx.guest;
    const h = this.host(a.host);
    const dom = h.domains.get(g.domainName);
    switch (a.kind) {
      case 'define': {
        const def = guestDefinition(ctx.desired, g);
        h.domains.set(g.domainName, {
          name: g.domainName,
          uuid: guestUuid(g),
          state: dom?.state ?? 'shutoff',
          reason: dom?.reason ?? 'unknown',
          persistent: true,
          autostart: false,
          owner: {
            guest: g.name,
            ...(def ? { definitionHash: def.hash, baseHash: def.baseHash } : {}),
          },
          runId: dom?.runId ?? -1,
        });
        return { message: 'defined' };
      }
      case 'start': {
        if (!dom) throw new TerminalError('no-domain', 'not defined');
        if (dom.state === 'running') throw new TerminalError('running', 'already running');
        const crashes = this.crashOnStart.get(g.domainName) ?? 0;
        dom.runId = this.nextId++;
        if (crashes > 0) {
          this.crashOnStart.set(g.domainName, crashes - 1);
          dom.state = 'running';
          dom.reason = 'booted';
          setTimeout(() => {
            this.crash(a.host ?? '', g.domainName);
          }, 5);
        } else {
          dom.state = 'running';
          dom.reason = 'booted';
        }
        return { message: 'started' };
      }
      case 'stop':
        if (dom) {
          dom.state = 'shutoff';
          dom.reason = a.force === true ? 'destroyed' : 'shutdown';
        }
        return { message: 'stopped' };
      case 'undefine':
        h.domains.delete(g.domainName);
        return { message: 'undefined' };
      case 'disable-autostart':
        if (dom) dom.autostart = false;
        return { message: 'ok' };
      default:
        throw new TerminalError('unsupported', a.kind);
    }
  }

  /** The guest's process dies (kill -9): shut off (crashed), with a lifecycle event. */
  crash(host: string, domain: string): void {
    const d = this.hosts.get(host)?.domains.get(domain);
    if (!d) return;
    d.state = 'shutoff';
    d.reason = 'crashed';
    this.emit({
      site: this.site,
      host,
      domainName: domain,
      what: 'lifecycle stopped/crashed',
      receivedAt: Date.now(),
    });
  }

  loseHost(host: string): void {
    const h = this.hosts.get(host);
    if (!h) return;
    h.up = false;
    this.emit({
      site: this.site,
      host,
      what: 'connection closed (eof)',
      hostLost: true,
      receivedAt: Date.now(),
    });
  }

  emit(e: ProviderEvent): void {
    for (const l of this.listeners) l(e);
  }

  verify(_desired: Desired): Promise<readonly Check[]> {
    return Promise.resolve(
      [...this.hosts].map(([name, h]) => ({
        name: `host ${name} reachable`,
        ok: h.up,
        severity: 'error' as const,
        message: h.up ? 'in memory' : 'lost',
      })),
    );
  }

  subscribe(listener: (e: ProviderEvent) => void): Promise<() => void> {
    this.listeners.push(listener);
    return Promise.resolve(() => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  runningOn(domain: string): string[] {
    return [...this.hosts]
      .filter(([, h]) => h.up && h.domains.get(domain)?.state === 'running')
      .map(([n]) => n);
  }
}
