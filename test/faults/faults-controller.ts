/**
 * Faults of the controller itself: SIGKILL of `watch` (started again after a while), and
 * concurrent `virtwarden apply`s through the built CLI while `watch` runs (or is down).
 */
import { runVirtwarden } from './cli-child.js';
import type { FaultContext, Prepared } from './fault-context.js';
import type { FaultPlan } from './schedule.js';

type Plan<K extends FaultPlan['kind']> = Extract<FaultPlan, { kind: K }>;

export function prepareWatchKill(ctx: FaultContext, p: Plan<'watch-kill'>): Prepared {
  const owner = ctx.board.reservedBy('watch');
  if (owner !== undefined) return { skip: `watch busy (${owner})`, busy: true };
  return {
    keys: ['watch'],
    run: async () => {
      const wasRunning = ctx.watch.running;
      await ctx.watch.kill9();
      await ctx.sleep(Math.round(p.downSeconds * 1000));
      await ctx.watch.start();
      return `${wasRunning ? 'killed' : 'was not running'}; back after ${String(p.downSeconds)} s`;
    },
  };
}

export function prepareConcurrentApply(ctx: FaultContext, p: Plan<'concurrent-apply'>): Prepared {
  if (p.watchDown) {
    const owner = ctx.board.reservedBy('watch');
    if (owner !== undefined) return { skip: `watch busy (${owner})`, busy: true };
  }
  return {
    keys: p.watchDown ? ['watch'] : [],
    run: async () => {
      // With watch SIGKILLed, its lock is stale: the applies race each other to take it over.
      if (p.watchDown) await ctx.watch.kill9();
      const runs = await Promise.all(
        p.lockTimeouts.map((t) =>
          runVirtwarden(
            ['apply', ctx.manifests.dir, '--auto-approve', '--lock-timeout', String(t)],
            ctx.stateDir,
            180_000,
          ),
        ),
      );
      if (p.watchDown) await ctx.watch.start();
      return runs
        .map((r) => {
          if (r.timedOut) return 'timed out after 180 s';
          if (r.exitCode === 0) return `exit 0 in ${String(r.durationMs)} ms`;
          const why = r.stderr.includes('another virtwarden is acting')
            ? 'locked out'
            : (r.stderr.trim().split('\n').at(-1) ?? '').slice(0, 120);
          return `exit ${String(r.exitCode)} (${why})`;
        })
        .join('; ');
    },
  };
}
