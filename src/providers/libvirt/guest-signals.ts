/**
 * What a host's events said about its guests' health that no domain state shows: a watchdog
 * that fired with action `none` (or `dump`, `debug`, `inject-nmi`) leaves the domain `running`,
 * so only the event tells that the guest stopped feeding it. The mark lasts for the life of
 * that run: a reboot (a guest reboot, `virsh reset`, the watchdog's own `reset` action), a
 * start or a stop ends it, and so does a different domain id at the next observation (a
 * restart whose events were lost while the connection was down).
 *
 * Only a process that receives events sees these marks (`watch`); `plan` and `apply` see the
 * domain states alone.
 */
export interface GuestSignal {
  readonly kind: 'watchdog';
  /** Evidence in words, e.g. `watchdog fired (action none) at 18:40:12`. */
  readonly evidence: string;
  /** ms since epoch. */
  readonly at: number;
}

interface Mark extends GuestSignal {
  /** The domain id seen with this mark (set at the first observation after the event). */
  runId?: number;
}

export class GuestSignals {
  private readonly marks = new Map<string, Mark>();

  watchdogFired(domain: string, action: string, at: number): void {
    const clock = new Date(at).toISOString().slice(11, 19);
    this.marks.set(domain, {
      kind: 'watchdog',
      evidence: `watchdog fired (action ${action}) at ${clock} UTC`,
      at,
    });
  }

  /** The run ended or restarted (reboot event, lifecycle started/stopped). */
  runEnded(domain: string): void {
    this.marks.delete(domain);
  }

  /** The mark for `domain` running as `runId` now, if it is still that run's. */
  current(domain: string, runId: number | undefined): GuestSignal | undefined {
    const mark = this.marks.get(domain);
    if (mark === undefined) return undefined;
    if (runId === undefined) {
      this.marks.delete(domain);
      return undefined;
    }
    mark.runId ??= runId;
    if (mark.runId !== runId) {
      this.marks.delete(domain);
      return undefined;
    }
    return mark;
  }
}
