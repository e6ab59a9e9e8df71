import { computeDataCenterStatus, spmCandidate, spmHolder } from '../model/spm-rules.js';
import type { SimDataCenter, SimHost, SimJob } from '../model/types.js';
import type { EngineCore } from './core.js';

/**
 * The Storage Pool Manager role per data center (ovirt-api.md §4 SpmStatus): at most one
 * `spm` host; when the role is free and an up host can take it, the engine elects one by
 * priority after a delay (none → contending → spm). A non-responsive SPM keeps the role, and
 * the data center stays problematic, until it is fenced or comes back.
 */
export class SpmManager {
  private readonly electing = new Set<string>();

  private readonly core: EngineCore;

  constructor(core: EngineCore) {
    this.core = core;
  }

  /** Settles every data center's status and starts elections where the role is free. */
  reconcile(): void {
    for (const dc of this.core.state.dataCenters.values()) this.reconcileOne(dc);
  }

  private reconcileOne(dc: SimDataCenter): void {
    const { state } = this.core;
    const before = dc.status;
    dc.status = computeDataCenterStatus(state, dc);
    if (before !== 'problematic' && dc.status === 'problematic') {
      this.core.log(
        'SYSTEM_CHANGE_STORAGE_POOL_STATUS_PROBLEMATIC',
        { StoragePoolName: dc.name },
        { dataCenterId: dc.id },
      );
    }
    if (
      dc.status === 'contend' &&
      spmHolder(state, dc) === undefined &&
      !this.electing.has(dc.id)
    ) {
      this.electing.add(dc.id);
      this.core.timeline.after(this.core.timeline.stepMs * 2, () => {
        this.electing.delete(dc.id);
        if (spmHolder(state, dc) !== undefined) return;
        const candidate = spmCandidate(state, dc);
        if (candidate === undefined) {
          this.reconcileOne(dc);
          return;
        }
        this.contend(dc, candidate, undefined);
      });
    }
  }

  /** Moves `host` through contending to spm; the current holder, if any, loses the role. */
  contend(dc: SimDataCenter, host: SimHost, job: SimJob | undefined): void {
    const { state } = this.core;
    for (const other of state.hostsOfDataCenter(dc.id)) {
      if (other !== host) other.spm.status = 'none';
    }
    host.spm.status = 'contending';
    dc.status = 'contend';
    this.core.timeline.after(this.core.timeline.stepMs, () => {
      if (host.spm.status !== 'contending') return;
      if (host.status !== 'up') {
        host.spm.status = 'none';
        this.core.endJob(job, 'failed');
        this.reconcile();
        return;
      }
      host.spm.status = 'spm';
      this.core.log(
        'IRS_HOSTED_ON_VDS',
        { VdsName: host.name, ServerIp: host.address, StoragePoolName: dc.name },
        { hostId: host.id, clusterId: host.clusterId, dataCenterId: dc.id },
      );
      this.core.endJob(job);
      this.reconcile();
    });
  }

  /** The host gives up the role (maintenance, fencing); an election follows. */
  release(host: SimHost): void {
    host.spm.status = 'none';
  }
}
