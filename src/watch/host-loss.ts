/**
 * Host loss in `watch`. A dropped connection is not a lost host: the provider reports it
 * unreachable at once (its guests are then UNKNOWN and held, never started elsewhere) and lost
 * only once it stayed unreachable past its site's `hostLossGraceSeconds`. A lost host is fenced
 * before its guests start elsewhere: its fence command must succeed (and its status report it
 * off); a failed fence is retried with jittered backoff until it succeeds, the host answers
 * again, or an operator confirms (`virtwarden fence confirm`). A host that answers a fresh
 * connection is never fenced. A fencing record is valid only for the loss it answered: any
 * observation of the host up ends it.
 */
import type { Logger } from 'pino';
import { errorMessage } from '../common/errors.js';
import type { Desired, LibvirtHost } from '../model/desired.js';
import type { ObservedSite } from '../model/observed.js';
import type { ProviderEvent } from '../providers/provider.js';
import { afterFenceAttempt, beforeFenceAttempt, FENCE_RETRY } from '../reconcile/fencing-policy.js';
import type { FenceRecord } from '../state/controller-state.js';
import type { Controller } from './controller.js';
import { fenceHost, type FenceOutcome } from './fencer.js';
import { guestsOfHost } from '../reconcile/guest-keys.js';

/** What host loss needs from the durable state (a subset of `ControllerState`). */
export interface FencingStore {
  fencing(): Promise<ReadonlyMap<string, FenceRecord>>;
  recordFenced(record: FenceRecord): Promise<void>;
  clearFenced(host: string): Promise<boolean>;
}

export interface HostLossOptions {
  readonly store: FencingStore;
  readonly log: Logger;
  /** Fence retries: first wait and cap (full jitter). */
  readonly retry?: { readonly baseMs: number; readonly capMs: number };
  /** Journal a fence attempt (the shell wires the journal). */
  readonly onFenceAttempt?: (host: string, attempt: number, outcome: FenceOutcome) => void;
  readonly fence?: (host: LibvirtHost, signal: AbortSignal) => Promise<FenceOutcome>;
  readonly random?: () => number;
}

function findHost(desired: Desired, name: string): LibvirtHost | undefined {
  for (const site of desired.sites.values()) {
    if (site.provider.kind !== 'libvirt') continue;
    const h = site.provider.hosts.find((x) => x.name === name);
    if (h) return h;
  }
  return undefined;
}

export class HostLoss {
  private readonly controller: Controller;
  private readonly options: HostLossOptions;
  /** Hosts being fenced: the attempt loop's cancel switch. */
  private readonly fencing = new Map<string, AbortController>();
  private readonly records = new Map<string, FenceRecord>();

  constructor(controller: Controller, options: HostLossOptions) {
    this.controller = controller;
    this.options = options;
    controller.hostChanged = (e) => {
      this.onHostEvent(e);
    };
  }

  /** Read the fencing records (at start, and when another process changed them). */
  async reload(): Promise<void> {
    const records = await this.options.store.fencing();
    this.records.clear();
    for (const [h, r] of records) this.records.set(h, r);
    const before = this.controller.fencedHosts;
    this.controller.fencedHosts = new Set(records.keys());
    for (const h of records.keys()) {
      if (!before.has(h)) {
        this.stopFencing(h);
        this.touch(h, 'fence-confirm');
      }
    }
  }

  /** Any observation of a fenced host up ends its record (it answered the loss it was for). */
  observed(site: ObservedSite, startedAt: number): void {
    for (const host of site.hosts.values()) {
      const record = this.records.get(host.name);
      if (host.status !== 'up' || record === undefined) continue;
      if (Date.parse(record.confirmedAt) >= startedAt) continue; // confirmed after we looked
      this.clearRecord(host.name, 'seen up');
    }
  }

  stop(): void {
    for (const c of this.fencing.values()) c.abort();
    this.fencing.clear();
  }

  private touch(host: string, source: string, at?: number): void {
    const c = this.controller;
    for (const g of guestsOfHost(c.desired, host, c.history.all())) c.enqueue(g, source, at);
  }

