/**
 * A faithful oVirt / RHV engine simulator speaking the REST API v4 (docs/ovirt-sim.md).
 *
 *   const sim = await startOvirtSim({ port: 0, timing: { stepMs: 20 } });
 *   // sim.url = https://127.0.0.1:PORT/ovirt-engine/api, sim.caFile, admin@internal / secret
 *   sim.engine.killVm('finance-db');           // break things from the test
 *   sim.faults.loseResponse('vms/STAR/start');  // STAR = '*'
 *   await sim.stop();
 */
import { buildState } from './dataset/build.js';
import { demoDataset } from './dataset/demo.js';
import type { SimDataset } from './dataset/types.js';
import { SimEngine } from './engine/engine.js';
import { OvirtSimError } from './errors.js';
import { FaultInjector } from './faults.js';
import { AuthStore, type SimUser } from './http/auth.js';
import { SimServer } from './http/server.js';
import type { SimState } from './model/state.js';
import { API_PREFIX } from './paths.js';
import { RequestLog } from './request-log.js';
import { generateTls } from './tls.js';

export { auditCode } from './engine/audit.js';
export type { AuditType } from './engine/audit.js';
export { buildState, loadDatasetFile } from './dataset/build.js';
export { demoDataset } from './dataset/demo.js';
export type { SimDataset } from './dataset/types.js';
export type { SimEngine } from './engine/engine.js';
export { OvirtSimError, type OvirtSimErrorCode } from './errors.js';
export type { FaultInjector, FaultKind, FaultRule, FaultRuleSpec } from './faults.js';
export type { SimUser } from './http/auth.js';
export type { SimState } from './model/state.js';
export type * from './model/types.js';
export type { LoggedRequest, RequestFilter, RequestLog } from './request-log.js';

/** The default credentials of a simulator started without `users`. */
export const DEFAULT_USER: SimUser = { name: 'admin@internal', password: 'secret', admin: true };

export interface OvirtSimOptions {
  /** TCP port; 0 (default) picks a free one. */
  readonly port?: number;
  /** Only loopback is allowed: `127.0.0.1`. */
  readonly host?: string;
  /** HTTPS with a generated CA (default true). */
  readonly tls?: boolean;
  readonly users?: readonly SimUser[];
  /** The engine's content; default {@link demoDataset}. */
  readonly dataset?: SimDataset;
  /** Or an already built database (e.g. from {@link loadDatasetFile}). */
  readonly state?: SimState;
  /** Status-transition step (default 300 ms) and VM command in-flight time (default 50 ms). */
  readonly timing?: { readonly stepMs?: number; readonly commandMs?: number };
  /** SSO token lifetime (default 1 h) and session inactivity timeout (default 30 min). */
  readonly auth?: { readonly tokenTtlMs?: number; readonly sessionTtlMs?: number };
}

/** A running simulator. */
export interface OvirtSim {
  /** `https://127.0.0.1:PORT/ovirt-engine/api` (http with `tls: false`). */
  readonly url: string;
  /** `https://127.0.0.1:PORT` */
  readonly origin: string;
  readonly port: number;
  /** The generated CA certificate (PEM) to trust; undefined without TLS. */
  readonly caFile: string | undefined;
  readonly users: readonly SimUser[];
  /** The engine database: inspect, or mutate for set-ups the API cannot make. */
  readonly state: SimState;
  /** Sim-side operations: killVm, makeHostNonResponsive, restoreHost, setStuckInWaitForLaunch. */
  readonly engine: SimEngine;
  readonly faults: FaultInjector;
  readonly requests: RequestLog;
  /** Expires every SSO token and session (clients get 401 and must log in again). */
  expireSessions(): void;
  stop(): Promise<void>;
}

function checkOptions(options: OvirtSimOptions): void {
  const bad = (message: string) =>
    new OvirtSimError('options-invalid', `startOvirtSim: ${message}`);
  if (options.host !== undefined && options.host !== '127.0.0.1')
    throw bad('host must be 127.0.0.1');
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw bad('port must be an integer 0–65535');
  const step = options.timing?.stepMs;
  if (step !== undefined && !(step >= 0)) throw bad('timing.stepMs must be ≥ 0');
  if (options.users?.length === 0) throw bad('users must not be empty');
}

/** Starts a simulated engine on 127.0.0.1. */
export async function startOvirtSim(options: OvirtSimOptions = {}): Promise<OvirtSim> {
  checkOptions(options);
  const state = options.state ?? buildState(options.dataset ?? demoDataset());
  const engine = new SimEngine(state, {
    stepMs: options.timing?.stepMs ?? 300,
    commandMs: options.timing?.commandMs ?? 50,
  });
  const users = options.users ?? [DEFAULT_USER];
  const auth = new AuthStore(
    users,
    {
      tokenTtlMs: options.auth?.tokenTtlMs ?? 3_600_000,
      sessionTtlMs: options.auth?.sessionTtlMs ?? 1_800_000,
    },
    state,
  );
  const faults = new FaultInjector((vm, stuck) => {
    engine.setStuckInWaitForLaunch(vm, stuck);
  });
  const requests = new RequestLog();
  const tls = options.tls === false ? undefined : await generateTls();
  const server = new SimServer({ engine, auth, faults, log: requests, tls });
  let port: number;
  try {
    port = await server.listen('127.0.0.1', options.port ?? 0);
  } catch (err) {
    engine.stop();
    await tls?.remove();
    throw err;
  }
  const origin = `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`;
  let stopped = false;
  return {
    url: `${origin}${API_PREFIX}`,
    origin,
    port,
    caFile: tls?.caFile,
    users,
    state,
    engine,
    faults,
    requests,
    expireSessions: () => {
      auth.expireAll();
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      engine.stop();
      await server.close();
      await tls?.remove();
    },
  };
}
