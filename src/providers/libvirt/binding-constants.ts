/** libvirt 9.0 enum values and names the binding's users need (from libvirt-domain.h). */

export const DOMAIN_STATES = [
  'nostate',
  'running',
  'blocked',
  'paused',
  'shutdown',
  'shutoff',
  'crashed',
  'pmsuspended',
] as const;
export type DomainStateName = (typeof DOMAIN_STATES)[number];

/** Reason names per state, by value (virDomainRunningReason, virDomainPausedReason, …). */
export const STATE_REASONS: Readonly<Record<DomainStateName, readonly string[]>> = {
  nostate: ['unknown'],
  running: [
    'unknown',
    'booted',
    'migrated',
    'restored',
    'from-snapshot',
    'unpaused',
    'migration-canceled',
    'save-canceled',
    'wakeup',
    'crashed',
    'postcopy',
    'postcopy-failed',
  ],
  blocked: ['unknown'],
  paused: [
    'unknown',
    'user',
    'migration',
    'save',
    'dump',
    'ioerror',
    'watchdog',
    'from-snapshot',
    'shutting-down',
    'snapshot',
    'crashed',
    'starting-up',
    'postcopy',
    'postcopy-failed',
    'api-error',
  ],
  shutdown: ['unknown', 'user'],
  shutoff: [
    'unknown',
    'shutdown',
    'destroyed',
    'crashed',
    'migrated',
    'saved',
    'failed',
    'from-snapshot',
    'daemon',
  ],
  crashed: ['unknown', 'panicked'],
  pmsuspended: ['unknown'],
};

export const LIFECYCLE_EVENTS = [
  'defined',
  'undefined',
  'started',
  'suspended',
  'resumed',
  'stopped',
  'shutdown',
  'pmsuspended',
  'crashed',
] as const;
export type LifecycleEventName = (typeof LIFECYCLE_EVENTS)[number];

export const LIFECYCLE_DETAILS: Readonly<Record<LifecycleEventName, readonly string[]>> = {
  defined: ['added', 'updated', 'renamed', 'from-snapshot'],
  undefined: ['removed', 'renamed'],
  started: ['booted', 'migrated', 'restored', 'from-snapshot', 'wakeup', 'recreated'],
  suspended: [
    'paused',
    'migrated',
    'ioerror',
    'watchdog',
    'restored',
    'from-snapshot',
    'api-error',
    'postcopy',
    'postcopy-failed',
  ],
  resumed: ['unpaused', 'migrated', 'from-snapshot', 'postcopy', 'postcopy-failed'],
  stopped: ['shutdown', 'destroyed', 'crashed', 'migrated', 'saved', 'failed', 'from-snapshot'],
  shutdown: ['finished', 'guest', 'host'],
  pmsuspended: ['memory', 'disk'],
  crashed: ['panicked', 'crashloaded'],
};

/** Why a connection closed (virConnectCloseReason). */
export const CLOSE_REASONS = ['error', 'eof', 'keepalive', 'client'] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

export const XML_FLAGS = { secure: 1, inactive: 2, updateCpu: 4, migratable: 8 } as const;
export const DEFINE_FLAGS = { validate: 1 } as const;
export const UNDEFINE_FLAGS = {
  managedSave: 1,
  snapshotsMetadata: 2,
  nvram: 4,
  keepNvram: 8,
  checkpointsMetadata: 16,
  tpm: 32,
  keepTpm: 64,
} as const;
export const START_FLAGS = {
  paused: 1,
  autodestroy: 2,
  bypassCache: 4,
  forceBoot: 8,
  validate: 16,
  resetNvram: 32,
} as const;
export const DESTROY_FLAGS = { graceful: 1, removeLogs: 2 } as const;
/** virDomainModificationImpact: where a device change or metadata applies. */
export const AFFECT = { current: 0, live: 1, config: 2 } as const;
export const DEVICE_FLAGS = { ...AFFECT, force: 4 } as const;
export const METADATA_TYPES = { description: 0, title: 1, element: 2 } as const;
export const MIGRATE_FLAGS = {
  live: 1,
  peerToPeer: 2,
  tunnelled: 4,
  persistDest: 8,
  undefineSource: 16,
  paused: 32,
  nonSharedDisk: 64,
  nonSharedInc: 128,
  changeProtection: 256,
  unsafe: 512,
  offline: 1024,
  compressed: 2048,
  abortOnError: 4096,
  autoConverge: 8192,
} as const;
export const MIGRATE_PARAMS = {
  uri: 'migrate_uri',
  destName: 'destination_name',
  destXml: 'destination_xml',
  persistXml: 'persistent_xml',
  bandwidth: 'bandwidth',
  listenAddress: 'listen_address',
  graphicsUri: 'graphics_uri',
} as const;
export const VOLUME_RESIZE_FLAGS = { allocate: 1, delta: 2, shrink: 4 } as const;
export const BLOCK_RESIZE_FLAGS = { bytes: 1 } as const;
export const STATS = {
  state: 1,
  cpuTotal: 2,
  balloon: 4,
  vcpu: 8,
  interface: 16,
  block: 32,
} as const;
export const SHUTDOWN_FLAGS = {
  default: 0,
  acpiPowerButton: 1,
  guestAgent: 2,
  initctl: 4,
  signal: 8,
  paravirt: 16,
} as const;
/** virDomainReboot's flags have the same values as shutdown's. */
export const REBOOT_FLAGS = SHUTDOWN_FLAGS;
export const JOB_STATS_FLAGS = { completed: 1, keepCompleted: 2 } as const;
/** virDomainJobType by value. */
export const JOB_TYPES = [
  'none',
  'bounded',
  'unbounded',
  'completed',
  'failed',
  'cancelled',
] as const;
export type JobTypeName = (typeof JOB_TYPES)[number];
/** virDomainJobOperation by value: the `operation` field of job statistics. */
export const JOB_OPERATIONS = [
  'unknown',
  'start',
  'save',
  'restore',
  'migration-in',
  'migration-out',
  'snapshot',
  'snapshot-revert',
  'dump',
  'backup',
  'snapshot-delete',
] as const;
/** What QEMU did about an I/O error (virDomainEventIOErrorAction). */
export const IO_ERROR_ACTIONS = ['none', 'pause', 'report'] as const;
export type IoErrorActionName = (typeof IO_ERROR_ACTIONS)[number];
/** virDomainEventWatchdogAction by value: what QEMU did when the guest's watchdog fired. */
export const WATCHDOG_ACTIONS = [
  'none',
  'pause',
  'reset',
  'poweroff',
  'shutdown',
  'debug',
  'inject-nmi',
] as const;
export type WatchdogActionName = (typeof WATCHDOG_ACTIONS)[number];
/** virStorageVolType by value. */
export const VOLUME_TYPES = ['file', 'block', 'dir', 'network', 'netdir', 'ploop'] as const;
export type VolumeTypeName = (typeof VOLUME_TYPES)[number];
/** virStoragePoolState by value. */
export const POOL_STATES = ['inactive', 'building', 'running', 'degraded', 'inaccessible'] as const;
export type PoolStateName = (typeof POOL_STATES)[number];
export const VOLUME_DELETE_FLAGS = { normal: 0, zeroed: 1, withSnapshots: 2 } as const;
export const STORAGE_XML_FLAGS = { inactive: 1 } as const;
