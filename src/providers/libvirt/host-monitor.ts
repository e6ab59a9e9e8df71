/**
 * Watching one host for `watch`: its connection's events become provider events, a closed
 * connection (the daemon died, or keepalive gave up on a frozen host) becomes "host lost", and
 * the host is reconnected with backoff — "host back" once it answers again.
 */
import type { ProviderEvent } from '../provider.js';
import type { HostEvent } from './host-api.js';
import type { HostLink } from './host-link.js';

const RECONNECT_BASE_MS = 500;
const RECONNECT_CAP_MS = 15_000;

export class HostMonitor {
  private readonly link: HostLink;
  private readonly site: string;
  private readonly listener: (e: ProviderEvent) => void;
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private attempts = 0;
  private lost = false;
  private stopped = false;

  constructor(link: HostLink, site: string, listener: (e: ProviderEvent) => void) {
    this.link = link;
    this.site = site;
    this.listener = listener;
  }

  async start(): Promise<void> {
    await this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.unsubscribe?.();
  }

  private emit(e: Omit<ProviderEvent, 'site' | 'host' | 'receivedAt'>): void {
    this.listener({ ...e, site: this.site, host: this.link.host.name, receivedAt: Date.now() });
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    try {
      const api = await this.link.api();
      this.unsubscribe?.();
      this.unsubscribe = await api.subscribe((e) => {
        this.onHostEvent(e);
      });
      if (!api.isAlive()) throw new Error('connection closed while subscribing');
      this.attempts = 0;
      if (this.lost) {
        this.lost = false;
        this.emit({ what: 'connection re-established', hostBack: true });
      }
    } catch (err) {
      this.hostLost(`cannot connect: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private hostLost(why: string): void {
    this.link.drop();
    if (!this.lost) {
      this.lost = true;
      this.emit({ what: why, hostLost: true });
    }
    if (this.stopped) return;
    const delay = Math.min(RECONNECT_CAP_MS, RECONNECT_BASE_MS * 2 ** this.attempts++);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), delay);
    this.timer.unref();
  }

  private onHostEvent(e: HostEvent): void {
    switch (e.type) {
      case 'closed':
        this.hostLost(`connection closed (${e.reason})`);
        return;
      case 'lifecycle':
        this.emit({ domainName: e.domain, what: `lifecycle ${e.event}/${e.detail}` });
        return;
      case 'io-error':
        this.emit({ domainName: e.domain, what: `I/O error on ${e.device}: ${e.reason}` });
        return;
      case 'reboot':
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
