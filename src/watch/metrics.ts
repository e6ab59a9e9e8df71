/** The controller's Prometheus metrics (prom-client), in a registry of its own. */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { GuestState } from '../model/guest-state.js';
import { GUEST_STATES } from '../model/guest-state.js';

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

  setGuestStates(states: readonly GuestState[]): void {
    for (const s of GUEST_STATES)
      this.guests.set({ state: s }, states.filter((x) => x === s).length);
  }
}
