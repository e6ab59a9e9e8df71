import type { SimHost, SimJob, SimVm } from '../model/types.js';
import { type Actor, type EngineCore, vmKey } from './core.js';

/**
 * Timed VM status transitions (ovirt-api.md §4 "Transitions for a simulator"). Each function
 * sets the first status at once, as the engine does before the REST call returns, then lets
 * the timeline move the VM on. The chain under the VM's key is replaced by the next command.
 */

function copyPayloads(vm: SimVm): SimVm['runningPayloads'] {
  return vm.payloads.map((p) => ({ ...p, files: p.files.map((f) => ({ ...f })) }));
}

export interface LaunchOptions {
  readonly job: SimJob | undefined;
  readonly runOnce: boolean;
  readonly pause: boolean;
}

/** down → wait_for_launch → powering_up → up (or suspended → restoring_state → up). */
export function launch(core: EngineCore, vm: SimVm, host: SimHost, options: LaunchOptions): void {
  const restoring = vm.status === 'suspended';
  vm.hostId = host.id;
  vm.runOnce = options.runOnce;
  vm.stopReason = undefined;
  if (!restoring) {
    vm.runningPayloads = copyPayloads(vm);
    for (const cd of vm.cdroms) cd.currentFileId = cd.fileId;
  }
  vm.status = restoring ? 'restoring_state' : 'wait_for_launch';
  const reachUp = (): false => {
    vm.status = options.pause ? 'paused' : 'up';
    vm.startTime = core.state.time();
    vm.stopTime = undefined;
    core.log('USER_RUN_VM', { VmName: vm.name, VdsName: host.name }, core.vmSubject(vm));
    core.endJob(options.job);
    return false;
  };
  if (restoring) {
    core.timeline.chain(vmKey(vm), [reachUp]);
    return;
  }
  core.timeline.chain(vmKey(vm), [
    () => {
      // A VM that hangs in wait_for_launch never starts (seed-facts.md §4 failure modes).
      if (vm.stuckInWaitForLaunch) return false;
      vm.status = 'powering_up';
      return true;
    },
    reachUp,
  ]);
}

export type PowerOffKind = 'stop' | 'shutdown';

/** up → powering_down → down, the host cleared and the engine's VM_DOWN event logged. */
export function powerOff(
  core: EngineCore,
  vm: SimVm,
  kind: PowerOffKind,
  reason: string | undefined,
  job: SimJob | undefined,
): void {
  vm.status = 'powering_down';
  core.timeline.chain(vmKey(vm), [
    () => {
      const exit =
        kind === 'stop'
          ? 'Exit message: Admin shut down from the engine'
          : 'Exit message: User shut down from within the guest';
      const subject = core.vmSubject(vm);
      setDown(core, vm, reason);
      core.log('VM_DOWN', { VmName: vm.name, ExitMessage: exit }, subject);
      core.endJob(job);
      return false;
    },
  ]);
}

/** Marks the VM down at once (no event): used by power-off, fencing and the sim's kill. */
export function setDown(core: EngineCore, vm: SimVm, reason?: string): void {
  core.timeline.cancel(vmKey(vm));
  vm.status = 'down';
  vm.hostId = undefined;
  vm.stopTime = core.state.time();
  vm.stopReason = reason;
  vm.runningPayloads = [];
  vm.runOnce = false;
  for (const cd of vm.cdroms) cd.currentFileId = cd.fileId;
}

/** up → saving_state → suspended (HibernateVm). */
export function hibernate(core: EngineCore, vm: SimVm, job: SimJob | undefined): void {
  vm.status = 'saving_state';
  const hostName = core.hostName(vm.hostId);
  core.timeline.chain(vmKey(vm), [
    () => {
      const subject = core.vmSubject(vm);
      vm.status = 'suspended';
      vm.hostId = undefined;
      vm.stopTime = core.state.time();
      core.log('USER_SUSPEND_VM_OK', { VmName: vm.name, VdsName: hostName }, subject);
      core.endJob(job);
      return false;
    },
  ]);
}

/** up → migrating → up on the destination (or back on the source if the destination left). */
export function migrateTo(
  core: EngineCore,
  vm: SimVm,
  destination: SimHost,
  job: SimJob | undefined,
): void {
  const source = vm.hostId;
  const started = core.state.time();
  vm.status = 'migrating';
  core.timeline.chain(vmKey(vm), [
    () => {
      const sourceName = core.hostName(source);
      if (destination.status !== 'up') {
        vm.status = 'up';
        core.log(
          'VM_MIGRATION_FAILED',
          { VmName: vm.name, VdsName: sourceName, DueToMigrationError: '' },
          core.vmSubject(vm),
        );
        core.endJob(job, 'failed');
        return false;
      }
      vm.hostId = destination.id;
      vm.status = 'up';
      const ms = core.state.time() - started;
      core.log(
        'VM_MIGRATION_DONE',
        {
          VmName: vm.name,
          VdsName: sourceName,
          DestinationVdsName: destination.name,
          Duration: `${Math.max(1, Math.round(ms / 1000))} seconds`,
          TotalDuration: `${Math.max(1, Math.round(ms / 1000))} seconds`,
          ActualDowntime: '(N/A)',
        },
        core.vmSubject(vm),
      );
      core.endJob(job);
      return false;
    },
  ]);
}

/** paused → up (resuming a paused VM). */
export function resume(core: EngineCore, vm: SimVm, actor: Actor): void {
  core.timeline.chain(vmKey(vm), [
    () => {
      vm.status = 'up';
      core.log(
        'USER_RESUME_VM',
        { VmName: vm.name, VdsName: core.hostName(vm.hostId), UserName: core.userName(actor) },
        core.vmSubject(vm, actor),
      );
      return false;
    },
  ]);
}
