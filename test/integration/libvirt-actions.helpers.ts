/**
 * The libvirt provider's actions run one by one against lab hosts, the way the executor runs
 * them: a provider for the lab's hosts, a guest as the manifests would give it, an action, and a
 * context that records progress (with times) and can be aborted like an operator's second Ctrl-C.
 */
import type { Desired, Guest } from '../../src/model/desired.js';
import type { Action, ActionKind } from '../../src/model/plan.js';
import type { ActionOutcome } from '../../src/providers/provider.js';
import { LibvirtProvider } from '../../src/providers/libvirt/provider.js';
import type { Lab } from '../lab/index.js';
import { at, guest as buildGuest } from '../unit/reconcile/builders.js';

export function labProvider(lab: Lab): LibvirtProvider {
  return new LibvirtProvider(
    'lab',
    {
      kind: 'libvirt',
      hosts: lab.hosts.map((h) => ({
        name: h.name,
        uri: h.qemuUri,
        migrationUri: 'tcp://127.0.0.1',
        maintenance: false,
        at,
      })),
      keepalive: { intervalSeconds: 1, count: 2 },
      hostLossGraceSeconds: 15,
    },
    { env: {}, manifestDir: '/' },
  );
}

export function labGuest(lab: Lab, name: string, o: Partial<Guest> = {}): Guest {
  return buildGuest(name, { site: 'lab', hosts: ['h1', 'h2'], xml: lab.guestXml(name), ...o });
}

export function action(kind: ActionKind, g: Guest, host: string, toHost?: string): Action {
  return {
    id: `${kind}:${g.name}@${host}${toHost !== undefined ? `->${toHost}` : ''}`,
    kind,
    guest: g.name,
    address: `guest/${g.name}@${host}`,
    site: 'lab',
    host,
    ...(toHost !== undefined ? { toHost, live: true } : {}),
    reason: 'host-not-allowed',
    why: 'test',
    dependsOn: [],
  };
}

export interface Run {
  readonly result: Promise<ActionOutcome>;
  /** Every progress note with the time it came (ms since epoch). */
  readonly progress: { readonly at: number; readonly message: string }[];
  /** The operator's "stop now". */
  readonly abort: () => void;
}

export function run(provider: LibvirtProvider, a: Action, g: Guest): Run {
  const controller = new AbortController();
  const progress: { at: number; message: string }[] = [];
  const desired: Desired = {
    sites: new Map(),
    guests: new Map([[g.name, g]]),
    storage: new Map(),
    disasterRecovery: new Map(),
    services: new Map(),
  };
  const result = provider.apply(a, {
    desired,
    guest: g,
    signal: controller.signal,
    progress: (message) => progress.push({ at: Date.now(), message }),
  });
  return {
    result,
    progress,
    abort: () => {
      controller.abort();
    },
  };
}

/** The rejection of `p` (fails the test when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  const outcome = await p.then(
    (v) => ({ ok: true as const, v }),
    (e: unknown) => ({ ok: false as const, e }),
  );
  if (outcome.ok) throw new Error(`expected a failure, got ${JSON.stringify(outcome.v)}`);
  return outcome.e as Error;
}
