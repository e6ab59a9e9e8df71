/**
 * Actions on an engine. The engine answers "complete" as soon as it accepted a command, so
 * each action polls the VM until its status says the work is done, within a timeout.
 */
import type { Guest } from '../../model/desired.js';
import type { Action } from '../../model/plan.js';
import { TerminalError, TransientError } from '../../common/errors.js';
import type { ActionContext, ActionOutcome } from '../provider.js';
import { ref, str, type OvirtClient } from './client.js';

export interface EngineContext {
  readonly client: OvirtClient;
  vmId(name: string): Promise<string>;
  hostId(name: string): Promise<string>;
  hostName(id: string): string | undefined;
  readonly pollMs: number;
}

interface VmNow {
  readonly status: string;
  readonly hostId?: string;
}

async function vmNow(e: EngineContext, id: string): Promise<VmNow> {
  const vm = await e.client.get(`vms/${id}`);
  const hostId = ref(vm.host);
  return { status: str(vm.status) ?? 'unknown', ...(hostId !== undefined ? { hostId } : {}) };
}

async function pollVm(
  e: EngineContext,
  id: string,
  done: (vm: VmNow) => boolean,
  timeoutMs: number,
  ctx: ActionContext,
  what: string,
): Promise<VmNow | undefined> {
  const t0 = Date.now();
  for (;;) {
    const vm = await vmNow(e, id);
    if (done(vm)) return vm;
    const elapsed = Date.now() - t0;
    if (elapsed >= timeoutMs) return undefined;
    if (ctx.signal.aborted) throw new TerminalError('aborted', `${what}: aborted by the operator`);
    ctx.progress(`${what}: ${vm.status}, ${Math.round(elapsed / 1000)} s`);
    await new Promise((r) => setTimeout(r, e.pollMs));
  }
}

const LAUNCH_TIMEOUT_MS = 120_000;

export async function startVm(
  e: EngineContext,
  a: Action,
  guest: Guest,
  ctx: ActionContext,
): Promise<ActionOutcome> {
  const id = await e.vmId(guest.domainName);
  // A payload is accepted on a VM update, not on start: set it first, then start (the engine
  // reads it from the VM's devices when it runs the VM).
  if (a.payload !== undefined) {
    const files = a.payload.files.map((f) => ({ name: f.name, content: f.content }));
    await e.client.put(`vms/${id}`, {
      payloads: { payload: [{ type: 'cdrom', files: { file: files } }] },
    });
  }
  // With a host, a run-once placement on it; without, the engine's scheduler places the VM.
  const body =
    a.host !== undefined
      ? { vm: { placement_policy: { hosts: { host: [{ id: await e.hostId(a.host) }] } } } }
      : {};
  const t0 = Date.now();
  await e.client.action(`vms/${id}/start`, body);
  const up = await pollVm(
    e,
    id,
    (vm) => vm.status === 'up' || vm.status === 'down',
    LAUNCH_TIMEOUT_MS,
    ctx,
    'starting',
  );
  if (up?.status === 'up') {
    const on = up.hostId !== undefined ? e.hostName(up.hostId) : undefined;
    return {
      message: `up${on !== undefined ? ` on ${on}` : ''} after ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    };
  }
  if (up === undefined) {
    // Hung launching (a known engine failure): clear it so a retry can start it afresh.
    await e.client.action(`vms/${id}/stop`, { force: 'true' }).catch(() => undefined);
    throw new TransientError(
      'stuck-launching',
      `'${guest.domainName}' did not come up within ${LAUNCH_TIMEOUT_MS / 1000} s; stopped it to retry`,
    );
  }
  throw new TransientError('start-failed', `'${guest.domainName}' went down again while starting`);
}

export async function stopVm(
  e: EngineContext,
  a: Action,
  guest: Guest,
  ctx: ActionContext,
): Promise<ActionOutcome> {
  const id = await e.vmId(guest.domainName);
  const isDown = (vm: VmNow): boolean => vm.status === 'down';
  if (a.force !== true) {
    await e.client.action(`vms/${id}/shutdown`);
    const down = await pollVm(
      e,
      id,
      isDown,
      guest.timing.stopTimeoutSeconds * 1000,
      ctx,
      'shutting down',
    );
    if (down) return { message: 'shut down gracefully' };
  }
  await e.client.action(`vms/${id}/stop`, { force: 'true' });
  if (!(await pollVm(e, id, isDown, 60_000, ctx, 'stopping'))) {
    throw new TransientError('still-running', `'${guest.domainName}' is not down after stop`);
  }
  return {
    message:
      a.force === true
        ? 'stopped'
        : `stopped after ${guest.timing.stopTimeoutSeconds} s without a graceful shutdown`,
  };
}

export async function migrateVm(
  e: EngineContext,
  a: Action,
  guest: Guest,
  ctx: ActionContext,
): Promise<ActionOutcome> {
  if (a.toHost === undefined)
    throw new TerminalError('no-target', 'migration without a target host');
  const id = await e.vmId(guest.domainName);
  const target = await e.hostId(a.toHost);
  await e.client.action(`vms/${id}/migrate`, { host: { id: target } });
  const there = await pollVm(
    e,
    id,
    (vm) => vm.status === 'up' && vm.hostId === target,
    guest.migration.timeoutSeconds * 1000,
    ctx,
    'migrating',
  );
  if (!there)
    throw new TransientError(
      'not-migrated',
      `'${guest.domainName}' is not up on ${a.toHost} after migration`,
    );
  return { message: `migrated to ${a.toHost}` };
}
