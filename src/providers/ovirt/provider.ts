/**
 * The oVirt / RHV provider: one engine per site, which places VMs on its hosts itself. A
 * constant number of requests per observation pass, whatever the number of VMs.
 */
import type { Desired, OvirtSite } from '../../model/desired.js';
import type { GuestDetail, ObservedHost, ObservedSite } from '../../model/observed.js';
import type { Action } from '../../model/plan.js';
import { TerminalError } from '../../common/errors.js';
import type {
  ActionContext,
  ActionOutcome,
  Check,
  DetailRequest,
  Provider,
  ProviderEvent,
  ProviderOptions,
} from '../provider.js';
import { migrateVm, startVm, stopVm, type EngineContext } from './actions.js';
import {
  activateHost,
  deactivateHost,
  fenceHost,
  forceSelectSpm,
  type FenceType,
} from './host-actions.js';
import { OvirtClient } from './client.js';
import { startEventPoller } from './events.js';
import { observeEngine, type EngineView } from './observe.js';
import { resolveSecret } from './secrets.js';
import { verifyEngine } from './verify.js';

export class OvirtProvider implements Provider {
  readonly kind = 'ovirt' as const;
  readonly site: string;
  readonly client: OvirtClient;
  private readonly spec: OvirtSite;
  private view: EngineView | undefined;
  private readonly engine: EngineContext;

  constructor(site: string, spec: OvirtSite, options: ProviderOptions, pollMs = 500) {
    this.site = site;
    this.spec = spec;
    const password = resolveSecret(spec.passwordFrom, options.env, `site ${site} engine password`);
    this.client = new OvirtClient(spec, { password });
    if (spec.insecure) {
      process.emitWarning(
        `site ${site}: TLS verification of ${spec.url} is OFF (insecure: true) — never do this in production`,
      );
    }
    const lookup = async (kind: 'vm' | 'host', name: string): Promise<string> => {
      const find = (): string | undefined =>
        (kind === 'vm' ? this.view?.vmIds : this.view?.hostIds)?.get(name);
      if (find() === undefined) await this.observe();
      const id = find();
      if (id === undefined)
        throw new TerminalError(
          'not-found',
          `${kind === 'vm' ? 'VM' : 'host'} '${name}' not found at site ${site}`,
        );
      return id;
    };
    this.engine = {
      client: this.client,
      vmId: (n) => lookup('vm', n),
      hostId: (n) => lookup('host', n),
      hostName: (id) => [...(this.view?.hostIds ?? [])].find(([, v]) => v === id)?.[0],
      pollMs,
    };
  }

  async observe(): Promise<ObservedSite> {
    this.view = await observeEngine(this.client, this.site, this.spec);
    return this.view.site;
  }

  details(_requests: readonly DetailRequest[]): Promise<ReadonlyMap<string, GuestDetail>> {
    return Promise.resolve(new Map());
  }

  async apply(action: Action, ctx: ActionContext): Promise<ActionOutcome> {
    switch (action.kind) {
      case 'start':
        return startVm(this.engine, action, ctx.guest, ctx);
      case 'stop':
        return stopVm(this.engine, action, ctx.guest, ctx);
      case 'migrate':
        return migrateVm(this.engine, action, ctx.guest, ctx);
      default:
        throw new TerminalError(
          'unsupported',
          `${action.kind} is not something an oVirt site does (the engine owns VM definitions and storage)`,
        );
    }
  }

  verify(desired: Desired): Promise<readonly Check[]> {
    return verifyEngine(this.client, this.site, this.spec, desired);
  }

  subscribe(listener: (event: ProviderEvent) => void): Promise<() => void> {
    const names = () => {
      const vmIds = this.view?.vmIds ?? new Map<string, string>();
      const hostIds = this.view?.hostIds ?? new Map<string, string>();
      const byId = (m: ReadonlyMap<string, string>) => (id: string) =>
        [...m].find(([, v]) => v === id)?.[0];
      return { vm: byId(vmIds), host: byId(hostIds) };
    };
    return Promise.resolve(
      startEventPoller(
        this.client,
        this.site,
        names,
        this.spec.pollIntervalSeconds * 1000,
        listener,
      ),
    );
  }

  /** Host operations (fencing, maintenance, SPM hand-over), by host name. */
  async hostOperation(
    host: string,
    op:
      | { readonly kind: 'activate' }
      | { readonly kind: 'deactivate'; readonly reason: string }
      | { readonly kind: 'fence'; readonly type: FenceType }
      | { readonly kind: 'force-select-spm' },
  ): Promise<string> {
    const id = await this.engine.hostId(host);
    switch (op.kind) {
      case 'activate':
        await activateHost(this.client, id, this.engine.pollMs);
        return 'up';
      case 'deactivate':
        await deactivateHost(this.client, id, op.reason, this.engine.pollMs);
        return 'maintenance';
      case 'fence':
        return fenceHost(this.client, id, op.type);
      case 'force-select-spm':
        await forceSelectSpm(this.client, id, this.engine.pollMs);
        return 'spm';
    }
  }

  /** `virtwarden fence confirm HOST` for an engine host: the engine fences it manually. */
  async fenceManually(host: string): Promise<ObservedHost | undefined> {
    const seen = (await this.observe()).hosts.get(host);
    if (!seen || seen.status === 'up') return seen;
    await this.hostOperation(host, { kind: 'fence', type: 'manual' });
    return seen;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
