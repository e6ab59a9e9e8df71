/**
 * The nemesis: carries out a trial's fault schedule against the running lab and watch. Each
 * fault starts at its planned time (or as soon as what it needs is free, within 20 s), at most
 * `MAX_IN_FLIGHT` at once; a fault whose preconditions do not hold is skipped and logged so.
 * Every fault is recorded (planned, started, ended, outcome) for the report and as context of
 * the violations found around it.
 */
import type { FaultContext, Prepared } from './fault-context.js';
import { prepareConcurrentApply, prepareWatchKill } from './faults-controller.js';
import { prepareHandEdit, prepareKillQemu, prepareOperatorMigrate } from './faults-guest.js';
import {
  prepareFreeze,
  prepareHostCrash,
  prepareLibvirtdRestart,
  preparePlacementEdit,
  prepareReturnWhileWatchDown,
} from './faults-host.js';
import { describePlan, type FaultKind, type FaultPlan, type ScheduledFault } from './schedule.js';
import { TaskSet } from './tasks.js';

const MAX_IN_FLIGHT = 3;
const BUSY_WAIT_MS = 20_000;
/** A fault counts as context of a violation this long after it ended. */
const CONTEXT_MS = 20_000;

export interface FaultRecord {
  readonly id: number;
  readonly trial: number;
  readonly kind: FaultKind;
  readonly what: string;
  readonly plannedAt: number;
  startedAt?: number;
  endedAt?: number;
  status: 'planned' | 'running' | 'done' | 'skipped' | 'failed';
  note: string;
}

function prepare(ctx: FaultContext, p: FaultPlan): Prepared {
  switch (p.kind) {
    case 'kill-qemu':
      return prepareKillQemu(ctx, p);
    case 'freeze':
      return prepareFreeze(ctx, p);
    case 'libvirtd-restart':
      return prepareLibvirtdRestart(ctx, p);
    case 'host-crash':
      return prepareHostCrash(ctx, p);
    case 'operator-migrate':
      return prepareOperatorMigrate(ctx, p);
    case 'hand-edit':
      return prepareHandEdit(ctx, p);
    case 'watch-kill':
      return prepareWatchKill(ctx, p);
    case 'return-while-watch-down':
      return prepareReturnWhileWatchDown(ctx, p);
    case 'placement-edit-unreachable':
      return preparePlacementEdit(ctx, p);
    case 'concurrent-apply':
      return prepareConcurrentApply(ctx, p);
  }
}

export class Nemesis {
  readonly records: FaultRecord[] = [];
  readonly #ctx: FaultContext;
  readonly #tasks = new TaskSet();
  readonly #t0: number;
  /** Called with one line per fault as it ends. */
  onRecord: (line: string) => void = () => undefined;

  constructor(ctx: FaultContext, roundStart: number) {
    this.#ctx = ctx;
    this.#t0 = roundStart;
  }

  get errors(): readonly string[] {
    return this.#tasks.errors;
  }

  /** Run the schedule: resolves when every fault of it has ended (the trial's faults stop). */
  async run(
    schedule: readonly ScheduledFault[],
    trialStart: number,
    trialEnd: number,
  ): Promise<void> {
    for (const f of schedule) {
      const rec: FaultRecord = {
        id: f.id,
        trial: f.trial,
        kind: f.plan.kind,
        what: describePlan(f.plan),
        plannedAt: trialStart + f.atMs,
        status: 'planned',
        note: '',
      };
      this.records.push(rec);
      await this.#ctx.sleep(Math.max(0, rec.plannedAt - Date.now()));
      while (this.#tasks.size >= MAX_IN_FLIGHT) await this.#ctx.sleep(100);
      this.#tasks.run(`fault #${String(f.id)}`, this.#attempt(f.plan, rec, trialEnd));
    }
    await this.#tasks.drain();
  }

  async #attempt(plan: FaultPlan, rec: FaultRecord, trialEnd: number): Promise<void> {
    const deadline = Math.min(rec.plannedAt + BUSY_WAIT_MS, trialEnd);
    const owner = `#${String(rec.id)} ${rec.kind}`;
    for (;;) {
      const p = prepare(this.#ctx, plan);
      if ('skip' in p) {
        if (p.busy === true && Date.now() < deadline) {
          await this.#ctx.sleep(250);
          continue;
        }
        this.#end(rec, 'skipped', p.skip);
        return;
      }
      if (!this.#ctx.board.tryReserve(p.keys, owner)) {
        if (Date.now() < deadline) {
          await this.#ctx.sleep(250);
          continue;
        }
        this.#end(rec, 'skipped', `busy: ${p.keys.join(', ')}`);
        return;
      }
      rec.startedAt = Date.now();
      rec.status = 'running';
      try {
        this.#end(rec, 'done', await p.run());
      } catch (err) {
        this.#end(
          rec,
          'failed',
          err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err),
        );
      } finally {
        this.#ctx.board.release(p.keys, owner);
      }
      return;
    }
  }

  #end(rec: FaultRecord, status: FaultRecord['status'], note: string): void {
    rec.status = status;
    rec.note = note;
    rec.endedAt = Date.now();
    this.onRecord(formatRecord(rec, this.#t0));
  }

  /** The faults running now or ended shortly before: a violation's context. */
  recent(now = Date.now()): string[] {
    return this.records
      .filter(
        (r) =>
          r.startedAt !== undefined &&
          r.startedAt <= now &&
          (r.endedAt === undefined || now - r.endedAt <= CONTEXT_MS),
      )
      .map((r) => `#${String(r.id)} ${r.what}`);
  }
}

export function formatRecord(r: FaultRecord, t0: number): string {
  const at = ((r.startedAt ?? r.plannedAt) - t0) / 1000;
  const took =
    r.startedAt !== undefined && r.endedAt !== undefined
      ? ` (${((r.endedAt - r.startedAt) / 1000).toFixed(1)} s)`
      : '';
  return `#${String(r.id)} t+${at.toFixed(1)}s ${r.what} → ${r.status}${took}: ${r.note}`;
}
