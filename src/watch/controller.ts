/**
 * The long-running controller behind `virtwarden watch`. Level-triggered: provider events,
 * manifest edits, fencing confirmations and a periodic resync only say *which guest to look
 * at*; each guest key is reconciled by `reconcileKey` (observe → diff → execute, one snapshot
 * of the manifests per reconcile), one run per key at a time, several keys at once. The worker
 * decides what happens next in one switch on the outcome (see `outcome.ts`).
 */
import type { Logger } from 'pino';
import {
  classify,
  errorCode,
  errorMessage,
  TransientError,
  WaitingError,
} from '../common/errors.js';
import { guestSpecHash } from '../common/guest-spec-hash.js';
import type { Desired } from '../model/desired.js';
import type { Hold } from '../model/plan.js';
import type { Provider, ProviderEvent } from '../providers/provider.js';
import { diff } from '../reconcile/diff.js';
import type { ExecutorOptions } from '../reconcile/executor.js';
import type { PlanPolicy } from '../reconcile/policy.js';
import {
  guestStatuses,
  serviceStatuses,
  hostStatuses,
  type ControlFacts,
  type ReconcileAttempt,
  type GuestStatus,
  type HostStatus,
} from '../reconcile/status.js';
import type { Journal } from '../state/journal.js';
import { guestsByDomain } from '../reconcile/guest-keys.js';
import { HistoryBook } from './history-book.js';
import { reconcileKey, type KeyDeps } from './reconcile-key.js';
import { WatchMetrics } from './metrics.js';
import { WAITING_RETRY_MS, type ReconcileResult } from './outcome.js';
import { SiteObserver } from './site-observer.js';
import { WorkQueue } from './work-queue.js';
import type { GuestHistory } from '../model/history.js';
import type { ObservedGuest } from '../model/observed.js';
import { secrets } from '../common/redact.js';

export interface ControllerOptions {
  readonly log: Logger;
  readonly journal: Journal;
  readonly workers: number;
  readonly resyncSeconds: number;
  readonly executor?: Partial<ExecutorOptions>;
  readonly restartBackoff?: { readonly baseMs: number; readonly capMs: number };
  /** Histories from the durable state, and where to keep changes. */
  readonly histories?: ReadonlyMap<string, GuestHistory>;
  readonly saveHistory?: (guest: string, h: GuestHistory | undefined) => void;
  /** Called with each action that succeeded (the CLI records created volumes in its inventory). */
  readonly onActionDone?: KeyDeps['onActionDone'];
  readonly now?: () => number;
}

/** Reconciles in a row that each had to act before the key backs off (a flapping world). */
const MAX_ACTING_IN_A_ROW = 5;

