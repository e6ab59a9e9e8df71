import { OvirtSimError } from '../errors.js';
import type { SimState } from '../model/state.js';
import type { SimHost, SimVm } from '../model/types.js';
import { EngineCore } from './core.js';
import { markNonResponsive, reconnect } from './host-lifecycle.js';
import { SpmManager } from './spm.js';
import { Timeline } from './timeline.js';
import { vmDied } from './vm-failures.js';

/** Timing of the simulated engine. */
export interface EngineTiming {
  /** Delay between two status transitions (default 300 ms). */
  readonly stepMs: number;
  /** How long a VM command holds the VM's lock before the REST call returns (default 50 ms). */
  readonly commandMs: number;
}

/**
 * The simulated engine: its database, its timed transitions and the SPM logic, plus the
 * sim-side operations tests use to break things (kill a VM, lose a host…). REST commands are
 * the functions in vm-commands, host-commands and fencing, called with `engine.core`.
 */
export class SimEngine {
  readonly core: EngineCore;
  readonly spm: SpmManager;

  readonly state: SimState;

  constructor(state: SimState, timing: EngineTiming) {
    this.state = state;
    this.core = new EngineCore(state, new Timeline(timing.stepMs), timing.commandMs);
    this.spm = new SpmManager(this.core);
    this.core.onHostsChanged = () => {
      this.spm.reconcile();
    };
    this.spm.reconcile();
  }

  private vm(idOrName: string): SimVm {
    const vm = this.state.findVm(idOrName);
    if (vm === undefined) throw new OvirtSimError('not-found', `no VM '${idOrName}'`);
    return vm;
  }

  private host(idOrName: string): SimHost {
    const host = this.state.findHost(idOrName);
    if (host === undefined) throw new OvirtSimError('not-found', `no host '${idOrName}'`);
    return host;
  }

  /** The VM's qemu dies: down with error and the engine's VM_DOWN_ERROR event (HA VMs restart). */
  killVm(idOrName: string): void {
    const vm = this.vm(idOrName);
    if (vm.hostId === undefined || vm.status === 'down') {
      throw new OvirtSimError(
        'bad-operation',
        `VM '${vm.name}' is not running (status ${vm.status})`,
      );
    }
    vmDied(this.core, vm);
  }

  /**
   * The engine loses the host: non_responsive, VMs unknown, VDS_FAILURE. `rebootFixes: false`
   * models a cut network (a power cycle does not bring it back); the default models a hung OS.
   * `powerManagementReachable: false` makes fencing through the fence agent fail too.
   */
  makeHostNonResponsive(
    idOrName: string,
    options: { rebootFixes?: boolean; powerManagementReachable?: boolean } = {},
  ): void {
    const host = this.host(idOrName);
    host.reachable = false;
    host.rebootFixes = options.rebootFixes ?? true;
    host.pmReachable = options.powerManagementReachable ?? host.pmReachable;
    markNonResponsive(this.core, host);
  }

  /** The host's management network (and fence agent) are back; a non_responsive host goes up. */
  restoreHost(idOrName: string): void {
    const host = this.host(idOrName);
    host.reachable = true;
    host.pmReachable = true;
    host.rebootFixes = true;
    if (host.status === 'non_responsive' && host.powered) reconnect(this.core, host);
  }

  /** Makes the VM hang in wait_for_launch at its next start (or un-hangs future starts). */
  setStuckInWaitForLaunch(idOrName: string, stuck = true): void {
    this.vm(idOrName).stuckInWaitForLaunch = stuck;
  }

  /** Stops all timers (the simulator is shutting down). */
  stop(): void {
    this.core.timeline.stopAll();
  }
}
