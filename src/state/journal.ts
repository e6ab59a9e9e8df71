/**
 * The journal: an append-only JSON-lines file of what virtwarden did and why, for audit and for
 * after-the-fact questions ("who stopped db1 at 03:12?", "who confirmed kvm2 fenced?"): every
 * action started and how it ended, fence attempts and confirmations, ladder steps, clears and
 * drains. Each line is one `write` with O_APPEND, so concurrent writers (a `watch` and an
 * operator's `virtwarden drain`) never interleave within a line.
 *
 * A failed append (disk full, permissions, the disk gone) never throws and never becomes an
 * unhandled rejection: the controller must keep guests alive whatever happens to its audit
 * trail. The journal remembers the failure (`failure`) and tells its listeners, so `apply` can
 * exit 1 and `watch` can report it on /healthz.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../common/errors.js';
import { redact } from '../common/redact.js';
import type { Action } from '../model/plan.js';
import type {
  ActionEntry,
  ActionOutcome,
  EntryBody,
  FenceAttemptEntry,
  LadderStep,
} from './journal-entries.js';
import { findInterrupted } from './journal-recovery.js';

export type { JournalEntry } from './journal-entries.js';

export interface JournalFailure {
  /** ISO time of the latest failed append. */
  readonly at: string;
  /** ISO time of the first failed append of this run. */
  readonly since: string;
  /** errno code when there is one (ENOSPC, EACCES, EISDIR, EIO). */
  readonly code?: string;
  readonly message: string;
  /** Lines that could not be written. */
  readonly lost: number;
}

export type JournalFailureListener = (failure: JournalFailure) => void;

export class Journal {
  readonly file: string;
  private readonly run: string;
  private readonly now: () => Date;
  private chain: Promise<void> = Promise.resolve();
  private dirReady = false;
  private failed: JournalFailure | undefined;
  private readonly listeners = new Set<JournalFailureListener>();

  constructor(dir: string, run: string, now: () => Date = () => new Date()) {
    this.file = path.join(dir, 'journal.jsonl');
    this.run = run;
    this.now = now;
  }

  /** The last append failure of this run (absent: every line so far was written). */
  get failure(): JournalFailure | undefined {
    return this.failed;
  }

  /** Called after every failed append; returns a function that removes the listener. */
  onFailure(listener: JournalFailureListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private fail(err: unknown): void {
    const at = this.now().toISOString();
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    this.failed = {
      at,
      since: this.failed?.since ?? at,
      ...(code !== undefined ? { code } : {}),
      message: `cannot append to the journal ${this.file}: ${errorMessage(err)}`,
      lost: (this.failed?.lost ?? 0) + 1,
    };
    for (const listener of this.listeners) {
      try {
        listener(this.failed);
      } catch {
        // A listener's own failure must not stop the journal (nor the controller).
      }
    }
  }

  private async append(line: string): Promise<void> {
    try {
      if (!this.dirReady) {
        await mkdir(path.dirname(this.file), { recursive: true });
        this.dirReady = true;
      }
      await appendFile(this.file, line, { flag: 'a' });
    } catch (err) {
      this.fail(err);
    }
  }

  /** Append one line (in order; never throws: see `failure`). */
  write(body: EntryBody): void {
    const entry = { time: this.now().toISOString(), run: this.run, pid: process.pid, ...body };
    // A reason or message may carry text from anywhere (an engine's reply): no secret in it.
    const line = redact(JSON.stringify(entry)) + '\n';
    this.chain = this.chain.then(() => this.append(line));
  }

  private actionBody(a: Action, event: ActionEntry['event']): EntryBody<ActionEntry> {
    return {
      event,
      action: a.id,
      kind: a.kind,
      guest: a.guest,
      site: a.site,
      ...(a.host !== undefined ? { host: a.host } : {}),
      ...(a.toHost !== undefined ? { toHost: a.toHost } : {}),
      reason: a.reason,
    };
  }

  /** With the plan's `why`: the evidence the action answers (a watchdog, a failed probe). */
  started(a: Action): void {
    this.write({ ...this.actionBody(a, 'started'), why: a.why });
  }

  finished(a: Action, r: ActionOutcome): void {
    this.write({
      ...this.actionBody(a, 'finished'),
      status: r.status,
      attempts: r.attempts,
      durationMs: r.durationMs,
      message: r.message,
      ...(r.error ? { error: r.error } : {}),
    });
  }

  fenceAttempt(
    host: string,
    attempt: number,
    outcome: FenceAttemptEntry['outcome'],
    message: string,
  ): void {
    this.write({ event: 'fence-attempt', host, attempt, outcome, message });
  }

  fenceConfirmed(host: string, by: string, note?: string): void {
    this.write({ event: 'fence-confirmed', host, by, ...(note !== undefined ? { note } : {}) });
  }

  fenceCleared(host: string, why: 'operator' | 'host-up', by?: string): void {
    this.write({ event: 'fence-cleared', host, why, ...(by !== undefined ? { by } : {}) });
  }

  /** A failure-ladder step (restart, failover, crash-loop backoff, FAULTED, stopped). */
  ladder(guest: string, step: LadderStep, message: string, host?: string): void {
    this.write({ event: 'ladder', guest, step, message, ...(host !== undefined ? { host } : {}) });
  }

  cleared(
    guest: string,
    by: string,
    forgotten: { restarts: number; failovers: number; faulted: boolean },
    note?: string,
  ): void {
    this.write({
      event: 'clear',
      guest,
      by,
      ...forgotten,
      ...(note !== undefined ? { note } : {}),
    });
  }

  drain(host: string, by: string, note?: string): void {
    this.write({ event: 'drain', host, by, ...(note !== undefined ? { note } : {}) });
  }

  undrain(host: string, by: string): void {
    this.write({ event: 'undrain', host, by });
  }

  /**
   * At the start of a run, after taking the controller lock: every `started` of an earlier run
   * whose process is gone and that has no `finished` gets an `interrupted` line (once: a later
   * scan sees the mark). Resolves with the marks written; a journal that cannot be read marks
   * nothing (and, like any failure, never throws).
   */
  async markInterrupted(): Promise<readonly ActionEntry[]> {
    await this.flush();
    const open = await findInterrupted(this.file, this.run).catch(() => []);
    for (const s of open) {
      const { time: _t, run: _r, pid: _p, event: _e, ...rest } = s;
      this.write({ ...rest, event: 'interrupted', ofRun: s.run });
    }
    await this.flush();
    return open;
  }

  /** Resolves when every line so far is written or has failed; never rejects. */
  flush(): Promise<void> {
    return this.chain;
  }
}
