import type { VmStatus } from '../model/types.js';

/**
 * The engine's validation messages used by the simulator, with their texts (AppErrors.properties)
 * and error types (EngineMessage.java) from oVirt/ovirt-engine. The error type decides the HTTP
 * status (restapi ErrorMessageHelper#getErrorStatus).
 */
type ErrorType = 'CONFLICT' | 'BAD_PARAMETERS' | 'CONSTRAINT_VIOLATION' | 'NOT_SUPPORTED' | 'NONE';

const MESSAGES = {
  ACTION_TYPE_FAILED_VM_IS_RUNNING: ['Cannot ${action} ${type}. VM is running.', 'CONFLICT'],
  ACTION_TYPE_FAILED_VM_IS_NOT_RUNNING: [
    'Cannot ${action} ${type}. VM is not running.',
    'CONFLICT',
  ],
  ACTION_TYPE_FAILED_VM_IS_NOT_UP: ['Cannot ${action} ${type}. VM is not up.', 'CONFLICT'],
  ACTION_TYPE_FAILED_VM_STATUS_ILLEGAL: [
    'Cannot ${action} ${type} because the VM is in ${vmStatus} status.',
    'CONFLICT',
  ],
  ACTION_TYPE_FAILED_VM_IS_SAVING_RESTORING: [
    'Cannot ${action} ${type}. VM is in saving/restoring state.\n-Please try again when the VM is either up or down.',
    'CONFLICT',
  ],
  ACTION_TYPE_FAILED_MIGRATION_IN_PROGRESS: [
    'Cannot ${action} ${type}. VM migration is in progress',
    'CONFLICT',
  ],
  ACTION_TYPE_FAILED_VM_IS_PINNED_TO_HOST: [
    'Cannot ${action} ${type}. VM is pinned to Host.',
    'CONFLICT',
  ],
  ACTION_TYPE_FAILED_VM_IS_NON_MIGRTABLE_AND_IS_NOT_FORCED_BY_USER_TO_MIGRATE: [
    'Cannot ${action} ${type}. VM is non migratable and user did not specify the force-migration flag',
    'CONFLICT',
  ],
  ACTION_TYPE_FAILED_MIGRATION_TO_SAME_HOST: [
    'Cannot ${action} ${type}. source and destination is the same.',
    'CONFLICT',
  ],
  ACTION_TYPE_FAILED_MIGRATE_BETWEEN_TWO_CLUSTERS: [
    'Cannot ${action} ${type}. If target Cluster is not specified VM can be migrated only between Hosts in the same Cluster.\n-Please select target Host in the same Cluster to run the VM or specify a target Cluster.',
    'CONFLICT',
  ],
  ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL: [
    'Cannot ${action} ${type}. Operation can be performed only when Host status is ${hostStatus}.',
    'CONFLICT',
  ],
  ACTION_TYPE_FAILED_STORAGE_POOL_STATUS_ILLEGAL: [
    'Cannot ${action} ${type}. Unknown Data Center status.',
    'CONFLICT',
  ],
  VDS_INVALID_SERVER_ID: ['Cannot ${action} ${type}. Invalid Host Id.', 'BAD_PARAMETERS'],
  SCHEDULING_NO_HOSTS: [
    'There are no hosts to use. Check that the cluster contains at least one host in Up state.',
    'NONE',
  ],
  SCHEDULING_ALL_HOSTS_FILTERED_OUT: [
    'Cannot ${action} ${type}. There is no host that satisfies current scheduling constraints. See below for details:',
    'CONFLICT',
  ],
  SCHEDULING_HOST_FILTERED_REASON_WITH_DETAIL: [
    'The host ${hostName} did not satisfy ${filterType} filter ${filterName} because ${detailMessage}.',
    'NONE',
  ],
  VDS_ALREADY_UP: ['Cannot ${action} ${type}. Host in Up status.', 'CONFLICT'],
  VDS_NON_RESPONSIVE: ['Cannot ${action} ${type}. Host is in non responsive state.', 'CONFLICT'],
  VDS_CANNOT_MAINTENANCE_VDS_IS_NOT_OPERATIONAL: [
    'Cannot switch Host to Maintenance mode, Host is not operational.',
    'CONFLICT',
  ],
  VDS_CANNOT_MAINTENANCE_VDS_IS_IN_MAINTENANCE: [
    'Cannot switch Host to Maintenance mode. Host is already in Maintenance mode.',
    'CONFLICT',
  ],
  VDS_CANNOT_MAINTENANCE_SPM_CONTENDING: [
    'Cannot switch Host to Maintenance mode. Host is contending for Storage Pool Manager,\nwait for operation to complete and retry.',
    'CONFLICT',
  ],
  VDS_CANNOT_MAINTENANCE_VDS_IS_NOT_RESPONDING_AND_IS_SPM: [
    'Cannot switch Host to Maintenance mode.\nHost is Storage Pool Manager and is in Non Responsive state.\n- If power management is configured, engine will try to fence the host automatically.\n- Otherwise, either bring the node back up, or release the SPM resource.',
    'CONFLICT',
  ],
  VDS_CANNOT_MAINTENANCE_VDS_IS_NOT_RESPONDING_WITH_VMS: [
    'Cannot switch Host to Maintenance mode.\nHost still has running VMs on it and is in Non Responsive state.',
    'CONFLICT',
  ],
  VDS_CANNOT_MAINTENANCE_IT_INCLUDES_NON_MIGRATABLE_VM: [
    'Cannot switch the following Hosts to Maintenance mode: ${HostsList}.\nOne or more running VMs are indicated as non-migratable. The non-migratable VMs are: ${VmsList}.',
    'CONFLICT',
  ],
  CANNOT_MAINTENANCE_VDS_RUN_VMS_NO_OTHER_RUNNING_VDS: [
    'The following Hosts have running VMs and cannot be switched to maintenance mode: ${HostsList}.\nPlease ensure that the following Clusters have at least one Host in UP state: ${ClustersList}.',
    'CONFLICT',
  ],
  VDS_FENCE_DISABLED: ['Cannot fence Host, Host fence is disabled.', 'CONFLICT'],
  VDS_NO_VDS_PROXY_FOUND: [
    'Cannot ${action} ${type}.\nThere is no other Host in the Data Center that can be used to test the Power Management settings.',
    'CONFLICT',
  ],
  VDS_STATUS_NOT_VALID_FOR_STOP: [
    'Cannot perform Stop operation, Host has to be in Maintenance mode in order to be stopped.',
    'CONFLICT',
  ],
  VDS_STATUS_NOT_VALID_FOR_START: [
    'Cannot perform Start operation, Host has to be in one of the following statuses: Down ,Non Responsive or Maintenance.',
    'CONFLICT',
  ],
  VDS_FENCE_OPERATION_FAILED: ['Cannot ${action} ${type}. Fence operation failed.', 'CONFLICT'],
  ACTION_TYPE_FAILED_VDS_NOT_MATCH_VALID_STATUS: [
    'Cannot ${action} ${type}. Valid Host statuses are "Non operational", "Maintenance" or "Connecting".',
    'CONFLICT',
  ],
  CANNOT_FORCE_SELECT_SPM_VDS_NOT_UP: [
    'Cannot ${action} ${type}. The Host ${VdsName} is not active.',
    'CONFLICT',
  ],
  CANNOT_FORCE_SELECT_SPM_VDS_NOT_IN_POOL: [
    'Cannot ${action} ${type}. The Host is not a part of a Storage Pool.',
    'CONFLICT',
  ],
  CANNOT_FORCE_SELECT_SPM_VDS_ALREADY_SPM: [
    'Cannot ${action} ${type}. The Host ${VdsName} is already SPM or contending.',
    'CONFLICT',
  ],
  CANNOT_FORCE_SELECT_SPM_VDS_MARKED_AS_NEVER_SPM: [
    "Cannot ${action} ${type}. The SPM priority of Host ${VdsName} is set to 'never'. This Host cannot be elected as SPM.",
    'CONSTRAINT_VIOLATION',
  ],
  CANNOT_FORCE_SELECT_SPM_STORAGE_POOL_HAS_RUNNING_TASKS: [
    'Cannot ${action} ${type}. The Storage Pool has running tasks.',
    'CONFLICT',
  ],
  ACTION_TYPE_FAILED_OBJECT_LOCKED: [
    'Cannot ${action} ${type}. Related operation is currently in progress. Please try again later.',
    'CONFLICT',
  ],
  VDS_NOT_EXIST: [
    'Cannot ${action} ${type}. Internal Error: Host does not exists in DB.',
    'BAD_PARAMETERS',
  ],
  VM_STATUS_NOT_VALID_FOR_UPDATE: [
    'Cannot update a VM in this status. Try stopping the VM first.',
    'CONFLICT',
  ],
  VM_CANNOT_MOVE_TO_CLUSTER_IN_OTHER_STORAGE_POOL: [
    'VM can be moved only to a Cluster in the same Data Center.',
    'CONFLICT',
  ],
  VM_CLUSTER_IS_NOT_VALID: ['Cannot ${action} ${type}. Cluster ID is not valid.', 'BAD_PARAMETERS'],
  ACTION_TYPE_FAILED_VM_NOT_FOUND: ['Cannot ${action} ${type}. VM is not found.', 'BAD_PARAMETERS'],
  ACTION_TYPE_FAILED_NAME_ALREADY_USED: [
    'Cannot ${action} ${type}. The ${type} name is already in use, please choose a unique name and try again.',
    'CONFLICT',
  ],
} as const satisfies Record<string, readonly [string, ErrorType]>;

