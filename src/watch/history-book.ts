/**
 * What the failure ladder remembers between reconciles: where each guest last ran, the
 * restarts and failovers virtwarden made for it, and whether it gave up (FAULTED). Kept in
 * memory by `watch`; an operator's act (the guest started by hand, its manifest changed)
 * clears it.
 */
import type { Action, Hold } from '../model/plan.js';
import { EMPTY_HISTORY, type GuestHistory } from '../reconcile/policy.js';

const KEEP_MS = 24 * 3600_000;

export class HistoryBook {
  private readonly book = new Map<string, GuestHistory>();

  get(guest: string): GuestHistory {
    return this.book.get(guest) ?? EMPTY_HISTORY;
  }

  all(): ReadonlyMap<string, GuestHistory> {
    return this.book;
  }

  private set(guest: string, h: GuestHistory): void {
    this.book.set(guest, h);
  }

  /** Seen running (ONLINE) on `host`. A FAULTED guest running again was started by someone. */
  seenRunning(guest: string, host: string): void {
    const h = this.get(guest);
    if (h.lastHost === host && h.faultedAt === undefined) return;
    const { faultedAt: _f, ...rest } = h;
    this.set(guest, { ...rest, lastHost: host });
  }

  /** A successful action: count restarts and failovers, follow moves, forget deliberate stops. */
  actionDone(a: Action, now: number): void {
    const h = this.get(a.guest);
    const keep = <T extends { at: number }>(xs: readonly T[]): T[] =>
      xs.filter((x) => now - x.at < KEEP_MS);
    switch (a.kind) {
      case 'start': {
        const host = a.host ?? h.lastHost;
        const restarted =
          a.reason === 'crashed' || a.reason === 'io-error' || a.reason === 'stopped-unexpectedly';
        this.set(a.guest, {
          ...h,
          restarts:
            restarted && host !== undefined
              ? [...keep(h.restarts), { host, at: now }]
              : keep(h.restarts),
          failovers:
            a.reason === 'failover'
              ? [...keep(h.failovers), { from: h.lastHost ?? '?', at: now }]
              : keep(h.failovers),
          ...(host !== undefined ? { lastHost: host } : {}),
        });
        return;
      }
      case 'migrate':
        if (a.toHost !== undefined) this.set(a.guest, { ...h, lastHost: a.toHost });
        return;
      case 'stop':
        if (a.reason === 'desired-stopped' || a.reason === 'desired-absent') {
          this.set(a.guest, { restarts: [], failovers: [] });
        }
        return;
      default:
        return;
    }
  }

  /**
   * A start that failed (the guest died while launching, or libvirt refused) used up an
   * attempt like a crash does: counted, so a guest that cannot start still climbs the ladder.
   */
  actionFailed(a: Action, now: number): void {
    if (a.kind !== 'start') return;
    const h = this.get(a.guest);
    const host = a.host ?? h.lastHost;
    if (a.reason === 'failover') {
      this.set(a.guest, {
        ...h,
        failovers: [...h.failovers, { from: h.lastHost ?? '?', at: now }],
        ...(host !== undefined ? { lastHost: host } : {}),
      });
    } else if (host !== undefined) {
      this.set(a.guest, { ...h, restarts: [...h.restarts, { host, at: now }], lastHost: host });
    }
  }

  /** The plan held a guest as FAULTED for good (not a backoff): remember it. */
  held(h: Hold, now: number): void {
    if (h.reason !== 'faulted' || h.retryAfterMs !== undefined) return;
    const cur = this.get(h.guest);
    if (cur.faultedAt === undefined) this.set(h.guest, { ...cur, faultedAt: now });
  }

  /** The operator changed the guest's manifest: start afresh. */
  reset(guest: string): void {
    this.book.delete(guest);
  }
}
