/**
 * Faults of one guest: kill -9 of its QEMU, an operator's live migration by hand (`virsh
 * migrate --live --p2p --tunnelled --persistent --undefinesource`, as docs/lab.md does it), and a
 * hand edit of its definition (`virsh define` of its XML with the memory changed, `<metadata>`
 * kept: what `virsh edit` does). The migration is judged here: it must succeed.
 */
import { LabCommandError } from '../lab/index.js';
import type { FaultContext, Prepared } from './fault-context.js';
import type { FaultPlan } from './schedule.js';

type Plan<K extends FaultPlan['kind']> = Extract<FaultPlan, { kind: K }>;

/** A guest calm enough for an operator to act on: one copy, on an up host, for 5 s. */
const CALM_MS = 5000;

function busyKey(ctx: FaultContext, keys: readonly string[]): Prepared | undefined {
  for (const key of keys) {
    const owner = ctx.board.reservedBy(key);
    if (owner !== undefined) return { skip: `${key} busy (${owner})`, busy: true };
  }
  return undefined;
}

export function prepareKillQemu(ctx: FaultContext, p: Plan<'kill-qemu'>): Prepared {
  const copy = ctx.checker.copiesOf(p.guest)[0];
  if (copy === undefined) return { skip: `${p.guest} is not running` };
  // Not during an operator's migration on that host (the brief: no other faults there).
  const owner = ctx.board.reservedBy(`host:${copy.host}`);
  if (owner?.includes('operator-migrate') === true || owner?.includes('hand-edit') === true)
    return { skip: `host:${copy.host} busy (${owner})`, busy: true };
  return (
    busyKey(ctx, [`guest:${p.guest}`]) ?? {
      keys: [`guest:${p.guest}`],
      run: () => {
        try {
          process.kill(copy.pid, 'SIGKILL');
        } catch {
          return Promise.resolve(`pid ${String(copy.pid)} was already gone`);
        }
        return Promise.resolve(`killed pid ${String(copy.pid)} on ${copy.host}`);
      },
    }
  );
}

/** The guest's one calm copy, or why there is none. */
function calmHost(ctx: FaultContext, guest: string): string | Prepared {
  const copies = ctx.checker.copiesOf(guest);
  const copy = copies[0];
  if (copy === undefined || copies.length !== 1)
    return { skip: `${guest} runs ${String(copies.length)} times`, busy: true };
  const now = Date.now();
  const since = ctx.checker.stableSince(guest);
  const upSince = ctx.board.upSince(copy.host);
  if (
    since === undefined ||
    now - since < CALM_MS ||
    upSince === undefined ||
    now - upSince < CALM_MS
  )
    return { skip: `${guest} on ${copy.host} not calm yet`, busy: true };
  return copy.host;
}

export function prepareOperatorMigrate(ctx: FaultContext, p: Plan<'operator-migrate'>): Prepared {
  const from = calmHost(ctx, p.guest);
  if (typeof from !== 'string') return from;
  const placement = ctx.manifests.placement(p.guest);
  if (!placement.includes(from))
    return { skip: `${p.guest} runs outside its placement`, busy: true };
  const now = Date.now();
  const targets = placement.filter((h) => {
    const up = ctx.board.upSince(h);
    return (
      h !== from &&
      up !== undefined &&
      now - up >= CALM_MS &&
      ctx.board.reservedBy(`host:${h}`) === undefined
    );
  });
  const to = targets[p.pick % Math.max(1, targets.length)];
  if (to === undefined) return { skip: `no calm host to migrate ${p.guest} to`, busy: true };
  const keys = [`host:${from}`, `host:${to}`, `guest:${p.guest}`];
  return (
    busyKey(ctx, keys) ?? {
      keys,
      run: async () => {
        const t0 = Date.now();
        const args = [
          'migrate',
          '--live',
          '--p2p',
          '--tunnelled',
          '--persistent',
          '--undefinesource',
        ];
        try {
          await ctx.lab
            .host(from)
            .virsh([...args, p.guest, ctx.lab.host(to).qemuUri], { timeoutMs: 120_000 });
        } catch (err) {
          const stderr = err instanceof LabCommandError ? err.stderr.trim() : String(err);
          const exit = err instanceof LabCommandError ? String(err.exitCode) : '?';
          ctx.violations.add({
            kind: 'operator-migration-aborted',
            guest: p.guest,
            host: `${from}→${to}`,
            at: t0,
            detail: `virsh migrate ${p.guest} ${from} → ${to} failed after ${String(Date.now() - t0)} ms (exit ${exit}): ${stderr.slice(0, 300)}`,
          });
          return `FAILED ${from} → ${to}: ${stderr.slice(0, 120)}`;
        }
        return `${from} → ${to} in ${String(Date.now() - t0)} ms`;
      },
    }
  );
}

export function prepareHandEdit(ctx: FaultContext, p: Plan<'hand-edit'>): Prepared {
  const host = calmHost(ctx, p.guest);
  if (typeof host !== 'string') return host;
  const keys = [`host:${host}`, `guest:${p.guest}`];
  return (
    busyKey(ctx, keys) ?? {
      keys,
      run: async () => {
        const h = ctx.lab.host(host);
        const xml = await h.virsh(['dumpxml', '--inactive', p.guest], { timeoutMs: 20_000 });
        const kib = String(p.memoryMiB * 1024);
        const edited = xml
          .replace(/<memory unit='KiB'>\d+<\/memory>/, `<memory unit='KiB'>${kib}</memory>`)
          .replace(
            /<currentMemory unit='KiB'>\d+<\/currentMemory>/,
            `<currentMemory unit='KiB'>${kib}</currentMemory>`,
          );
        if (edited === xml) throw new Error(`no <memory> in ${p.guest}'s definition on ${host}`);
        await h.defineXml(edited);
        ctx.handEdits.push({ guest: p.guest, host, memoryMiB: p.memoryMiB, at: Date.now() });
        return `${p.guest} on ${host}: memory ${String(p.memoryMiB)} MiB (metadata kept)`;
      },
    }
  );
}
