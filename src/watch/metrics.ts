/** The controller's Prometheus metrics (prom-client), in a registry of its own. */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { GuestState } from '../model/guest-state.js';
import { GUEST_STATES } from '../model/guest-state.js';
import type { GuestStatus } from '../reconcile/status.js';

export class WatchMetrics {
  readonly registry = new Registry();
  readonly reconcileDuration = new Histogram({
    name: 'virtwarden_reconcile_duration_seconds',
    help: 'Time to reconcile one guest: observe, plan and act.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: 'virtwarden_queue_depth',
    help: 'Guest keys waiting to be reconciled.',
    registers: [this.registry],
  });
  readonly eventToAction = new Histogram({
    name: 'virtwarden_event_to_action_seconds',
    help: 'From an event (guest crash, host loss, manifest edit) to the first corrective action starting.',
    labelNames: ['source'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.5, 1, 2, 5, 10],
    registers: [this.registry],
  });
  readonly actions = new Counter({
    name: 'virtwarden_actions_total',
    help: 'Actions run, by kind and outcome (done, skipped, failed, blocked, not-run).',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly guests = new Gauge({
    name: 'virtwarden_guests',
    help: 'Managed guests by observed state.',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  readonly hostUp = new Gauge({
    name: 'virtwarden_host_connected',
    help: '1 when the host (or engine) answers, 0 when it is lost.',
    labelNames: ['site', 'host'] as const,
    registers: [this.registry],
  });

  readonly conditions = new Gauge({
    name: 'virtwarden_guest_condition',
    help: 'Each guest condition (Ready, Reconciling, Stalled): 1 when true, 0 when false, with its reason.',
    labelNames: ['guest', 'condition', 'reason'] as const,
    registers: [this.registry],
  });
  readonly eventLoopDelay = new Gauge({
    name: 'virtwarden_event_loop_delay_seconds',
    help: 'Event-loop delay of the controller process (p50, p99, max since the last scrape).',
    labelNames: ['quantile'] as const,
    registers: [this.registry],
  });

  setGuestStates(states: readonly GuestState[]): void {
    for (const s of GUEST_STATES)
      this.guests.set({ state: s }, states.filter((x) => x === s).length);
  }

  private loop: IntervalHistogram | undefined;

  /** Measure event-loop delay (nothing may block the loop long: events wait behind it). */
  watchEventLoop(): void {
    this.loop ??= monitorEventLoopDelay({ resolution: 10 });
    this.loop.enable();
  }

  stopWatchingEventLoop(): void {
    this.loop?.disable();
  }

  /** Publish the delay seen since the last scrape, and start a new window. */
  publishEventLoopDelay(): void {
    const h = this.loop;
    if (!h || h.count === 0) return;
    this.eventLoopDelay.set({ quantile: '0.5' }, h.percentile(50) / 1e9);
    this.eventLoopDelay.set({ quantile: '0.99' }, h.percentile(99) / 1e9);
    this.eventLoopDelay.set({ quantile: '1' }, h.max / 1e9);
    h.reset();
  }

  /** Guest states and conditions, computed at scrape time from the current status. */
  setStatus(guests: readonly GuestStatus[]): void {
    this.setGuestStates(guests.map((g) => g.state));
    this.conditions.reset();
    for (const g of guests)
      for (const c of g.conditions)
        this.conditions.set(
          { guest: g.guest, condition: c.type, reason: c.reason },
          c.status ? 1 : 0,
        );
  }
}
