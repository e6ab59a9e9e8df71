import { newUuid } from '../model/ids.js';
import type { EventSubject, SimState } from '../model/state.js';
import type { JobStatus, SimHost, SimJob, SimVm } from '../model/types.js';
import { audit, type AuditType } from './audit.js';
import type { Timeline } from './timeline.js';

/** Who runs a command: the authenticated user, as events and jobs name them. */
export interface Actor {
  /** Login name, `admin@internal`. */
  readonly name: string;
  readonly id: string;
  /** The request's `Correlation-Id`, copied to events. */
  readonly correlationId?: string | undefined;
}

/** The engine itself acting (HA restarts, SPM elections). */
export const SYSTEM_ACTOR: Actor = { name: 'SYSTEM', id: '' };

/**
 * Shared services of the engine's commands: the database, the clock of transitions, the audit
 * log and jobs. Commands are plain functions taking this core.
 */
export class EngineCore {
  /** Called after any host status or SPM change, to settle data centers and SPM roles. */
  onHostsChanged: () => void = () => undefined;
  /** VMs whose command is in flight (the engine's exclusive VM lock). */
  readonly vmLocks = new Set<string>();
  /** VMs the engine itself is about to start (HA restart): a user start sees "VM is running". */
  readonly initiatingVms = new Set<string>();

  readonly state: SimState;
  readonly timeline: Timeline;
  /** How long an engine command runs before the REST call returns (RunVm's in-flight window). */
  readonly commandMs: number;

  constructor(state: SimState, timeline: Timeline, commandMs: number) {
    this.state = state;
    this.timeline = timeline;
    this.commandMs = commandMs;
  }

  /** The user as the engine prints it in events: `admin@internal-authz`. */
  userName(actor: Actor): string {
    if (actor === SYSTEM_ACTOR || actor.name === 'SYSTEM') return 'SYSTEM';
    return actor.name.includes('@') ? `${actor.name}-authz` : actor.name;
  }

  vmSubject(vm: SimVm, actor?: Actor): EventSubject {
    const cluster = this.state.clusters.get(vm.clusterId);
    return {
      vmId: vm.id,
      hostId: vm.hostId,
      clusterId: vm.clusterId,
      dataCenterId: cluster?.dataCenterId,
      userId: actor === undefined || actor.id === '' ? undefined : actor.id,
      correlationId: actor?.correlationId,
    };
  }

  hostSubject(host: SimHost, actor?: Actor): EventSubject {
    const cluster = this.state.clusters.get(host.clusterId);
    return {
      hostId: host.id,
      clusterId: host.clusterId,
      dataCenterId: cluster?.dataCenterId,
      userId: actor === undefined || actor.id === '' ? undefined : actor.id,
      correlationId: actor?.correlationId,
    };
  }

  log(type: AuditType, vars: Readonly<Record<string, string>>, subject: EventSubject): void {
    audit(this.state, type, vars, subject);
  }

  hostName(hostId: string | undefined): string {
    return hostId === undefined ? '' : (this.state.hosts.get(hostId)?.name ?? '');
  }

  /** Creates a job as the engine's ExecutionHandler does for each user command. */
  startJob(description: string, actor: Actor): SimJob {
    const now = this.state.time();
    const job: SimJob = {
      id: newUuid(),
      description,
      status: 'started',
      startTime: now,
      endTime: undefined,
      lastUpdated: now,
      ownerId: actor.id === '' ? undefined : actor.id,
    };
    this.state.jobs.set(job.id, job);
    return job;
  }

  endJob(job: SimJob | undefined, status: JobStatus = 'finished'): void {
    if (job?.status !== 'started') return;
    const now = this.state.time();
    job.status = status;
    job.endTime = now;
    job.lastUpdated = now;
  }

  /** Waits the command's in-flight time (tests set it to 0). */
  async commandDelay(): Promise<void> {
    if (this.commandMs > 0) await new Promise((resolve) => setTimeout(resolve, this.commandMs));
  }
}

/** The entity key a VM's transition chain runs under. */
export function vmKey(vm: SimVm): string {
  return `vm:${vm.id}`;
}

export function hostKey(host: SimHost): string {
  return `host:${host.id}`;
}
