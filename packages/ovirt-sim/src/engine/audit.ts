import type { EventSubject, SimState } from '../model/state.js';
import type { EventSeverity, SimEvent } from '../model/types.js';

/**
 * Audit-log entries the simulator writes: code and severity from AuditLogType.java, text from
 * AuditLogMessages.properties (oVirt/ovirt-engine). These are the codes ManageIQ and other
 * pollers key on (ovirt-api.md §5).
 */
const AUDIT = {
  VDS_FAILURE: [12, 'error', 'Host ${VdsName} is non responsive.'],
  VDS_DETECTED: [13, 'normal', 'Status of host ${VdsName} was set to ${HostStatus}.'],
  VDS_MAINTENANCE: [15, 'normal', 'Host ${VdsName} was switched to Maintenance Mode.'],
  VDS_ACTIVATE: [16, 'normal', 'Activation of host ${VdsName} initiated by ${UserName}.'],
  USER_VDS_START: [20, 'normal', 'Host ${VdsName} was started by ${UserName}.'],
  USER_VDS_STOP: [21, 'normal', 'Host ${VdsName} was stopped by ${UserName}.'],
  USER_VDC_LOGIN: [
    30,
    'normal',
    "User ${UserName} connecting from '${SourceIP}' using session '${SessionID}' logged in.",
  ],
  USER_VDC_LOGOUT: [
    31,
    'normal',
    "User ${UserName} connected from '${SourceIP}' using session '${SessionID}' logged out.",
  ],
  USER_RUN_VM: [32, 'normal', 'VM ${VmName} started on Host ${VdsName}'],
  USER_STOP_VM: [
    33,
    'normal',
    'VM ${VmName} powered off by ${UserName} (Host: ${VdsName})${OptionalReason}.',
  ],
  USER_UPDATE_VM: [35, 'normal', 'VM ${VmName} configuration was updated by ${UserName}.'],
  USER_CHANGE_DISK_VM: [
    38,
    'normal',
    'CD ${DiskName} was inserted to VM ${VmName} by ${UserName}.',
  ],
  USER_RESUME_VM: [40, 'normal', 'VM ${VmName} was resumed by ${UserName} (Host: ${VdsName}).'],
  USER_VDS_RESTART: [41, 'normal', 'Host ${VdsName} was restarted by ${UserName}.'],
  VM_DOWN: [61, 'normal', 'VM ${VmName} is down. ${ExitMessage}'],
  VM_MIGRATION_START: [
    62,
    'normal',
    'Migration started (VM: ${VmName}, Source: ${VdsName}, Destination: ${DestinationVdsName}, User: ${UserName}). ${OptionalReason}',
  ],
  VM_MIGRATION_DONE: [
    63,
    'normal',
    'Migration completed (VM: ${VmName}, Source: ${VdsName}, Destination: ${DestinationVdsName}, Duration: ${Duration}, Total: ${TotalDuration}, Actual downtime: ${ActualDowntime})',
  ],
  VM_MIGRATION_FAILED: [
    65,
    'error',
    'Migration failed${DueToMigrationError} (VM: ${VmName}, Source: ${VdsName}).',
  ],
  VM_MIGRATION_START_SYSTEM_INITIATED: [
    67,
    'normal',
    'Migration initiated by system (VM: ${VmName}, Source: ${VdsName}, Destination: ${DestinationVdsName}, Reason: ${OptionalReason}).',
  ],
  USER_INITIATED_SHUTDOWN_VM: [
    73,
    'normal',
    'VM shutdown initiated by ${UserName} on VM ${VmName} (Host: ${VdsName})${OptionalReason}.',
  ],
  USER_STOP_SUSPENDED_VM: [
    111,
    'normal',
    'Suspended VM ${VmName} has had its save state cleared by ${UserName}${OptionalReason}.',
  ],
  VM_DOWN_ERROR: [119, 'error', 'VM ${VmName} is down with error. ${ExitMessage}.'],
  VM_SET_TO_UNKNOWN_STATUS: [142, 'warning', 'VM ${VmName} was set to the Unknown status.'],
  VM_WAS_SET_DOWN_DUE_TO_HOST_REBOOT_OR_MANUAL_FENCE: [
    143,
    'normal',
    'Vm ${VmName} was shut down due to ${VdsName} host reboot or manual fence',
  ],
  USER_STARTED_VM: [153, 'normal', 'VM ${VmName} was started by ${UserName} (Host: ${VdsName}).'],
  USER_REBOOT_VM: [157, 'normal', 'VM ${VmName} is rebooting. Rebooted by: ${UserName}'],
  USER_FORCE_SELECTED_SPM: [159, 'normal', 'Host ${VdsName} was force selected by ${UserName}'],
  IRS_HOSTED_ON_VDS: [
    204,
    'normal',
    'Storage Pool Manager runs on Host ${VdsName} (Address: ${ServerIp}), Data Center ${StoragePoolName}.',
  ],
  USER_UPDATE_VM_CLUSTER_DEFAULT_HOST_CLEARED: [
    250,
    'normal',
    '${VmName} cluster was updated by ${UserName}, Default host was reset to auto assign.',
  ],
  VM_ALREADY_IN_REQUESTED_STATUS: [
    254,
    'normal',
    'VM ${VmName} is already ${VmStatus}, ${Action} was skipped. User: ${UserName}.',
  ],
  VDS_MANUAL_FENCE_STATUS: [494, 'normal', 'Manual fence for host ${VdsName} was started.'],
  USER_SUSPEND_VM: [
    501,
    'normal',
    'Suspending VM ${VmName} was initiated by User ${UserName} (Host: ${VdsName}).',
  ],
  USER_SUSPEND_VM_OK: [503, 'normal', 'VM ${VmName} on Host ${VdsName} is suspended.'],
  VDS_INITIATED_RUN_VM: [506, 'normal', 'Trying to restart VM ${VmName} on Host ${VdsName}'],
  USER_EJECT_VM_DISK: [528, 'normal', 'CD was ejected from VM ${VmName} by ${UserName}.'],
  USER_VDS_MAINTENANCE: [
    600,
    'normal',
    'Host ${VdsName} was switched to Maintenance mode by ${UserName} (Reason: ${Reason}).',
  ],
  USER_VDS_MAINTENANCE_WITHOUT_REASON: [
    620,
    'normal',
    'Host ${VdsName} was switched to Maintenance mode by ${UserName}.',
  ],
  SYSTEM_CHANGE_STORAGE_POOL_STATUS_PROBLEMATIC: [
    980,
    'warning',
    'Invalid status on Data Center ${StoragePoolName}. Setting status to Non Responsive.',
  ],
  FENCE_OPERATION_STARTED: [
    9017,
    'normal',
    'Power management ${Action} of Host ${VdsName} initiated.',
  ],
  FENCE_OPERATION_SUCCEEDED: [
    9018,
    'normal',
    'Power management ${Action} of Host ${VdsName} succeeded.',
  ],
  FENCE_OPERATION_FAILED: [9019, 'error', 'Power management ${Action} of Host ${VdsName} failed.'],
  VDS_HOST_NOT_RESPONDING: [
    9027,
    'warning',
    ' Host ${VdsName} is not responding. Host cannot be fenced automatically because power management for the host is disabled.',
  ],
  HA_VM_FAILED: [
    9602,
    'error',
    'Highly Available VM ${VmName} failed. It will be restarted automatically.',
  ],
} as const satisfies Record<string, readonly [number, EventSeverity, string]>;

export type AuditType = keyof typeof AUDIT;

/** The code of an audit type, for tests and docs. */
export function auditCode(type: AuditType): number {
  return AUDIT[type][0];
}

/** Writes an audit-log entry with its placeholders filled in. */
export function audit(
  state: SimState,
  type: AuditType,
  vars: Readonly<Record<string, string>>,
  subject: EventSubject,
  floodRate?: number,
): SimEvent | undefined {
  const [code, severity, template] = AUDIT[type];
  const description = template.replace(/\$\{(\w+)\}/g, (_whole, name: string) => vars[name] ?? '');
  return state.addEvent({
    code,
    severity,
    description,
    ...(floodRate === undefined ? {} : { floodRate }),
    ...subject,
  });
}