  private onHostEvent(e: ProviderEvent): void {
    const name = e.host;
    if (name === undefined) return;
    const { log } = this.options;
    if (e.hostUnreachable === true) {
      log.warn({ host: name, why: e.what }, `host ${name} unreachable: its guests are held`);
      this.touch(name, 'host-unreachable', e.receivedAt);
    } else if (e.hostLost === true) {
      if (!this.controller.lostHosts.has(name))
        log.warn({ host: name, why: e.what }, `host ${name} lost`);
      this.controller.lostHosts.add(name);
      this.touch(name, 'host-loss', e.receivedAt);
      this.startFencing(name, e.site);
    } else if (e.hostBack === true) {
      this.controller.lostHosts.delete(name);
      this.stopFencing(name);
      log.info({ host: name }, `host ${name} is back`);
      if (this.records.has(name)) this.clearRecord(name, 'back');
      this.touch(name, 'host-back');
    }
  }

  private startFencing(name: string, site: string): void {
    if (this.fencing.has(name) || this.controller.fencedHosts.has(name)) return;
    const host = findHost(this.controller.desired, name);
    if (!host) return;
    const cancel = new AbortController();
    this.fencing.set(name, cancel);
    this.fenceLoop(host, site, cancel.signal)
      .catch((err: unknown) => {
        this.options.log.error({ host: name, err: errorMessage(err) }, `fencing ${name} failed`);
      })
      .finally(() => {
        if (this.fencing.get(name)?.signal === cancel.signal) this.fencing.delete(name);
      });
  }

  private stopFencing(name: string): void {
    this.fencing.get(name)?.abort();
    this.fencing.delete(name);
  }

  private async fenceLoop(host: LibvirtHost, site: string, signal: AbortSignal): Promise<void> {
    const { log } = this.options;
    const retry = this.options.retry ?? FENCE_RETRY;
    const fence = this.options.fence ?? ((h: LibvirtHost, s: AbortSignal) => fenceHost(h, s));
    const stopping = this.controller.stoppingSignal;
    // A function, not a property read: the awaits below may flip it.
    const cancelled = (): boolean => signal.aborted || stopping.aborted;
    for (let attempt = 1; !cancelled(); attempt++) {
      // Never fence a host that answers a fresh connection: it was a blip, not a loss.
      const provider = this.controller.providers.get(site);
      const answers = provider?.probeHost !== undefined && (await provider.probeHost(host.name));
      if (beforeFenceAttempt(answers).kind === 'not-lost') {
        log.warn({ host: host.name }, `${host.name} answers again: not fenced`);
        return;
      }
      if (cancelled()) return;
      const outcome = await fence(host, signal);
      this.options.onFenceAttempt?.(host.name, attempt, outcome);
      const next = afterFenceAttempt(
        host.fence !== undefined,
        outcome.fenced,
        attempt,
        this.options.random ?? Math.random,
        retry,
      );
      if (next.kind === 'fenced') {
        if (cancelled()) return;
        await this.options.store.recordFenced({
          host: host.name,
          by: 'fence-command',
          confirmedAt: new Date().toISOString(),
          note: outcome.message,
        });
        await this.reload();
        log.warn(
          { host: host.name, attempt },
          `${outcome.message}: its guests may now start elsewhere`,
        );
        this.touch(host.name, 'host-loss');
        return;
      }
      if (next.kind === 'wait-for-operator') {
        log.warn({ host: host.name }, outcome.message);
        return; // only an operator can confirm
      }
      const delay = next.delayMs;
      log.warn(
        { host: host.name, attempt, retryInMs: delay },
        `${outcome.message}; trying again in ${Math.round(delay / 1000)} s`,
      );
      await sleep(delay, signal);
    }
  }

  private clearRecord(host: string, why: string): void {
    this.records.delete(host);
    this.controller.fencedHosts = new Set(
      [...this.controller.fencedHosts].filter((h) => h !== host),
    );
    this.options.store
      .clearFenced(host)
      .then((removed) => {
        if (removed)
          this.options.log.info({ host, why }, `fencing record of ${host} ended: ${why}`);
      })
      .catch((err: unknown) => {
        this.options.log.error(
          { host, err: errorMessage(err) },
          `cannot clear the fencing record of ${host}`,
        );
      });
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}