export type MessageKey = keyof typeof MESSAGES;

/** One translated line of a validation failure, with its placeholders. */
export interface EngineMessage {
  readonly key: MessageKey;
  readonly vars?: Readonly<Record<string, string>>;
}

/** The `$action` and `$type` words of each command (VAR__ACTION__*, VAR__TYPE__*). */
export type ActionWord =
  | 'run'
  | 'stop'
  | 'shutdown'
  | 'migrate'
  | 'hibernate'
  | 'reboot'
  | 'activate'
  | 'maintenance'
  | 'force select'
  | 'start'
  | 'restart'
  | "confirm 'Host has been rebooted'"
  | 'Change CD'
  | 'edit'
  | 'set';
export type TypeWord = 'VM' | 'Host' | 'SPM' | 'Virtual Machine Ticket' | 'VM Cluster';

/**
 * A failed engine command as the REST layer reports it: HTTP status, fault reason and the
 * detail in Java `List.toString` form (`[Cannot run VM because the VM is in Up status.]`).
 * `bare` faults are returned as `<fault>` even for actions (e.g. mixed initialization types).
 */
export class EngineFault extends Error {
  readonly httpStatus: number;
  readonly reason: string;
  readonly detail: string;
  readonly bare: boolean;

  constructor(httpStatus: number, reason: string, detail: string, bare = false) {
    super(`${reason}: ${detail}`);
    this.name = 'EngineFault';
    this.httpStatus = httpStatus;
    this.reason = reason;
    this.detail = detail;
    this.bare = bare;
  }
}

