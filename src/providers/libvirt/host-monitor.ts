/**
 * Watching one host for `watch`: its connection's events become provider events, and a lost
 * connection is told apart from a lost host.
 *
 * - The connection closes (EOF when libvirtd stops or restarts, keepalive when it froze) or
 *   cannot be opened: `hostUnreachable` at once, and reconnects follow the link's one jittered
 *   backoff.
 * - The host answers again: `hostBack` (from unreachable or from lost).
 * - Only a host unreachable for the site's `hostLossGraceSeconds` without one successful
 *   reconnect — a last attempt is made when the grace ends — is `hostLost`: that is what may
 *   get it fenced. A `systemctl restart libvirtd` or a package upgrade is a blip, not a loss.
 */
import { errorMessage } from '../../common/errors.js';
import type { ProviderEvent } from '../provider.js';
import type { HostApi, HostEvent } from './host-api.js';
import type { HostLink } from './host-link.js';

/** How long one reconnect attempt may wait for the daemon. */
const ATTEMPT_MS = 3_000;
/** Never retry faster than this (the backoff's jitter can be ~0). */
const MIN_RETRY_MS = 100;

type State = 'starting' | 'up' | 'unreachable' | 'lost';

export class HostMonitor {
  private readonly link: HostLink;
  private readonly site: string;
  private readonly graceMs: number;
  private readonly listener: (e: ProviderEvent) => void;
  private state: State = 'starting';
  private downSince = 0;
  private why = '';
  private subscribed: HostApi | undefined;
  private unsubscribe: (() => void) | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private attempting: Promise<void> | undefined;
  private stopped = false;

  constructor(
    link: HostLink,
    site: string,
    graceSeconds: number,
    listener: (e: ProviderEvent) => void,
  ) {
    this.link = link;
    this.site = site;
    this.graceMs = graceSeconds * 1000;
    this.listener = listener;
  }

  async start(): Promise<void> {
    await this.attempt();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.graceTimer);
    this.unsubscribe?.();
  }

  private emit(e: Omit<ProviderEvent, 'site' | 'host' | 'receivedAt'>): void {
    this.listener({ ...e, site: this.site, host: this.link.host.name, receivedAt: Date.now() });
  }

  /** One reconnect attempt (never two at once). */
  private attempt(): Promise<void> {
    this.attempting ??= this.connect().finally(() => {
      this.attempting = undefined;
    });
    return this.attempting;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    try {
      const api = await this.link.api(ATTEMPT_MS);
      if (api !== this.subscribed) {
        this.unsubscribe?.();
        this.unsubscribe = undefined;
        const unsubscribe = await api.subscribe((e) => {
          this.onHostEvent(api, e);
        });
        // stop() may have come while subscribing.
        if (this.isStopped()) {
          unsubscribe();
          return;
        }
        this.unsubscribe = unsubscribe;
        this.subscribed = api;
      }
      if (!api.isAlive()) throw new Error('connection closed while subscribing');
      this.up();
    } catch (err) {
      this.down(errorMessage(err));
    }
  }

  private up(): void {
    clearTimeout(this.graceTimer);
    const was = this.state;
    this.state = 'up';
    if (was === 'unreachable' || was === 'lost') {
      this.emit({
        what: `answers again after ${((Date.now() - this.downSince) / 1000).toFixed(1)} s`,
        hostBack: true,
      });
    }
  }

  private down(why: string): void {
    if (this.stopped) return;
    this.why = why;
    if (this.state === 'up' || this.state === 'starting') {
      this.state = 'unreachable';
      this.downSince = Date.now();
      this.emit({ what: why, hostUnreachable: true });
      clearTimeout(this.graceTimer);
      this.graceTimer = setTimeout(() => {
        this.graceOver().catch(() => undefined);
      }, this.graceMs);
      this.graceTimer.unref();
    }
    this.scheduleRetry();
  }

  private isStopped(): boolean {
    return this.stopped;
  }

  private stillUnreachable(): boolean {
    return !this.stopped && this.state === 'unreachable';
  }

  private async graceOver(): Promise<void> {
    if (!this.stillUnreachable()) return;
    // The backoff may not have tried lately: one last attempt before calling it lost.
    await this.attempt();
    if (!this.stillUnreachable()) return;
    this.state = 'lost';
    this.emit({
      what: `unreachable for ${((Date.now() - this.downSince) / 1000).toFixed(1)} s without a successful reconnect (${this.why})`,
      hostLost: true,
    });
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    // A connect in flight (a frozen daemon holds it): try again as soon as it settles.
    const settling = this.link.connectSettled();
    if (settling) {
      settling
        .then(() => {
          if (!this.stopped && this.state !== 'up') return this.attempt();
          return undefined;
        })
        .catch(() => undefined);
      return;
    }
    this.retryTimer = setTimeout(
      () => {
        this.attempt().catch(() => undefined);
      },
      Math.max(MIN_RETRY_MS, this.link.retryInMs()),
    );
    this.retryTimer.unref();
  }

  private onHostEvent(api: HostApi, e: HostEvent): void {
    switch (e.type) {
      case 'closed':
        // Only the connection in use counts (an old one closing says nothing now).
        if (api === this.subscribed) {
          this.subscribed = undefined;
          this.unsubscribe?.();
          this.unsubscribe = undefined;
          this.down(`connection closed (${e.reason})`);
        }
        return;
      case 'lifecycle':
        // A new run (or none): a watchdog mark of the old one no longer holds.
        if (e.event === 'started' || e.event === 'stopped') this.link.signals.runEnded(e.domain);
        this.emit({ domainName: e.domain, what: `lifecycle ${e.event}/${e.detail}` });
        return;
      case 'watchdog':
        this.link.signals.watchdogFired(e.domain, e.action, Date.now());
        this.emit({ domainName: e.domain, what: `watchdog fired (action ${e.action})` });
        return;
      case 'io-error':
        this.emit({ domainName: e.domain, what: `I/O error on ${e.device}: ${e.reason}` });
        return;
      case 'reboot':
        this.link.signals.runEnded(e.domain);
        this.emit({ domainName: e.domain, what: e.type });
        return;
      case 'job-completed':
        this.emit({ domainName: e.domain, what: e.type });
        return;
      case 'device-added':
      case 'device-removed':
        this.emit({ domainName: e.domain, what: `${e.type} ${e.device}` });
        return;
    }
  }
}
