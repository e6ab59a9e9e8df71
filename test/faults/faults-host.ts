/**
 * Faults of a whole host: a frozen libvirtd, a libvirtd restart with its guests running, a
 * host crash (with or without a fence command; without one the operator confirms by hand), a
 * host that comes back while `watch` is down, and a placement edit while a host is unreachable.
 * Each checks its preconditions (`prepare`, synchronous) and then runs, restoring what it broke
 * unless a fence powered the host off meanwhile (the power desk then owns the host).
 */
import { runVirtwarden } from './cli-child.js';
import type { FaultContext, Prepared } from './fault-context.js';
import { FENCED_HOSTS, STOPPED_GUESTS } from './fleet.js';
import type { FaultPlan } from './schedule.js';

type Plan<K extends FaultPlan['kind']> = Extract<FaultPlan, { kind: K }>;

const ms = (s: number): number => Math.round(s * 1000);

/** The host must be up and free; otherwise wait (it may come back) or skip. */
function hostFree(
  ctx: FaultContext,
  host: string,
  also: readonly string[] = [],
): Prepared | undefined {
  if (ctx.board.state(host) !== 'up')
    return { skip: `${host} is ${ctx.board.state(host)}`, busy: true };
  for (const key of [`host:${host}`, ...also]) {
    const owner = ctx.board.reservedBy(key);
    if (owner !== undefined) return { skip: `${key} busy (${owner})`, busy: true };
  }
  return undefined;
}

export function prepareFreeze(ctx: FaultContext, p: Plan<'freeze'>): Prepared {
  return (
    hostFree(ctx, p.host) ?? {
      keys: [`host:${p.host}`],
      run: async () => {
        if (!(await ctx.board.freeze(p.host))) return `${p.host} was not up`;
        await ctx.sleep(ms(p.seconds));
        return (await ctx.board.thaw(p.host))
          ? `thawed after ${String(p.seconds)} s`
          : `not thawed: ${p.host} was fenced meanwhile (now ${ctx.board.state(p.host)})`;
      },
    }
  );
}

export function prepareLibvirtdRestart(ctx: FaultContext, p: Plan<'libvirtd-restart'>): Prepared {
  return (
    hostFree(ctx, p.host) ?? {
      keys: [`host:${p.host}`],
      run: async () => {
        const running = ctx.checker.copiesOn(p.host).length;
        if (!(await ctx.board.stopDaemon(p.host))) return `${p.host} was not up`;
        await ctx.sleep(ms(p.downSeconds));
        return (await ctx.board.startDaemon(p.host))
          ? `libvirtd back after ${String(p.downSeconds)} s, ${String(running)} guest(s) kept running`
          : `not restarted: ${p.host} was fenced meanwhile (now ${ctx.board.state(p.host)})`;
      },
    }
  );
}

export function prepareHostCrash(ctx: FaultContext, p: Plan<'host-crash'>): Prepared {
  return (
    hostFree(ctx, p.host) ?? {
      keys: [`host:${p.host}`],
      run: async () => {
        const running = ctx.checker.copiesOn(p.host).length;
        if (!(await ctx.board.powerOff(p.host, 'nemesis'))) return `${p.host} was already off`;
        let note = `${String(running)} guest(s) died`;
        let waited = 0;
        if (!FENCED_HOSTS.includes(p.host)) {
          // No fence command: the operator makes sure the host is off, then says so.
          await ctx.sleep(ms(p.confirmAfterSeconds));
          waited = p.confirmAfterSeconds;
          const r = await runVirtwarden(
            [
              'fence',
              'confirm',
              p.host,
              '--dir',
              ctx.manifests.dir,
              '--note',
              'nemesis: host powered off',
            ],
            ctx.stateDir,
          );
          note += `; fence confirm exit ${String(r.exitCode)}${r.exitCode === 0 ? '' : `: ${r.stderr.trim().slice(0, 200)}`}`;
        }
        await ctx.sleep(ms(p.offSeconds - waited));
        const on = await ctx.board.powerOn(p.host, { wipeRun: p.reboot, onlyIfOffBy: 'nemesis' });
        return `${note}; ${on ? `powered on after ${String(p.offSeconds)} s${p.reboot ? ' (reboot)' : ''}` : 'not powered on (not off by the nemesis)'}`;
      },
    }
  );
}

export function prepareReturnWhileWatchDown(
  ctx: FaultContext,
  p: Plan<'return-while-watch-down'>,
): Prepared {
  return (
    hostFree(ctx, p.host, ['watch']) ?? {
      keys: [`host:${p.host}`, 'watch'],
      run: async () => {
        if (!(await ctx.board.powerOff(p.host, 'nemesis'))) return `${p.host} was already off`;
        const t0 = Date.now();
        const recorded = (): boolean => ctx.checker.fencingRecords.some((r) => r.host === p.host);
        while (!recorded() && Date.now() - t0 < 30_000) await ctx.sleep(200);
        const fencedAfter = recorded()
          ? `fenced after ${((Date.now() - t0) / 1000).toFixed(1)} s`
          : 'no fencing record within 30 s';
        await ctx.watch.kill9();
        await ctx.board.powerOn(p.host, { wipeRun: p.reboot, onlyIfOffBy: 'nemesis' });
        await ctx.sleep(ms(p.downSeconds));
        await ctx.watch.start();
        return `${fencedAfter}; watch killed, ${p.host} powered on${p.reboot ? ' (reboot)' : ''}, watch back after ${String(p.downSeconds)} s`;
      },
    }
  );
}

export function preparePlacementEdit(
  ctx: FaultContext,
  p: Plan<'placement-edit-unreachable'>,
): Prepared {
  return (
    hostFree(ctx, p.host) ?? {
      keys: [`host:${p.host}`],
      run: async () => {
        const unreachable =
          p.via === 'freeze' ? await ctx.board.freeze(p.host) : await ctx.board.stopDaemon(p.host);
        if (!unreachable) return `${p.host} was not up`;
        const t0 = Date.now();
        // Long enough for watch to see the host unreachable, well inside the grace.
        await ctx.sleep(2500);
        const guests = [...new Set(ctx.checker.copiesOn(p.host).map((c) => c.guest))]
          .filter((g) => !STOPPED_GUESTS.includes(g))
          .sort();
        const guest = guests[p.pick % Math.max(1, guests.length)];
        let note: string;
        if (guest === undefined) {
          note = `no guest ran on ${p.host}`;
        } else {
          const hosts = p.order.filter((h) => h !== p.host).slice(0, p.keep);
          await ctx.manifests.setPlacement(guest, hosts);
          note = `${guest} (running on unreachable ${p.host}) placed on [${hosts.join(', ')}]`;
        }
        await ctx.sleep(Math.max(0, ms(p.seconds) - (Date.now() - t0)));
        const back =
          p.via === 'freeze' ? await ctx.board.thaw(p.host) : await ctx.board.startDaemon(p.host);
        return `${note}; ${back ? `${p.host} back after ${String(p.seconds)} s` : `${p.host} was fenced meanwhile (now ${ctx.board.state(p.host)})`}`;
      },
    }
  );
}