function render(template: string, vars: Readonly<Record<string, string>>): string {
  return template.replace(/\$\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);
}

/** Builds the fault of a failed validation, like Backend + BackendResource#handleError. */
export function validationFault(
  action: ActionWord,
  type: TypeWord,
  ...messages: EngineMessage[]
): EngineFault {
  const lines = messages.map((m) =>
    render(MESSAGES[m.key][0], { action, type, ...(m.vars ?? {}) }),
  );
  const types = messages.map((m) => MESSAGES[m.key][1] as ErrorType);
  let status = 400;
  if (
    types.some(
      (t) => t === 'BAD_PARAMETERS' || t === 'CONSTRAINT_VIOLATION' || t === 'NOT_SUPPORTED',
    )
  ) {
    status = 400;
  } else if (types.includes('CONFLICT')) {
    status = 409;
  }
  return new EngineFault(status, 'Operation Failed', `[${lines.join(', ')}]`);
}

/** The localized VM status names used in `${vmStatus}` (LocalizedVmStatus, VAR__VM_STATUS__*). */
export const LOCALIZED_VM_STATUS: Record<VmStatus, string> = {
  unassigned: 'Unassigned',
  down: 'Down',
  up: 'Up',
  powering_up: 'Powering Up',
  paused: 'Paused',
  migrating: 'Migrating',
  unknown: 'Unknown',
  not_responding: 'Not Responding',
  wait_for_launch: 'Wait for Launch',
  reboot_in_progress: 'Reboot in Progress',
  saving_state: 'Saving State',
  restoring_state: 'Restoring State',
  suspended: 'Suspended',
  image_locked: 'Image Locked',
  powering_down: 'Powering Down',
};

/** The Java enum names events print for `${VmStatus}` (e.g. `VM_ALREADY_IN_REQUESTED_STATUS`). */
export const JAVA_VM_STATUS: Partial<Record<VmStatus, string>> = {
  down: 'Down',
  up: 'Up',
  suspended: 'Suspended',
};
