import type { SimHost, SimJob, SimVm, VmStatus } from '../model/types.js';
import type { Actor, EngineCore } from './core.js';
import { LOCALIZED_VM_STATUS, validationFault, type ActionWord } from './messages.js';
import { scheduleVm } from './scheduling.js';
import { hibernate, launch, migrateTo, powerOff, resume, setDown } from './vm-lifecycle.js';

/** What a command hands back to the REST layer: the job it created, if any. */
export interface CommandResult {
  readonly job?: SimJob | undefined;
}

async function underLock<T>(
  core: EngineCore,
  vm: SimVm,
  action: ActionWord,
  fn: () => T,
): Promise<T> {
  const held = core.vmLocks;
  if (held.has(vm.id))
    throw validationFault(action, 'VM', { key: 'ACTION_TYPE_FAILED_OBJECT_LOCKED' });
  held.add(vm.id);
  try {
    await core.commandDelay();
    return fn();
  } finally {
    held.delete(vm.id);
  }
}

function statusIllegal(action: ActionWord, status: VmStatus) {
  return validationFault(action, 'VM', {
    key: 'ACTION_TYPE_FAILED_VM_STATUS_ILLEGAL',
    vars: { vmStatus: LOCALIZED_VM_STATUS[status] },
  });
}

/** Statuses in which ActionUtils' matrix forbids RunVm (and RunVmOnce adds suspended, paused). */
const RUN_FORBIDDEN: readonly VmStatus[] = [
  'wait_for_launch',
  'up',
  'powering_down',
  'powering_up',
  'reboot_in_progress',
  'migrating',
  'saving_state',
  'restoring_state',
  'image_locked',
  'not_responding',
  'unassigned',
  'unknown',
];

/** VMStatus#isRunning: the statuses StopVm accepts besides paused/not_responding/suspended. */
const RUNNING: readonly VmStatus[] = [
  'up',
  'powering_down',
  'powering_up',
  'migrating',
  'wait_for_launch',
  'reboot_in_progress',
];

function checkStoragePoolUp(core: EngineCore, vm: SimVm): void {
  if (vm.diskAttachments.length === 0) return;
  const dc = core.state.dataCenters.get(core.state.clusters.get(vm.clusterId)?.dataCenterId ?? '');
  if (dc?.status !== 'up') {
    throw validationFault('run', 'VM', { key: 'ACTION_TYPE_FAILED_STORAGE_POOL_STATUS_ILLEGAL' });
  }
}

/** RunVm / RunVmOnce (`POST /vms/{id}/start`). */
export async function startVm(
  core: EngineCore,
  vm: SimVm,
  params: { runOnce: boolean; pause: boolean },
  actor: Actor,
): Promise<CommandResult> {
  return underLock(core, vm, 'run', () => {
    if (vm.status === 'paused' && !params.runOnce) {
      resume(core, vm, actor);
      return {};
    }
    const forbidden = params.runOnce ? [...RUN_FORBIDDEN, 'suspended', 'paused'] : RUN_FORBIDDEN;
    if (forbidden.includes(vm.status)) throw statusIllegal('run', vm.status);
    checkStoragePoolUp(core, vm);
    if (core.initiatingVms.has(vm.id)) {
      throw validationFault('run', 'VM', { key: 'ACTION_TYPE_FAILED_VM_IS_RUNNING' });
    }
    const host = scheduleVm(core, vm, 'run');
    const job = core.startJob(
      params.runOnce ? `Launching VM ${vm.name} in run-once mode` : `Launching VM ${vm.name}`,
      actor,
    );
    launch(core, vm, host, { job, runOnce: params.runOnce, pause: params.pause });
    core.log(
      'USER_STARTED_VM',
      { VmName: vm.name, VdsName: host.name, UserName: core.userName(actor) },
      core.vmSubject(vm, actor),
    );
    return { job };
  });
}

/** StopVm (`stop`) and ShutdownVm (`shutdown`): skipped with an event when already down. */
export async function powerOffVm(
  core: EngineCore,
  vm: SimVm,
  kind: 'stop' | 'shutdown',
  reason: string | undefined,
  actor: Actor,
): Promise<CommandResult> {
  const action: ActionWord = kind;
  return underLock(core, vm, action, () => {
    const userName = core.userName(actor);
    const optionalReason = reason === undefined || reason === '' ? '' : ` (Reason: ${reason})`;
    if (vm.status === 'down') {
      core.log(
        'VM_ALREADY_IN_REQUESTED_STATUS',
        {
          VmName: vm.name,
          VmStatus: 'Down',
          Action: kind === 'stop' ? 'Stop VM' : 'Shutdown VM',
          UserName: userName,
        },
        core.vmSubject(vm, actor),
      );
      return {};
    }
    const accepted =
      RUNNING.includes(vm.status) || ['paused', 'not_responding', 'suspended'].includes(vm.status);
    if (!accepted) {
      const key =
        vm.status === 'saving_state' || vm.status === 'restoring_state'
          ? 'ACTION_TYPE_FAILED_VM_IS_SAVING_RESTORING'
          : 'ACTION_TYPE_FAILED_VM_IS_NOT_RUNNING';
      throw validationFault(action, 'VM', { key });
    }
    if (vm.status === 'suspended') {
      setDown(core, vm, reason);
      core.log(
        'USER_STOP_SUSPENDED_VM',
        { VmName: vm.name, UserName: userName, OptionalReason: optionalReason },
        core.vmSubject(vm, actor),
      );
      return {};
    }
    const job = core.startJob(
      kind === 'stop' ? `Stopping VM ${vm.name}` : `Shutting down VM ${vm.name}`,
      actor,
    );
    core.log(
      kind === 'stop' ? 'USER_STOP_VM' : 'USER_INITIATED_SHUTDOWN_VM',
      {
        VmName: vm.name,
        VdsName: core.hostName(vm.hostId),
        UserName: userName,
        OptionalReason: optionalReason,
      },
      core.vmSubject(vm, actor),
    );
    powerOff(core, vm, kind, reason, job);
    return { job };
  });
}

