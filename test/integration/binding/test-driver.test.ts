/**
 * The native binding against libvirt's in-process test driver (test:///default: a running
 * domain `test`, a pool `default-pool`, four node devices): connection, domains, metadata,
 * events and errors.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  LibvirtError,
  libvirtCallCount,
  libvirtVersion,
  openConnection,
  type LibvirtConnection,
} from '../../../src/providers/libvirt/binding.js';
import { AFFECT, METADATA_TYPES, STATS } from '../../../src/providers/libvirt/binding-constants.js';
import type { LibvirtEvent, LifecycleEvent } from '../../../src/providers/libvirt/binding-types.js';

const NS = 'https://virtwarden.dev/xmlns/owner/1';
const xml = (name: string, uuid: string): string =>
  `<domain type='test'><name>${name}</name><uuid>${uuid}</uuid><memory unit='MiB'>64</memory>` +
  `<vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os></domain>`;

async function until(what: string, done: () => boolean, timeoutMs = 5000): Promise<void> {
  const t0 = Date.now();
  while (!done()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let conn: LibvirtConnection;
beforeAll(async () => {
  conn = await openConnection('test:///default');
});
afterAll(async () => {
  await conn.close();
});

describe('binding on the test driver', () => {
  it('opens a connection and reports the host and versions', async () => {
    expect(conn.isAlive()).toBe(true);
    expect(libvirtVersion()).toBeGreaterThanOrEqual(9_000_000);
    expect(await conn.libVersion()).toBeGreaterThanOrEqual(9_000_000);
    expect(await conn.hypervisorVersion()).toBeGreaterThan(0);
    expect((await conn.hostname()).length).toBeGreaterThan(0);
    expect(await conn.capabilities()).toContain('<capabilities>');
    // The test driver's capabilities carry no host UUID (lab daemons do: lab-qemu.test.ts).
    expect(await conn.hostUuid()).toBeUndefined();
    expect((await conn.nodeInfo()).cpus).toBeGreaterThan(0);
  });

  it('lists every domain in bulk with its state and reason, in four libvirt calls', async () => {
    const before = libvirtCallCount();
    const rows = await conn.listAllDomains();
    expect(libvirtCallCount() - before).toBe(4);
    const test = rows.find((r) => r.name === 'test');
    expect(test).toMatchObject({ state: 'running', stateCode: 1, persistent: true, id: 1 });
    expect(test?.reason).toBe('unknown'); // the test driver starts `test` with reason 0
    const stats = await conn.getAllDomainStats(STATS.state);
    expect(stats.find((s) => s.name === 'test')?.stats).toEqual({
      'state.state': 1,
      'state.reason': 0,
    });
  });

  it('defines, starts, suspends, resumes, managed-saves, destroys and undefines a domain', async () => {
    expect(await conn.defineXml(xml('vw1', '5c1f0b0e-7a57-4f6e-8d7e-000000000001'))).toBe('vw1');
    expect(await conn.getState('vw1')).toMatchObject({ state: 'shutoff', reason: 'unknown' });
    await conn.start('vw1');
    expect(await conn.getState('vw1')).toMatchObject({ state: 'running', reason: 'booted' });
    await conn.suspend('vw1');
    expect(await conn.getState('vw1')).toMatchObject({ state: 'paused', reason: 'user' });
    await conn.resume('vw1');
    expect(await conn.getState('vw1')).toMatchObject({ state: 'running', reason: 'unpaused' });
    await conn.managedSave('vw1');
    const saved = (await conn.listAllDomains()).find((r) => r.name === 'vw1');
    expect(saved).toMatchObject({ state: 'shutoff', reason: 'saved', managedSave: true, id: -1 });
    await conn.start('vw1'); // restores the image (the test driver reports reason `booted`)
    expect(await conn.getDomain('vw1')).toMatchObject({ state: 'running', managedSave: false });
    await conn.setAutostart('vw1', true);
    expect(await conn.getDomain('vw1')).toMatchObject({ autostart: true });
    await conn.destroy('vw1');
    expect((await conn.getState('vw1')).reason).toBe('destroyed');
    expect(await conn.findDomain('vw1')).toMatchObject({ name: 'vw1', state: 'shutoff' });
    await conn.undefine('vw1');
    expect((await conn.listAllDomains()).some((r) => r.name === 'vw1')).toBe(false);
    // A host without it: findDomain says so without an error; getDomain rejects.
    expect(await conn.findDomain('vw1')).toBeUndefined();
    await expect(conn.getDomain('vw1')).rejects.toMatchObject({ codeName: 'VIR_ERR_NO_DOMAIN' });
  });

  it('addresses a domain by UUID as well as by name', async () => {
    const uuid = '5c1f0b0e-7a57-4f6e-8d7e-000000000004';
    await conn.defineXml(xml('vw4', uuid));
    await conn.start({ uuid });
    await conn.suspend({ uuid });
    expect(await conn.getDomain({ uuid })).toMatchObject({
      name: 'vw4',
      uuid,
      state: 'paused',
      persistent: true,
    });
    expect(await conn.domainXml({ uuid })).toContain('<name>vw4</name>');
    await conn.destroy({ uuid });
    await conn.undefine({ uuid });
    const gone = await conn.getDomain({ uuid }).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(LibvirtError);
    expect((gone as LibvirtError).codeName).toBe('VIR_ERR_NO_DOMAIN');
  });

  it('starts a transient domain from XML', async () => {
    expect(await conn.createXml(xml('vw5', '5c1f0b0e-7a57-4f6e-8d7e-000000000005'))).toBe('vw5');
    expect(await conn.getDomain('vw5')).toMatchObject({ state: 'running', persistent: false });
    await conn.destroy('vw5');
    expect((await conn.listAllDomains()).some((r) => r.name === 'vw5')).toBe(false);
  });

  it('round-trips namespaced metadata (where virtwarden records ownership)', async () => {
    await conn.defineXml(xml('vw2', '5c1f0b0e-7a57-4f6e-8d7e-000000000002'));
    expect(await conn.getMetadata('vw2', METADATA_TYPES.element, NS, AFFECT.config)).toBeNull();
    await conn.setMetadata(
      'vw2',
      METADATA_TYPES.element,
      '<owner guest="db1"/>',
      'vw',
      NS,
      AFFECT.config,
    );
    expect(await conn.getMetadata('vw2', METADATA_TYPES.element, NS, AFFECT.config)).toBe(
      '<owner guest="db1"/>',
    );
    expect(await conn.domainXml('vw2')).toContain(
      '<vw:owner xmlns:vw="https://virtwarden.dev/xmlns/owner/1" guest="db1"/>',
    );
    // Shut off: there is no live definition, so no live metadata (null, not an error).
    expect(await conn.metadataPair('vw2', METADATA_TYPES.element, NS, true)).toEqual({
      config: '<owner guest="db1"/>',
      live: null,
    });
    await conn.setMetadata('vw2', METADATA_TYPES.element, null, null, NS, AFFECT.config);
    expect(await conn.getMetadata('vw2', METADATA_TYPES.element, NS, AFFECT.config)).toBeNull();
    await conn.undefine('vw2');
  });

  it('delivers lifecycle events with their names, as `event` and as `lifecycle`', async () => {
    const seen: string[] = [];
    const typed: LifecycleEvent[] = [];
    const listener = (e: LibvirtEvent): void => {
      if (e.type === 'lifecycle' && e.domain === 'vw3') seen.push(`${e.event}/${e.detail}`);
    };
    const onLifecycle = (e: LifecycleEvent): void => {
      if (e.domain === 'vw3') typed.push(e);
    };
    conn.on('event', listener);
    conn.on('lifecycle', onLifecycle);
    await conn.subscribe();
    await conn.subscribe(); // idempotent
    await conn.defineXml(xml('vw3', '5c1f0b0e-7a57-4f6e-8d7e-000000000003'));
    await conn.start('vw3');
    await conn.suspend('vw3');
    await conn.resume('vw3');
    await conn.destroy('vw3');
    await conn.undefine('vw3');
    await until('six lifecycle events', () => seen.length >= 6);
    conn.off('event', listener);
    conn.off('lifecycle', onLifecycle);
    expect(seen).toEqual([
      'defined/added',
      'started/booted',
      'suspended/paused',
      'resumed/unpaused',
      'stopped/destroyed',
      'undefined/removed',
    ]);
    expect(typed.map((e) => [e.eventCode, e.detailCode])).toEqual([
      [0, 0],
      [2, 0],
      [3, 0],
      [4, 0],
      [5, 1],
      [1, 0],
    ]);
    expect(typed[0]?.uuid).toBe('5c1f0b0e-7a57-4f6e-8d7e-000000000003');
  });

  it('turns libvirt errors into LibvirtError with the right code', async () => {
    const missing = await conn.getState('no-such-domain').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(LibvirtError);
    expect(missing).toMatchObject({
      codeName: 'VIR_ERR_NO_DOMAIN',
      code: 'VIR_ERR_NO_DOMAIN',
      libvirtCode: 42,
      domainName: 'VIR_FROM_TEST',
      errorClass: 'terminal',
    });
    const badSocket = await openConnection('qemu+unix:///system?socket=/nonexistent/sock').catch(
      (e: unknown) => e,
    );
    expect(badSocket).toBeInstanceOf(LibvirtError);
    expect(badSocket).toMatchObject({
      codeName: 'VIR_ERR_SYSTEM_ERROR',
      domainName: 'VIR_FROM_RPC',
      errorClass: 'transient',
    });
    const badUri = await openConnection('test:///').catch((e: unknown) => e);
    expect(badUri).toBeInstanceOf(LibvirtError);
    expect(badUri).toMatchObject({ codeName: 'VIR_ERR_INVALID_ARG', domainName: 'VIR_FROM_TEST' });
    const badXml = await conn.defineXml('<domain type="test">').catch((e: unknown) => e);
    expect((badXml as LibvirtError).codeName).toBe('VIR_ERR_XML_DETAIL');
  });

  it('a read-only connection reads but may not change anything', async () => {
    const ro = await openConnection('test:///default', { readOnly: true });
    try {
      expect((await ro.listAllDomains()).length).toBeGreaterThan(0);
      const denied = await ro
        .defineXml(xml('vw6', '5c1f0b0e-7a57-4f6e-8d7e-000000000006'))
        .catch((e: unknown) => e);
      expect((denied as LibvirtError).codeName).toBe('VIR_ERR_OPERATION_DENIED');
    } finally {
      await ro.close();
    }
  });

  it('rejects bad arguments with a TypeError naming them (as a rejection, not a throw)', async () => {
    const p = conn.getState(42 as unknown as string);
    await expect(p).rejects.toThrow(TypeError);
    await expect(p).rejects.toThrow('domain must be a name (string) or {uuid: string}');
    await expect(conn.setKeepAlive(Number.NaN, 'x' as unknown as number)).rejects.toThrow(
      'keepalive count must be a number',
    );
  });

  it('a closed connection rejects every call with VIR_ERR_INVALID_CONN instead of crashing', async () => {
    const c = await openConnection('test:///default');
    await c.close();
    await c.close(); // twice is fine
    expect(c.isAlive()).toBe(false);
    for (const p of [c.listAllDomains(), c.hostname(), c.getState('test'), c.subscribe()]) {
      const err = await p.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(LibvirtError);
      expect(err).toMatchObject({ codeName: 'VIR_ERR_INVALID_CONN' });
      expect((err as Error).message).toBe('connection is closed');
    }
  });
});
