import type { SimHost } from '../model/types.js';
import type { Actor, EngineCore } from './core.js';
import { bringUp, enterMaintenance } from './host-lifecycle.js';
import { validationFault, type EngineMessage } from './messages.js';
import type { SpmManager } from './spm.js';
import type { CommandResult } from './vm-commands.js';

/** ActivateVds (`POST /hosts/{id}/activate`), HostValidator#validateStatusForActivation. */
export function activateHost(core: EngineCore, host: SimHost, actor: Actor): CommandResult {
  if (host.status === 'up') throw validationFault('activate', 'Host', { key: 'VDS_ALREADY_UP' });
  if (host.status === 'non_responsive')
    throw validationFault('activate', 'Host', { key: 'VDS_NON_RESPONSIVE' });
  const job = core.startJob(`Invoking Activate Host ${host.name}`, actor);
  core.log(
    'VDS_ACTIVATE',
    { VdsName: host.name, UserName: core.userName(actor) },
    core.hostSubject(host, actor),
  );
  bringUp(core, host, job);
  return { job };
}

const MAINTENANCE_OK = [
  'maintenance',
  'non_responsive',
  'up',
  'error',
  'preparing_for_maintenance',
  'down',
  'non_operational',
  'install_failed',
];

/** MaintenanceNumberOfVdss (`POST /hosts/{id}/deactivate`), validations in the engine's order. */
export function deactivateHost(
  core: EngineCore,
  host: SimHost,
  reason: string | undefined,
  actor: Actor,
): CommandResult {
  const fail = (message: EngineMessage) => validationFault('maintenance', 'Host', message);
  if (!MAINTENANCE_OK.includes(host.status))
    throw fail({ key: 'VDS_CANNOT_MAINTENANCE_VDS_IS_NOT_OPERATIONAL' });
  const running = core.state.vmsOnHost(host.id);
  const pinned = running.filter((vm) => vm.placement.affinity === 'pinned');
  if (pinned.length > 0) {
    throw fail({
      key: 'VDS_CANNOT_MAINTENANCE_IT_INCLUDES_NON_MIGRATABLE_VM',
      vars: { HostsList: host.name, VmsList: pinned.map((vm) => vm.name).join(', ') },
    });
  }
  if (host.status === 'maintenance')
    throw fail({ key: 'VDS_CANNOT_MAINTENANCE_VDS_IS_IN_MAINTENANCE' });
  if (host.spm.status === 'contending')
    throw fail({ key: 'VDS_CANNOT_MAINTENANCE_SPM_CONTENDING' });
  if (host.status === 'non_responsive' && running.length > 0) {
    throw fail({ key: 'VDS_CANNOT_MAINTENANCE_VDS_IS_NOT_RESPONDING_WITH_VMS' });
  }
  if (host.status === 'non_responsive' && host.spm.status !== 'none') {
    throw fail({ key: 'VDS_CANNOT_MAINTENANCE_VDS_IS_NOT_RESPONDING_AND_IS_SPM' });
  }
  if (running.length > 0) {
    const others = core.state
      .hostsOfCluster(host.clusterId)
      .filter((h) => h.id !== host.id && h.status === 'up');
    if (others.length === 0) {
      throw fail({
        key: 'CANNOT_MAINTENANCE_VDS_RUN_VMS_NO_OTHER_RUNNING_VDS',
        vars: {
          HostsList: host.name,
          ClustersList: core.state.clusters.get(host.clusterId)?.name ?? '',
        },
      });
    }
  }
  const job = core.startJob(`Moving Host(s) ${host.name} to Maintenance`, actor);
  const userName = core.userName(actor);
  if (reason === undefined || reason === '') {
    core.log(
      'USER_VDS_MAINTENANCE_WITHOUT_REASON',
      { VdsName: host.name, UserName: userName },
      core.hostSubject(host, actor),
    );
  } else {
    core.log(
      'USER_VDS_MAINTENANCE',
      { VdsName: host.name, UserName: userName, Reason: reason },
      core.hostSubject(host, actor),
    );
  }
  enterMaintenance(core, host, job);
  return { job };
}

/** ForceSelectSPM (`POST /hosts/{id}/forceselectspm`), ForceSelectSPMCommand#validate. */
export function forceSelectSpm(
  core: EngineCore,
  spm: SpmManager,
  host: SimHost,
  actor: Actor,
): CommandResult {
  const vars = { VdsName: host.name };
  const fail = (key: EngineMessage['key']) => validationFault('force select', 'SPM', { key, vars });
  if (host.status !== 'up') throw fail('CANNOT_FORCE_SELECT_SPM_VDS_NOT_UP');
  const dc = core.state.dataCenterOfHost(host);
  if (dc === undefined || dc.status === 'uninitialized')
    throw fail('CANNOT_FORCE_SELECT_SPM_VDS_NOT_IN_POOL');
  if (host.spm.status !== 'none') throw fail('CANNOT_FORCE_SELECT_SPM_VDS_ALREADY_SPM');
  if (host.spm.priority === -1) throw fail('CANNOT_FORCE_SELECT_SPM_VDS_MARKED_AS_NEVER_SPM');
  if (dc.status !== 'up') throw fail('ACTION_TYPE_FAILED_STORAGE_POOL_STATUS_ILLEGAL');
  const job = core.startJob(
    `Force selecting ${host.name} as SPM for Data Center ${dc.name}`,
    actor,
  );
  core.log(
    'USER_FORCE_SELECTED_SPM',
    { VdsName: host.name, UserName: core.userName(actor) },
    core.hostSubject(host, actor),
  );
  spm.contend(dc, host, job);
  return { job };
}
