/**
 * Keeps the controller's in-memory guest histories and the durable state in step, both ways:
 * every change the controller makes is written (per guest, in order, never blocking the loop),
 * and a change another process made — `virtwarden clear GUEST` — is taken in and re-arms the
 * guest. A file change that is one of our own writes is recognized and ignored.
 */
import type { Logger } from 'pino';
import { errorMessage } from '../common/errors.js';
import type { GuestHistory } from '../model/history.js';
import type { ControllerState } from '../state/controller-state.js';

const json = (h: GuestHistory | undefined): string => JSON.stringify(h ?? null);

/** Our recent writes of one guest: enough to recognize the file events they cause. */
const KEEP_OURS = 8;

function remember(mine: Set<string>, text: string): void {
  mine.delete(text);
  mine.add(text);
  while (mine.size > KEEP_OURS) {
    const oldest = mine.values().next().value;
    if (oldest === undefined) break;
    mine.delete(oldest);
  }
}

export class HistorySync {
  private readonly state: Pick<ControllerState, 'saveHistory' | 'history'>;
  private readonly log: Logger;
  private readonly chains = new Map<string, Promise<void>>();
  /** What we wrote last (or are writing), per guest, as stored. */
  private readonly ours = new Map<string, Set<string>>();

  constructor(state: Pick<ControllerState, 'saveHistory' | 'history'>, log: Logger) {
    this.state = state;
    this.log = log;
  }

  /** Write one guest's history (queued behind its earlier writes). */
  save(guest: string, h: GuestHistory | undefined): void {
    const mine = this.ours.get(guest) ?? new Set<string>();
    remember(mine, json(h));
    this.ours.set(guest, mine);
    const prev = this.chains.get(guest) ?? Promise.resolve();
    const next = prev.then(async () => {
      try {
        const stored = await this.state.saveHistory(guest, h);
        remember(mine, json(stored));
      } catch (err) {
        this.log.error(
          { guest, err: errorMessage(err) },
          `cannot keep the history of ${guest} in the state directory`,
        );
      }
    });
    this.chains.set(guest, next);
  }

  /**
   * The stored history of `guest` changed on disk: resolves with it when another process wrote
   * it (not one of our writes), else undefined.
   */
  async changedOnDisk(guest: string): Promise<{ history: GuestHistory | undefined } | undefined> {
    await this.chains.get(guest);
    const stored = await this.state.history(guest);
    const mine = this.ours.get(guest);
    if (mine?.has(json(stored)) === true) return undefined;
    this.ours.set(guest, new Set([json(stored)]));
    return { history: stored };
  }

  /** Resolves when every queued write is done. */
  async flush(): Promise<void> {
    await Promise.all(this.chains.values());
  }
}
