/**
 * The provider contract, as one suite every provider must pass (the in-memory fake, libvirt on
 * its test driver, oVirt against the engine simulator): bulk observation that reports every
 * host, actions that return only once observation agrees, classified errors, verify lines.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { VirtwardenError } from '../../src/common/errors.js';
import type { Desired, Guest } from '../../src/model/desired.js';
import { GUEST_STATES } from '../../src/model/guest-state.js';
import type { Action } from '../../src/model/plan.js';
import type { ActionContext, Provider } from '../../src/providers/provider.js';

export interface ContractSubject {
  readonly provider: Provider;
  readonly desired: Desired;
  /** A managed guest of the site that exists (defined) and is stopped. */
  readonly guest: Guest;
  /** The host actions name (libvirt), or undefined (the engine places). */
  readonly host?: string;
  /** Hosts the site is made of. */
  readonly hosts: readonly string[];
  cleanup(): Promise<void>;
}

function action(s: ContractSubject, kind: Action['kind'], extra: Partial<Action> = {}): Action {
  const host = s.host;
  return {
    id: `${kind}:${s.guest.name}${host !== undefined ? `@${host}` : ''}`,
    kind,
    guest: s.guest.name,
    address: `guest/${s.guest.name}`,
    site: s.provider.site,
    reason: kind === 'start' ? 'not-running' : 'desired-stopped',
    why: 'contract test',
    dependsOn: [],
    ...(host !== undefined ? { host } : {}),
    ...extra,
  };
}

function ctx(s: ContractSubject, guest: Guest = s.guest): ActionContext {
  return {
    desired: s.desired,
    guest,
    signal: new AbortController().signal,
    progress: () => undefined,
  };
}

export function describeProviderContract(
  name: string,
  setup: () => Promise<ContractSubject>,
): void {
  describe(`provider contract: ${name}`, () => {
    let s: ContractSubject;
    beforeAll(async () => {
      s = await setup();
    }, 120_000);
    afterAll(async () => {
      await s.provider.close();
      await s.cleanup();
    });

    const mine = async () =>
      (await s.provider.observe()).guests.filter((g) => g.domainName === s.guest.domainName);

    it('observes in bulk: every host of the site, and the guest with a known state', async () => {
      const site = await s.provider.observe();
      expect(site.name).toBe(s.provider.site);
      expect(site.reachable).toBe(true);
      for (const h of s.hosts) expect(site.hosts.get(h)?.status).toBe('up');
      const g = await mine();
      expect(g.length).toBeGreaterThan(0);
      for (const x of g) {
        expect(GUEST_STATES).toContain(x.state);
        expect(x.active).toBe(false);
      }
    });

    it('start returns once observation agrees the guest runs', async () => {
      await s.provider.apply(action(s, 'start'), ctx(s));
      const running = (await mine()).filter((g) => g.active);
      expect(running).toHaveLength(1);
      expect(running[0]?.state).toBe('ONLINE');
      if (s.host !== undefined) expect(running[0]?.host).toBe(s.host);
    }, 60_000);

    it('stop returns once observation agrees the guest is down', async () => {
      await s.provider.apply(action(s, 'stop', { force: true }), ctx(s));
      expect((await mine()).some((g) => g.active)).toBe(false);
    }, 60_000);

    it('failures are classified errors (terminal / transient / waiting), never raw ones', async () => {
      const ghost: Guest = { ...s.guest, name: 'no-such-guest', domainName: 'no-such-domain-xyz' };
      const err = await s.provider
        .apply({ ...action(s, 'start'), guest: ghost.name }, ctx(s, ghost))
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VirtwardenError);
      expect(['terminal', 'transient', 'waiting']).toContain((err as VirtwardenError).errorClass);
    }, 60_000);

    it('details never throw for an unknown domain', async () => {
      const r = await s.provider.details([
        { domainName: 'no-such-domain-xyz', ...(s.host !== undefined ? { host: s.host } : {}) },
      ]);
      expect(r).toBeInstanceOf(Map);
    });

    it('verify answers with named checks, one line each', async () => {
      const checks = await s.provider.verify(s.desired);
      expect(checks.length).toBeGreaterThan(0);
      for (const c of checks) {
        expect(typeof c.name).toBe('string');
        expect(typeof c.message).toBe('string');
        expect(typeof c.ok).toBe('boolean');
      }
    }, 60_000);
  });
}
