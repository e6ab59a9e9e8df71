/**
 * The failure ladder's memory in `watch`: each guest's `GuestHistory`, changed only through the
 * pure transitions of `reconcile/history.ts`, and handed to a listener on every change so the
 * controller can keep it in its durable state (a restarted `watch` remembers FAULTED guests,
 * restart counts and where each guest may be).
 */
import type { GuestHistory } from '../model/history.js';
import type { ObservedGuest } from '../model/observed.js';
import type { Action, Hold } from '../model/plan.js';
import {
  afterActionDone,
  afterActionFailed,
  afterClear,
  afterHold,
  afterManifestEdit,
  afterObservation,
  sameHistory,
} from '../reconcile/history.js';
import { EMPTY_HISTORY } from '../reconcile/policy.js';

export class HistoryBook {
  private readonly book = new Map<string, GuestHistory>();
  private readonly onChange: (guest: string, h: GuestHistory | undefined) => void;

  constructor(
    initial: ReadonlyMap<string, GuestHistory> = new Map(),
    onChange: (guest: string, h: GuestHistory | undefined) => void = () => undefined,
  ) {
    for (const [g, h] of initial) this.book.set(g, h);
    this.onChange = onChange;
  }

  get(guest: string): GuestHistory {
    return this.book.get(guest) ?? EMPTY_HISTORY;
  }

  all(): ReadonlyMap<string, GuestHistory> {
    return this.book;
  }

  private update(guest: string, next: GuestHistory): void {
    const cur = this.get(guest);
    if (sameHistory(cur, next)) return;
    this.book.set(guest, next);
    this.onChange(guest, next);
  }

  observed(
    guest: string,
    instances: readonly ObservedGuest[],
    seenHosts: ReadonlySet<string>,
  ): void {
    this.update(guest, afterObservation(this.get(guest), instances, seenHosts));
  }

  actionDone(a: Action, now: number): void {
    this.update(a.guest, afterActionDone(this.get(a.guest), a, now));
  }

  actionFailed(a: Action, code: string, message: string, now: number): void {
    this.update(a.guest, afterActionFailed(this.get(a.guest), a, code, message, now));
  }

  /** Resolves true when this hold made the guest FAULTED (to journal and log it once). */
  held(h: Hold, now: number): boolean {
    const before = this.get(h.guest);
    const next = afterHold(before, h, now);
    this.update(h.guest, next);
    return before.faultedAt === undefined && next.faultedAt !== undefined;
  }

  /** The operator changed the guest's manifest: the ladder starts afresh, whereabouts stay. */
  manifestEdited(guest: string): void {
    if (this.book.has(guest)) this.update(guest, afterManifestEdit(this.get(guest)));
  }

  /** `virtwarden clear GUEST`. */
  clear(guest: string): void {
    if (this.book.has(guest)) this.update(guest, afterClear(this.get(guest)));
  }

  /** Another process changed the stored history (`virtwarden clear`): take it as it is. */
  replace(guest: string, h: GuestHistory | undefined): void {
    if (h === undefined) this.book.delete(guest);
    else this.book.set(guest, h);
  }
}
