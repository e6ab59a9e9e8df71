import type { SimHost, SimVm } from '../model/types.js';
import { type EngineCore, SYSTEM_ACTOR } from './core.js';
import { EngineFault } from './messages.js';
import { scheduleVm } from './scheduling.js';
import { launch, setDown } from './vm-lifecycle.js';

/**
 * What happens to VMs when things break underneath them: qemu dies, the host stops answering,
 * the host is fenced. Highly available VMs are restarted by the engine, as oVirt does — which
 * is exactly the "two controllers fighting over one VM" case seed-facts.md §1 warns about.
 */

const HA_RETRIES = 20;

/** The VM's qemu process died: down with error, as VdsManager reports it. */
export function vmDied(core: EngineCore, vm: SimVm): void {
  const subject = core.vmSubject(vm);
  setDown(core, vm);
  core.log(
    'VM_DOWN_ERROR',
    { VmName: vm.name, ExitMessage: 'Exit message: Lost connection with qemu process' },
    subject,
  );
  if (vm.highAvailability.enabled) restartHighlyAvailable(core, vm);
}

/** Running VMs of a host that stopped answering: their status becomes unknown. */
export function vmsUnknown(core: EngineCore, host: SimHost): void {
  for (const vm of core.state.vmsOnHost(host.id)) {
    if (vm.status === 'down' || vm.status === 'unknown') continue;
    core.timeline.cancel(`vm:${vm.id}`);
    vm.status = 'unknown';
    core.log('VM_SET_TO_UNKNOWN_STATUS', { VmName: vm.name }, core.vmSubject(vm));
  }
}

/** After a reboot or a manual fence the host's VMs are known to be down. */
export function vmsDownAfterFence(core: EngineCore, host: SimHost): void {
  for (const vm of core.state.vmsOnHost(host.id)) {
    const subject = core.vmSubject(vm);
    setDown(core, vm);
    core.log(
      'VM_WAS_SET_DOWN_DUE_TO_HOST_REBOOT_OR_MANUAL_FENCE',
      { VmName: vm.name, VdsName: host.name },
      subject,
    );
    if (vm.highAvailability.enabled) restartHighlyAvailable(core, vm);
  }
}

/** Host back on the network: its unknown VMs are running after all. */
export function vmsBackUp(core: EngineCore, host: SimHost): void {
  for (const vm of core.state.vmsOnHost(host.id)) {
    if (vm.status === 'unknown') vm.status = 'up';
  }
}

/**
 * The engine restarts a failed highly available VM elsewhere (HA_VM_FAILED, then
 * VDS_INITIATED_RUN_VM), retrying while no host can take it.
 */
export function restartHighlyAvailable(core: EngineCore, vm: SimVm): void {
  core.log('HA_VM_FAILED', { VmName: vm.name }, core.vmSubject(vm));
  core.initiatingVms.add(vm.id);
  const attempt = (left: number): void => {
    core.timeline.after(core.timeline.stepMs * 2, () => {
      if (vm.status !== 'down' || !vm.highAvailability.enabled) {
        core.initiatingVms.delete(vm.id);
        return;
      }
      let host: SimHost;
      try {
        host = scheduleVm(core, vm, 'run');
      } catch (err) {
        if (!(err instanceof EngineFault)) throw err;
        if (left > 0) attempt(left - 1);
        else core.initiatingVms.delete(vm.id);
        return;
      }
      core.initiatingVms.delete(vm.id);
      core.log('VDS_INITIATED_RUN_VM', { VmName: vm.name, VdsName: host.name }, core.vmSubject(vm));
      const job = core.startJob(`Launching VM ${vm.name}`, SYSTEM_ACTOR);
      launch(core, vm, host, { job, runOnce: false, pause: false });
    });
  };
  attempt(HA_RETRIES);
}
