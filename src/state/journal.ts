/**
 * The journal: an append-only JSON-lines file of every action virtwarden started and how it
 * ended, for audit and for after-the-fact questions ("who stopped db1 at 03:12?"). Lines are
 * appended with O_APPEND so concurrent writers never interleave within a line.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Action } from '../model/plan.js';
import type { ActionResult } from '../reconcile/execution-report.js';

export interface JournalEntry {
  readonly time: string;
  readonly run: string;
  readonly event: 'started' | 'finished';
  readonly action: string;
  readonly kind: Action['kind'];
  readonly guest: string;
  readonly site: string;
  readonly host?: string;
  readonly toHost?: string;
  readonly reason: Action['reason'];
  readonly status?: ActionResult['status'];
  readonly attempts?: number;
  readonly durationMs?: number;
  readonly message?: string;
  readonly error?: ActionResult['error'];
}

export class Journal {
  readonly file: string;
  private readonly run: string;
  private readonly now: () => Date;
  private chain: Promise<void> = Promise.resolve();

  constructor(dir: string, run: string, now: () => Date = () => new Date()) {
    this.file = path.join(dir, 'journal.jsonl');
    this.run = run;
    this.now = now;
  }

  private write(entry: JournalEntry): void {
    const line = JSON.stringify(entry) + '\n';
    this.chain = this.chain
      .then(() => mkdir(path.dirname(this.file), { recursive: true }))
      .then(() => appendFile(this.file, line, { flag: 'a' }));
  }

  private base(a: Action, event: JournalEntry['event']): JournalEntry {
    return {
      time: this.now().toISOString(),
      run: this.run,
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

  started(a: Action): void {
    this.write(this.base(a, 'started'));
  }

  finished(a: Action, r: ActionResult): void {
    this.write({
      ...this.base(a, 'finished'),
      status: r.status,
      attempts: r.attempts,
      durationMs: r.durationMs,
      message: r.message,
      ...(r.error ? { error: r.error } : {}),
    });
  }

  /** Resolves when every line so far is on disk. */
  flush(): Promise<void> {
    return this.chain;
  }
}
