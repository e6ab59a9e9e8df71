import type { SimHost, SimJob } from '../model/types.js';
import { type EngineCore, hostKey, SYSTEM_ACTOR } from './core.js';
import { EngineFault } from './messages.js';
import { scheduleVm } from './scheduling.js';
import { startMigration } from './vm-commands.js';
import { vmsBackUp, vmsUnknown } from './vm-failures.js';

/**
 * Timed host status transitions (ovirt-api.md §4): activation, maintenance with live migration
 * of the host's VMs, loss and return of the management connection.
 */

/** maintenance → unassigned → initializing → up (or non_responsive if unreachable). */
export function bringUp(core: EngineCore, host: SimHost, job: SimJob | undefined): void {
  host.status = 'unassigned';
  host.statusDetail = undefined;
  core.onHostsChanged();
  core.timeline.chain(hostKey(host), [
    () => {
      host.status = 'initializing';
      return true;
    },
    () => {
      if (host.reachable && host.powered) {
        host.status = 'up';
        core.log('VDS_DETECTED', { VdsName: host.name, HostStatus: 'Up' }, core.hostSubject(host));
        core.endJob(job);
      } else {
        markNonResponsive(core, host);
        core.endJob(job, 'failed');
      }
      core.onHostsChanged();
      return false;
    },
  ]);
}

/**
 * up → preparing_for_maintenance → maintenance. The SPM role is released at once; running VMs
 * are live-migrated to other up hosts of the cluster; the host reaches maintenance when none
 * is left on it.
 */
export function enterMaintenance(core: EngineCore, host: SimHost, job: SimJob | undefined): void {
  host.status = 'preparing_for_maintenance';
  if (host.spm.status !== 'none') host.spm.status = 'none';
  core.onHostsChanged();
  migrateAway(core, host);
  const check = (): false => {
    if (host.status !== 'preparing_for_maintenance') return false;
    if (core.state.vmsOnHost(host.id).length > 0) {
      migrateAway(core, host);
      core.timeline.chain(hostKey(host), [check]);
      return false;
    }
    host.status = 'maintenance';
    core.log('VDS_MAINTENANCE', { VdsName: host.name }, core.hostSubject(host));
    core.endJob(job);
    core.onHostsChanged();
    return false;
  };
  core.timeline.chain(hostKey(host), [check]);
}

/** Live-migrates the host's running VMs elsewhere in the cluster (MaintenanceVds). */
function migrateAway(core: EngineCore, host: SimHost): void {
  for (const vm of core.state.vmsOnHost(host.id)) {
    if (vm.status !== 'up' && vm.status !== 'powering_up' && vm.status !== 'paused') continue;
    try {
      const target = scheduleVm(core, vm, 'migrate', { blackList: [host.id] });
      startMigration(core, vm, target, SYSTEM_ACTOR, false, 'Host preparing for maintenance');
    } catch (err) {
      if (!(err instanceof EngineFault)) throw err;
      // No destination: the host stays in preparing_for_maintenance, as the engine's does.
    }
  }
}

/** The engine lost the host: non_responsive, its VMs unknown; an SPM keeps its role. */
export function markNonResponsive(core: EngineCore, host: SimHost): void {
  core.timeline.cancel(hostKey(host));
  const wasAlready = host.status === 'non_responsive';
  host.status = 'non_responsive';
  if (!wasAlready) {
    core.log('VDS_FAILURE', { VdsName: host.name }, core.hostSubject(host));
    if (!host.powerManagement.enabled) {
      core.log('VDS_HOST_NOT_RESPONDING', { VdsName: host.name }, core.hostSubject(host));
    }
  }
  vmsUnknown(core, host);
  core.onHostsChanged();
}

/** The management connection is back: non_responsive → up after one step. */
export function reconnect(core: EngineCore, host: SimHost): void {
  core.timeline.chain(hostKey(host), [
    () => {
      if (host.status !== 'non_responsive' || !host.reachable) return false;
      host.status = 'up';
      core.log('VDS_DETECTED', { VdsName: host.name, HostStatus: 'Up' }, core.hostSubject(host));
      vmsBackUp(core, host);
      core.onHostsChanged();
      return false;
    },
  ]);
}