/** HibernateVm (`suspend`). */
export async function suspendVm(core: EngineCore, vm: SimVm, actor: Actor): Promise<CommandResult> {
  return underLock(core, vm, 'hibernate', () => {
    if (vm.status === 'wait_for_launch' || vm.status === 'not_responding')
      throw statusIllegal('hibernate', vm.status);
    if (vm.status !== 'up')
      throw validationFault('hibernate', 'VM', { key: 'ACTION_TYPE_FAILED_VM_IS_NOT_UP' });
    const job = core.startJob(`Performing Hibernate action on VM ${vm.name}`, actor);
    core.log(
      'USER_SUSPEND_VM',
      { VmName: vm.name, VdsName: core.hostName(vm.hostId), UserName: core.userName(actor) },
      core.vmSubject(vm, actor),
    );
    hibernate(core, vm, job);
    return { job };
  });
}

/** MigrateVm / MigrateVmToServer (`migrate`, with or without a destination host). */
export async function migrateVm(
  core: EngineCore,
  vm: SimVm,
  params: {
    destination: SimHost | undefined;
    destinationGiven: boolean;
    force: boolean;
    reason?: string;
  },
  actor: Actor,
): Promise<CommandResult> {
  return underLock(core, vm, 'migrate', () => {
    const { destination } = params;
    if (params.destinationGiven) {
      if (destination === undefined)
        throw validationFault('migrate', 'VM', { key: 'VDS_INVALID_SERVER_ID' });
      if (destination.status !== 'up') {
        throw validationFault('migrate', 'VM', {
          key: 'ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL',
          vars: { hostStatus: 'Up' },
        });
      }
    }
    checkCanMigrate(vm, params.force);
    const target = scheduleVm(core, vm, 'migrate', {
      blackList: vm.hostId === undefined ? [] : [vm.hostId],
      ...(destination === undefined ? {} : { whiteList: [destination.id] }),
    });
    return startMigration(core, vm, target, actor, destination !== undefined, params.reason);
  });
}

/** VmValidator#canMigrate, in the engine's order. */
export function checkCanMigrate(vm: SimVm, force: boolean): void {
  if (vm.placement.affinity === 'pinned') {
    throw validationFault('migrate', 'VM', { key: 'ACTION_TYPE_FAILED_VM_IS_PINNED_TO_HOST' });
  }
  if (vm.placement.affinity === 'user_migratable' && !force) {
    throw validationFault('migrate', 'VM', {
      key: 'ACTION_TYPE_FAILED_VM_IS_NON_MIGRTABLE_AND_IS_NOT_FORCED_BY_USER_TO_MIGRATE',
    });
  }
  if (vm.status === 'migrating')
    throw validationFault('migrate', 'VM', { key: 'ACTION_TYPE_FAILED_MIGRATION_IN_PROGRESS' });
  if (vm.status === 'not_responding') throw statusIllegal('migrate', vm.status);
  if (!['up', 'powering_up', 'paused', 'reboot_in_progress'].includes(vm.status)) {
    throw validationFault('migrate', 'VM', { key: 'ACTION_TYPE_FAILED_VM_IS_NOT_RUNNING' });
  }
}

/** Starts a migration that passed validation; also used when a host goes to maintenance. */
export function startMigration(
  core: EngineCore,
  vm: SimVm,
  target: SimHost,
  actor: Actor,
  toChosenHost: boolean,
  reason?: string,
): CommandResult {
  const job = core.startJob(
    toChosenHost ? `Migrating VM ${vm.name} to Host ${target.name}` : `Migrating VM ${vm.name}`,
    actor,
  );
  const system = actor.id === '';
  core.log(
    system ? 'VM_MIGRATION_START_SYSTEM_INITIATED' : 'VM_MIGRATION_START',
    {
      VmName: vm.name,
      VdsName: core.hostName(vm.hostId),
      DestinationVdsName: target.name,
      UserName: core.userName(actor),
      OptionalReason: reason ?? '',
    },
    core.vmSubject(vm, actor),
  );
  migrateTo(core, vm, target, job);
  return { job };
}
