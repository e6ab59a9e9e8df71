/**
 * The long-running controller behind `virtwarden watch`. Level-triggered: provider events,
 * manifest edits, fencing confirmations and a periodic resync only say *which guest to look
 * at*; each guest key is then reconciled with the same core as `apply` (observe → diff →
 * execute), one key at a time per guest, several guests at once.
 */
import type { Logger } from 'pino';
import type { Desired } from '../model/desired.js';
import type { Observed, ObservedSite } from '../model/observed.js';
import type { Action, Hold } from '../model/plan.js';
import type { Provider, ProviderEvent } from '../providers/provider.js';
import { diff } from '../reconcile/diff.js';
import { effectivePlacement } from '../reconcile/effective.js';
import { DEFAULT_EXECUTOR_OPTIONS, execute, type ExecutorOptions } from '../reconcile/executor.js';
import { DetailCache, observeWithDetails } from '../reconcile/observe.js';
import type { PlanPolicy } from '../reconcile/policy.js';
import { executionDeps } from '../reconcile/session.js';
import { guestStatuses, serviceStatuses, type GuestStatus } from '../reconcile/status.js';
import type { Journal } from '../state/journal.js';
import { dependentsOf, guestsByDomain } from './guest-keys.js';
import { HistoryBook } from './history-book.js';
import { WatchMetrics } from './metrics.js';
import { WorkQueue } from './work-queue.js';

export interface ControllerOptions {
  readonly log: Logger;
  readonly journal: Journal;
  readonly workers: number;
  readonly resyncSeconds: number;
  readonly executor?: Partial<ExecutorOptions>;
  readonly restartBackoff?: { readonly baseMs: number; readonly capMs: number };
  /** Called with each action that succeeded (the CLI records created volumes in its inventory). */
  readonly onActionDone?: (a: Action) => void;
  readonly now?: () => number;
}

export class Controller {
  desired: Desired;
  providers: ReadonlyMap<string, Provider>;
  fencedHosts: ReadonlySet<string> = new Set();
  readonly lostHosts = new Set<string>();
  readonly queue = new WorkQueue();
  readonly cache = new DetailCache();
  readonly history = new HistoryBook();
  readonly metrics = new WatchMetrics();
  private readonly options: ControllerOptions;
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly holds = new Map<string, readonly Hold[]>();
  private readonly sites = new Map<string, ObservedSite>();
  /** When the oldest not-yet-acted-on trigger of each key arrived, and what it was. */
  private readonly triggers = new Map<string, { at: number; source: string }>();
  private readonly stopping = new AbortController();
  private workers: Promise<void>[] = [];
  private resyncTimer: NodeJS.Timeout | undefined;
  private unsubscribers: (() => void)[] = [];

  constructor(
    desired: Desired,
    providers: ReadonlyMap<string, Provider>,
    options: ControllerOptions,
  ) {
    this.desired = desired;
    this.providers = providers;
    this.options = options;
    this.now = options.now ?? Date.now;
    this.log = options.log;
  }

  async start(): Promise<void> {
    await this.subscribe();
    for (let i = 0; i < this.options.workers; i++) this.workers.push(this.work());
    this.resyncTimer = setInterval(
      () => void this.resync('resync'),
      this.options.resyncSeconds * 1000,
    );
    this.resyncTimer.unref();
    await this.resync('startup');
  }

  /** Stop taking work; actions in flight finish (or are aborted safely after `graceMs`). */
  async stop(graceMs = 60_000): Promise<void> {
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    for (const u of this.unsubscribers.splice(0)) u();
    this.stopping.abort();
    this.queue.shutDown();
    const grace = new Promise<void>((r) => setTimeout(r, graceMs).unref());
    await Promise.race([Promise.all(this.workers), grace]);
    await this.options.journal.flush();
  }

  get stoppingSignal(): AbortSignal {
    return this.stopping.signal;
  }

  /** Replace the desired state (manifest edit) and the providers if the sites changed. */
  async replace(desired: Desired, providers?: ReadonlyMap<string, Provider>): Promise<void> {
    this.desired = desired;
    if (providers) {
      for (const u of this.unsubscribers.splice(0)) u();
      this.providers = providers;
      this.cache.clear();
      await this.subscribe();
    }
  }

  enqueue(key: string, source: string, at: number = this.now()): void {
    if (!this.desired.guests.has(key)) return;
    if (!this.triggers.has(key)) this.triggers.set(key, { at, source });
    this.queue.add(key);
    this.metrics.queueDepth.set(this.queue.depth);
  }

  enqueueAll(source: string, at: number = this.now()): void {
    for (const key of this.desired.guests.keys()) this.enqueue(key, source, at);
  }

  /** Look at everything once (startup, periodic, after fencing): enqueue guests that need work. */
  async resync(source: string): Promise<void> {
    try {
      const at = this.now();
      const observed = await observeWithDetails(this.desired, this.providers, this.cache);
      this.remember(observed);
      const plan = diff(this.desired, observed, this.policy(undefined));
      const keys = new Set([
        ...plan.actions.map((a) => a.guest),
        ...plan.holds.map((h) => h.guest),
      ]);
      for (const g of this.desired.guests.keys())
        this.holds.set(
          g,
          plan.holds.filter((h) => h.guest === g),
        );
      for (const k of keys) this.enqueue(k, source, at);
    } catch (err) {
      this.log.error({ err }, 'resync failed');
    }
  }