export class Controller {
  private desiredNow: Desired;
  private providersNow: ReadonlyMap<string, Provider>;
  fencedHosts: ReadonlySet<string> = new Set();
  drainedHosts: ReadonlySet<string> = new Set();
  hostUpSince: ReadonlyMap<string, number> = new Map();
  ownedVolumes: ReadonlyMap<string, string> = new Map();
  readonly lostHosts = new Set<string>();
  readonly queue = new WorkQueue();
  readonly history: HistoryBook;
  readonly metrics = new WatchMetrics();
  readonly observer: SiteObserver;
  private readonly options: ControllerOptions;
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly holds = new Map<string, readonly Hold[]>();
  private readonly facts = new Map<string, ControlFacts>();
  /** Each key's last reconcile: when, and from which version of its manifest. */
  private readonly attempts = new Map<string, ReconcileAttempt>();
  private readonly actingInARow = new Map<string, number>();
  /** When each key's last actions ended: its next run observes after that. */
  private readonly actedAt = new Map<string, number>();
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
    this.desiredNow = desired;
    this.providersNow = providers;
    this.options = options;
    this.now = options.now ?? Date.now;
    this.log = options.log;
    this.history = new HistoryBook(options.histories, options.saveHistory);
    this.observer = new SiteObserver({
      desired: () => this.desiredNow,
      providers: () => this.providersNow,
      ownedVolumes: () => this.ownedVolumes,
      now: this.now,
    });
  }

  get desired(): Desired {
    return this.desiredNow;
  }

  get providers(): ReadonlyMap<string, Provider> {
    return this.providersNow;
  }

  async start(): Promise<void> {
    this.metrics.watchEventLoop();
    await this.subscribe();
    for (let i = 0; i < this.options.workers; i++) this.workers.push(this.work());
    this.resyncTimer = setInterval(() => {
      this.resync('resync').catch((err: unknown) => {
        this.log.error({ err }, 'resync failed');
      });
    }, this.options.resyncSeconds * 1000);
    this.resyncTimer.unref();
    await this.resync('startup');
  }

  /** Stop taking work; actions in flight finish (or are left after `graceMs`). */
  async stop(graceMs = 60_000): Promise<void> {
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    for (const u of this.unsubscribers.splice(0)) u();
    this.stopping.abort();
    this.queue.shutDown();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((r) => {
      timer = setTimeout(r, graceMs);
      timer.unref();
    });
    await Promise.race([Promise.all(this.workers), grace]);
    clearTimeout(timer);
    this.metrics.stopWatchingEventLoop();
    await this.options.journal.flush();
  }

  get stoppingSignal(): AbortSignal {
    return this.stopping.signal;
  }

  /**
   * Swap in new manifests (and new providers, already opened, when the sites changed). Keys
   * already reconciling finish with the snapshot they started with.
   */
  async replace(desired: Desired, providers?: ReadonlyMap<string, Provider>): Promise<void> {
    this.desiredNow = desired;
    for (const key of [...this.holds.keys()]) if (!desired.guests.has(key)) this.forgetKey(key);
    if (providers) {
      for (const u of this.unsubscribers.splice(0)) u();
      this.providersNow = providers;
      this.observer.reset();
      await this.subscribe();
    }
  }

  /** The guest's inputs changed (manifest edit, `virtwarden clear`): a Stalled key is re-armed. */
  inputsChanged(key: string): void {
    const f = this.facts.get(key);
    if (f?.terminal !== undefined) this.facts.delete(key);
    this.queue.forget(key);
    this.actingInARow.delete(key);
  }

  enqueue(key: string, source: string, at: number = this.now()): void {
    if (!this.desiredNow.guests.has(key)) return;
    // A Stalled key waits for its inputs to change; a resync does not wake it.
    if (source === 'resync' && this.facts.get(key)?.terminal !== undefined) return;
    const t = this.triggers.get(key);
    if (!t || at < t.at) this.triggers.set(key, { at, source });
    this.queue.add(key);
    this.metrics.queueDepth.set(this.queue.depth);
  }

  enqueueAll(source: string, at: number = this.now()): void {
    for (const key of this.desiredNow.guests.keys()) this.enqueue(key, source, at);
  }

  /** Look at everything once (startup, periodic, after fencing): enqueue guests that need work. */
  async resync(source: string): Promise<void> {
    const at = this.now();
    const desired = this.desiredNow;
    const observed = await this.observer.observe([...this.providersNow.keys()], at);
    this.learnAll(desired, observed);
    const plan = diff(desired, observed, this.policy(undefined));
    const byGuest = new Map<string, Hold[]>();
    for (const h of plan.holds) byGuest.set(h.guest, [...(byGuest.get(h.guest) ?? []), h]);
    for (const g of desired.guests.keys()) this.holds.set(g, byGuest.get(g) ?? []);
    const keys = new Set([...plan.actions.map((a) => a.guest), ...byGuest.keys()]);
    for (const k of keys) this.enqueue(k, source, at);
  }

  status(): {
    guests: GuestStatus[];
    services: ReturnType<typeof serviceStatuses>;
    hosts: HostStatus[];
  } {
    const desired = this.desiredNow;
    const holds = [...this.holds.values()].flat();
    const observed = this.observer.snapshot();
    const guests = guestStatuses(
      desired,
      observed,
      { actions: [], holds, diagnostics: [] },
      { histories: this.history.all(), facts: this.facts, attempts: this.attempts },
    );
    const drains = new Map(
      [...this.drainedHosts].map((h) => [h, { by: 'virtwarden drain', since: '' }]),
    );
    // Served on /status: reasons and conditions carry text from anywhere (an engine's reply).
    return secrets.redactValue({
      guests,
      services: serviceStatuses(desired, guests),
      hosts: hostStatuses(desired, observed, { drains, fenced: this.fencedHosts }),
    });
  }

  /** The policy for a plan of `target` (or of everything). */
  policy(target: string | undefined): PlanPolicy {
    return {
      allowRestart: false,
      allowDataLoss: false,
      fencedHosts: this.fencedHosts,
      drainedHosts: this.drainedHosts,
      hostUpSince: this.hostUpSince,
      ownedVolumes: this.ownedVolumes,
      history: this.history.all(),
      now: this.now(),
      ...(this.options.restartBackoff ? { restartBackoff: this.options.restartBackoff } : {}),
      ...(target !== undefined ? { targets: new Set([target]) } : {}),
    };
  }

  private learnAll(desired: Desired, observed: ReturnType<SiteObserver['snapshot']>): void {
    const seen = new Set<string>();
    for (const site of observed.sites.values()) {
      for (const h of site.hosts.values()) {
        this.metrics.hostUp.set({ site: site.name, host: h.name }, h.status === 'up' ? 1 : 0);
        if (h.status === 'up') seen.add(h.name);
      }
    }
    const byDomain = new Map<string, ObservedGuest[]>();
    for (const site of observed.sites.values()) {
      for (const g of site.guests)
        byDomain.set(g.domainName, [...(byDomain.get(g.domainName) ?? []), g]);
    }
    for (const guest of desired.guests.values())
      this.history.observed(guest.name, byDomain.get(guest.domainName) ?? [], seen);
  }

  private async subscribe(): Promise<void> {
    for (const p of this.providersNow.values()) {
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
      this.observer.cache.invalidate(e.site, e.host, e.domainName);
      for (const g of guestsByDomain(this.desiredNow, e.domainName))
        this.enqueue(g, 'event', e.receivedAt);
    }
    if (
      e.host !== undefined &&
      (e.hostLost === true || e.hostBack === true || e.hostUnreachable === true)
    ) {
      this.observer.cache.invalidate(e.site, e.host);
      if (e.hostUnreachable === true || e.hostLost === true) {
        this.observer.hostUnreachable(e.site, e.host, e.what);
        this.metrics.hostUp.set({ site: e.site, host: e.host }, 0);
      }
      this.hostChanged?.(e);
    }
  }

  /** Set by the host-loss handler (fencing); kept separate so the loop stays small. */
  hostChanged?: (e: ProviderEvent) => void;

  /** The one place that decides what happens to a key after a reconcile. */
  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      this.metrics.queueDepth.set(this.queue.depth);
      if (key === undefined) return;
      const end = this.metrics.reconcileDuration.startTimer();
      try {
        const result = await this.runKey(key);
        this.queue.forget(key);
        if (result.requeueAfterMs !== undefined) this.queue.addAfter(key, result.requeueAfterMs);
      } catch (err) {
        this.onFailure(key, err);
      } finally {
        end();
        this.queue.done(key);
      }
    }
  }

  private onFailure(key: string, err: unknown): void {
    const message = errorMessage(err);
    switch (classify(err)) {
      case 'terminal':
        this.facts.set(key, { terminal: { code: errorCode(err), message } });
        this.queue.forget(key);
        this.log.error(
          { guest: key, code: errorCode(err), err: message },
          `${key} is stalled: ${message} (not retried until its manifest changes or \`virtwarden clear ${key}\`)`,
        );
        return;
      case 'waiting': {
        const wait =
          err instanceof WaitingError ? (err.retryAfterMs ?? WAITING_RETRY_MS) : WAITING_RETRY_MS;
        this.facts.set(key, { failed: { message } });
        this.queue.addAfter(key, wait);
        return;
      }
      case 'transient': {
        this.facts.set(key, { failed: { message } });
        const delay = this.queue.addRateLimited(key);
        this.log.warn({ guest: key, err: message, retryInMs: delay }, `reconcile of ${key} failed`);
        return;
      }
    }
  }

  private async runKey(key: string): Promise<ReconcileResult> {
    const t = this.triggers.get(key);
    this.triggers.delete(key);
    const acted = this.actedAt.get(key) ?? 0;
    const trigger = { at: t?.at ?? this.now(), source: t?.source ?? 'requeue', notBefore: 0 };
    trigger.notBefore = Math.max(trigger.at, acted);
    const guest = this.desiredNow.guests.get(key);
    if (guest !== undefined)
      this.attempts.set(key, { at: this.now(), specHash: guestSpecHash(guest) });
    const result = await reconcileKey(key, trigger, {
      desired: this.desiredNow,
      providers: this.providersNow,
      observer: this.observer,
      policy: () => this.policy(key),
      history: this.history,
      journal: this.options.journal,
      log: this.log,
      metrics: this.metrics,
      now: this.now,
      signal: this.stopping.signal,
      executor: this.options.executor,
      setHolds: (h) => this.holds.set(key, h),
      setFacts: (f) => {
        if (f === undefined) this.facts.delete(key);
        else this.facts.set(key, f);
      },
      ...(this.options.onActionDone ? { onActionDone: this.options.onActionDone } : {}),
      enqueue: (g, source) => {
        this.enqueue(g, source);
      },
    });
    if (result.acted) {
      this.actedAt.set(key, this.now());
      const n = (this.actingInARow.get(key) ?? 0) + 1;
      this.actingInARow.set(key, n);
      if (n > MAX_ACTING_IN_A_ROW) {
        // Every action succeeds and yet the next look needs more: something fights us (or a
        // definition never takes). Back off instead of spinning.
        throw new TransientError('still-acting', `needed actions ${n} times in a row`);
      }
    } else {
      this.actingInARow.delete(key);
    }
    return result.outcome;
  }

  private forgetKey(key: string): void {
    this.holds.delete(key);
    this.attempts.delete(key);
    this.facts.delete(key);
    this.actingInARow.delete(key);
    this.actedAt.delete(key);
  }
}
