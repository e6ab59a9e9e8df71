/**
 * The engine's SSO endpoint against the simulator with injected faults: a 5xx or a dropped
 * connection at login is transient (retried with jittered backoff, the request then succeeds),
 * an endpoint that stays down is reported as transient (never as bad credentials), and only
 * the engine's own refusal of the credentials is a terminal authentication failure.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { startOvirtSim, type OvirtSim } from '@virtwarden/ovirt-sim';
import type { OvirtSite } from '../../../src/model/desired.js';
import { OvirtClient } from '../../../src/providers/ovirt/client.js';
import { VirtwardenError } from '../../../src/common/errors.js';

const TOKEN = '/ovirt-engine/sso/oauth/token';
let sim: OvirtSim;

function site(): OvirtSite {
  return {
    kind: 'ovirt',
    url: sim.url,
    user: 'admin@internal',
    passwordFrom: { env: 'RHEVM_PASSWORD' },
    ...(sim.caFile !== undefined ? { caFile: sim.caFile } : {}),
    insecure: false,
    cluster: 'RHEV-PRIM-CLUS',
    datacenter: 'RHEV-DC',
    manualFencing: true,
    pollIntervalSeconds: 5,
  };
}

function client(password = 'secret'): OvirtClient {
  return new OvirtClient(site(), {
    password,
    getRetries: 0,
    retryBackoff: { baseMs: 20, capMs: 100 },
  });
}

const logins = (after: number): number =>
  sim.requests.count({ method: 'POST', path: TOKEN, afterSeq: after });

async function failure(p: Promise<unknown>): Promise<VirtwardenError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof VirtwardenError))
    throw new Error(`expected a VirtwardenError, got ${String(err)}`);
  return err;
}

beforeAll(async () => {
  sim = await startOvirtSim({ timing: { stepMs: 40, commandMs: 10 } });
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(() => {
  sim.faults.clear();
});

describe('oVirt SSO login: transient faults are retried, bad credentials are final', () => {
  it.each([503, 502, 504])(
    'a single %d from the SSO endpoint is retried and the request succeeds',
    async (status) => {
      const before = sim.requests.lastSeq;
      sim.faults.error(TOKEN, status, { times: 1 });
      const doc = await client().get('vms');
      expect(Array.isArray(doc.vm)).toBe(true);
      expect(logins(before)).toBe(2);
    },
  );

  it('a connection reset at login is retried', async () => {
    const before = sim.requests.lastSeq;
    sim.faults.drop(TOKEN, { times: 1 });
    await client().get('hosts');
    expect(logins(before)).toBe(2);
  });

  it('an SSO endpoint that stays down is a transient failure after the retries, not an auth failure', async () => {
    const before = sim.requests.lastSeq;
    sim.faults.error(TOKEN, 503);
    const err = await failure(client().get('vms'));
    expect(err.errorClass).toBe('transient');
    expect(err.code).toBe('ovirt-sso-unavailable');
    expect(err.message).toContain('HTTP 503');
    expect(logins(before)).toBe(4); // the login and its 3 retries
  });

  it('invalid credentials are terminal at once, without retries, and the password is not in the error', async () => {
    const before = sim.requests.lastSeq;
    const err = await failure(client('wrong-pass-5e1c').get('vms'));
    expect(err.errorClass).toBe('terminal');
    expect(err.code).toBe('ovirt-auth');
    expect(err.message).toMatch(/Cannot authenticate user 'admin@internal'/);
    expect(err.message).not.toContain('wrong-pass-5e1c');
    expect(logins(before)).toBe(1);
  });
});