  status(): { guests: GuestStatus[]; services: ReturnType<typeof serviceStatuses> } {
    const observed: Observed = { sites: new Map(this.sites) };
    const holds = [...this.holds.values()].flat();
    const guests = guestStatuses(this.desired, observed, { actions: [], holds, diagnostics: [] });
    return { guests, services: serviceStatuses(this.desired, guests) };
  }

  private policy(target: string | undefined): PlanPolicy {
    return {
      allowRestart: false,
      allowDataLoss: false,
      fencedHosts: this.fencedHosts,
      history: this.history.all(),
      now: this.now(),
      ...(this.options.restartBackoff ? { restartBackoff: this.options.restartBackoff } : {}),
      ...(target !== undefined ? { targets: new Set([target]) } : {}),
    };
  }

  private remember(observed: Observed): void {
    for (const [name, site] of observed.sites) this.sites.set(name, site);
    for (const site of observed.sites.values()) {
      for (const h of site.hosts.values())
        this.metrics.hostUp.set({ site: site.name, host: h.name }, h.status === 'up' ? 1 : 0);
    }
    const seen = new Set<string>();
    for (const site of observed.sites.values())
      for (const h of site.hosts.values()) if (h.status === 'up') seen.add(h.name);
    for (const guest of this.desired.guests.values()) {
      const instances = [...observed.sites.values()]
        .flatMap((s) => s.guests)
        .filter((g) => g.domainName === guest.domainName);
      this.history.observed(guest.name, instances, seen);
    }
    this.metrics.setGuestStates(this.status().guests.map((g) => g.state));
  }

  private async subscribe(): Promise<void> {
    for (const p of this.providers.values()) {
      if (!p.subscribe) continue;
      this.unsubscribers.push(
        await p.subscribe((e) => {
          this.onEvent(e);
        }),
      );
    }
  }

  /** Events only say which guests to look at (and invalidate cached details). */
  onEvent(e: ProviderEvent): void {
    this.log.debug({ event: e }, 'event');
    if (e.domainName !== undefined) {
      this.cache.invalidate(e.site, e.host, e.domainName);
      for (const g of guestsByDomain(this.desired, e.domainName))
        this.enqueue(g, 'event', e.receivedAt);
    }
    if (e.hostLost === true || e.hostBack === true) {
      if (e.host !== undefined) this.cache.invalidate(e.site, e.host);
      this.hostChanged?.(e);
    }
  }

  /** Set by the host-loss handler (fencing); kept separate so the loop stays small. */
  hostChanged?: (e: ProviderEvent) => void;

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      this.metrics.queueDepth.set(this.queue.depth);
      if (key === undefined) return;
      try {
        await this.reconcile(key);
      } catch (err) {
        this.log.error({ err, guest: key }, 'reconcile failed');
        this.queue.addRateLimited(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  private providersFor(key: string): ReadonlyMap<string, Provider> {
    const guest = this.desired.guests.get(key);
    if (!guest) return new Map();
    const sites = effectivePlacement(this.desired, guest).sites;
    return new Map([...this.providers].filter(([s]) => sites.includes(s)));
  }

  private async reconcile(key: string): Promise<void> {
    const end = this.metrics.reconcileDuration.startTimer();
    const providers = this.providersFor(key);
    const observed = await observeWithDetails(this.desired, providers, this.cache);
    this.remember(observed);
    const policy = this.policy(key);
    const plan = diff(this.desired, observed, policy);
    this.holds.set(key, plan.holds);
    for (const h of plan.holds) {
      this.history.held(h, this.now());
      if (h.retryAfterMs !== undefined) this.queue.addAfter(key, h.retryAfterMs);
    }
    const trigger = this.triggers.get(key);
    this.triggers.delete(key);
    if (plan.actions.length === 0) {
      end();
      return;
    }
    if (trigger) {
      this.metrics.eventToAction.observe(
        { source: trigger.source },
        (this.now() - trigger.at) / 1000,
      );
    }
    this.log.info(
      {
        guest: key,
        actions: plan.actions.map((a) => a.id),
        trigger: trigger?.source,
        ...(trigger ? { sinceTriggerMs: this.now() - trigger.at } : {}),
      },
      'acting',
    );
    const journal = this.options.journal;
    const report = await execute(
      plan.actions,
      executionDeps(this.desired, providers, policy),
      {
        started: (a) => {
          journal.started(a);
        },
        finished: (a, r) => {
          journal.finished(a, r);
          this.metrics.actions.inc({ kind: a.kind, outcome: r.status });
          if (r.status === 'done') {
            this.history.actionDone(a, this.now());
            this.options.onActionDone?.(a);
          }
          if (r.status === 'failed')
            this.history.actionFailed(a, r.error?.code ?? 'unexpected', r.message, this.now());
          const level = r.status === 'done' || r.status === 'skipped' ? 'info' : 'warn';
          this.log[level](
            {
              guest: a.guest,
              action: a.id,
              status: r.status,
              ms: r.durationMs,
              message: r.message,
            },
            `${a.kind} ${r.status}`,
          );
        },
      },
      { ...DEFAULT_EXECUTOR_OPTIONS, ...this.options.executor, signal: this.stopping.signal },
    );
    end();
    const ok = report.results.every((r) => r.status === 'done' || r.status === 'skipped');
    if (ok) {
      this.queue.forget(key);
      this.queue.add(key);
    } else if (!report.cancelled) {
      this.queue.addRateLimited(key);
    }
    for (const d of dependentsOf(this.desired, key)) this.enqueue(d, 'dependency');
  }
}
