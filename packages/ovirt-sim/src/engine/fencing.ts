import type { PowerState, SimHost } from '../model/types.js';
import { type Actor, type EngineCore, hostKey } from './core.js';
import { bringUp, markNonResponsive } from './host-lifecycle.js';
import { validationFault, type ActionWord } from './messages.js';
import type { SpmManager } from './spm.js';
import type { CommandResult } from './vm-commands.js';
import { vmsDownAfterFence } from './vm-failures.js';

export const FENCE_TYPES = ['manual', 'restart', 'start', 'stop', 'status'] as const;
export type FenceType = (typeof FENCE_TYPES)[number];

/** A fence result: the job, or for `status` the power state or the query's failure text. */
export interface FenceResult extends CommandResult {
  readonly powerStatus?: PowerState;
  readonly failureReason?: string;
}

const MANUAL_FENCE_OK = [
  'down',
  'install_failed',
  'maintenance',
  'non_operational',
  'non_responsive',
  'reboot',
  'installing',
  'connecting',
  'kdumping',
];

/** A fence proxy: another up host of the data center runs the fence agent (pm_proxies). */
function hasProxy(core: EngineCore, host: SimHost): boolean {
  const dc = core.state.dataCenterOfHost(host);
  if (dc === undefined) return false;
  return core.state.hostsOfDataCenter(dc.id).some((h) => h.id !== host.id && h.status === 'up');
}

function checkPowerManagement(core: EngineCore, host: SimHost, action: ActionWord): void {
  if (!host.powerManagement.enabled)
    throw validationFault(action, 'Host', { key: 'VDS_FENCE_DISABLED' });
  if (!hasProxy(core, host))
    throw validationFault(action, 'Host', { key: 'VDS_NO_VDS_PROXY_FOUND' });
}

/** `POST /hosts/{id}/fence` with a valid `fence_type` (BackendHostResource#fence). */
export function fenceHost(
  core: EngineCore,
  spm: SpmManager,
  host: SimHost,
  type: FenceType,
  options: { maintenanceAfterRestart: boolean },
  actor: Actor,
): FenceResult {
  switch (type) {
    case 'status':
      return fenceStatus(host);
    case 'manual':
      return fenceManually(core, spm, host, actor);
    case 'stop': {
      checkPowerManagement(core, host, 'stop');
      if (host.status !== 'maintenance')
        throw validationFault('stop', 'Host', { key: 'VDS_STATUS_NOT_VALID_FOR_STOP' });
      return powerCycle(core, spm, host, 'stop', options, actor);
    }
    case 'start': {
      checkPowerManagement(core, host, 'start');
      if (!['down', 'non_responsive', 'maintenance'].includes(host.status)) {
        throw validationFault('start', 'Host', { key: 'VDS_STATUS_NOT_VALID_FOR_START' });
      }
      return powerCycle(core, spm, host, 'start', options, actor);
    }
    case 'restart':
      checkPowerManagement(core, host, 'restart');
      return powerCycle(core, spm, host, 'restart', options, actor);
  }
}

/** GetVdsFenceStatus: a failed query is a 200 `<action>` with a fault (handleFailure). */
function fenceStatus(host: SimHost): FenceResult {
  if (!host.powerManagement.enabled) {
    return { failureReason: `Power Management is not enabled for Host ${host.name}.` };
  }
  if (!host.pmReachable) {
    return {
      failureReason: `Failed to get power status of Host ${host.name}: cannot reach fence agent ${host.powerManagement.agentAddress}.`,
    };
  }
  return { powerStatus: host.powered ? 'on' : 'off' };
}

/** FenceVdsManualy: the operator confirms the host was rebooted; its VMs and SPM role are freed. */
function fenceManually(
  core: EngineCore,
  spm: SpmManager,
  host: SimHost,
  actor: Actor,
): FenceResult {
  const action: ActionWord = "confirm 'Host has been rebooted'";
  if (!MANUAL_FENCE_OK.includes(host.status)) {
    throw validationFault(action, 'Host', { key: 'ACTION_TYPE_FAILED_VDS_NOT_MATCH_VALID_STATUS' });
  }
  if (host.spm.status === 'spm') {
    const dc = core.state.dataCenterOfHost(host);
    if (
      dc === undefined ||
      !['not_operational', 'problematic', 'maintenance'].includes(dc.status)
    ) {
      throw validationFault(action, 'Host', {
        key: 'ACTION_TYPE_FAILED_STORAGE_POOL_STATUS_ILLEGAL',
      });
    }
  }
  const job = core.startJob(`Fencing Host ${host.name} manually`, actor);
  core.log('VDS_MANUAL_FENCE_STATUS', { VdsName: host.name }, core.hostSubject(host, actor));
  spm.release(host);
  vmsDownAfterFence(core, host);
  core.onHostsChanged();
  core.endJob(job);
  return { job };
}

type PowerAction = 'stop' | 'start' | 'restart';

/** StopVds / StartVds / RestartVds through the fence agent. */
function powerCycle(
  core: EngineCore,
  spm: SpmManager,
  host: SimHost,
  action: PowerAction,
  options: { maintenanceAfterRestart: boolean },
  actor: Actor,
): FenceResult {
  const cluster = core.state.clusters.get(host.clusterId)?.name ?? '';
  const verb = { stop: 'Stopping', start: 'Starting', restart: 'Restarting' }[action];
  const job = core.startJob(`${verb} Host ${host.name} (Fencing) on Cluster ${cluster}`, actor);
  const subject = core.hostSubject(host, actor);
  const agentStep = (step: 'stop' | 'start'): void => {
    core.log('FENCE_OPERATION_STARTED', { Action: step, VdsName: host.name }, subject);
    if (!host.pmReachable) {
      core.log('FENCE_OPERATION_FAILED', { Action: step, VdsName: host.name }, subject);
      core.endJob(job, 'failed');
      throw validationFault(action, 'Host', { key: 'VDS_FENCE_OPERATION_FAILED' });
    }
    core.log('FENCE_OPERATION_SUCCEEDED', { Action: step, VdsName: host.name }, subject);
  };
  const wasMaintenance = host.status === 'maintenance';
  if (action !== 'start') {
    agentStep('stop');
    host.powered = false;
    core.timeline.cancel(hostKey(host));
    spm.release(host);
    vmsDownAfterFence(core, host);
    host.status = 'down';
  }
  if (action === 'stop') {
    core.log('USER_VDS_STOP', { VdsName: host.name, UserName: core.userName(actor) }, subject);
    core.onHostsChanged();
    core.endJob(job);
    return { job };
  }
  agentStep('start');
  host.powered = true;
  if (host.rebootFixes) host.reachable = true;
  host.status = 'reboot';
  core.onHostsChanged();
  core.log(
    action === 'restart' ? 'USER_VDS_RESTART' : 'USER_VDS_START',
    { VdsName: host.name, UserName: core.userName(actor) },
    subject,
  );
  core.timeline.chain(hostKey(host), [
    () => {
      if (wasMaintenance || options.maintenanceAfterRestart) {
        host.status = 'maintenance';
        core.onHostsChanged();
        core.endJob(job);
      } else if (host.reachable) {
        bringUp(core, host, job);
      } else {
        markNonResponsive(core, host);
        core.endJob(job);
      }
      return false;
    },
  ]);
  return { job };
}
