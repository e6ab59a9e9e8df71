/**
 * Health signals libvirt gives, on a lab host with real QEMU/TCG guests: the tiny guest hangs and
 * starves its i6300esb watchdog (→ `watchdog` event), or writes to the pvpanic port (→ the
 * `crashed (panicked)` state and a `crashed/panicked` lifecycle event, the process kept by
 * `on_crash` preserve); and the guest-agent command on a guest without an agent fails, bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLab, type Lab, type LabHost } from '../../lab/index.js';
import {
  LibvirtError,
  openConnection,
  type LibvirtConnection,
} from '../../../src/providers/libvirt/binding.js';
import type { LibvirtEvent } from '../../../src/providers/libvirt/binding-types.js';

let lab: Lab;
let h1: LabHost;
let c1: LibvirtConnection;
const events: { at: number; e: LibvirtEvent }[] = [];

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const forDomain = (domain: string, type: string) => (): LibvirtEvent | undefined =>
  events.find((x) => x.e.type === type && 'domain' in x.e && x.e.domain === domain)?.e;

beforeAll(async () => {
  lab = await startLab({ hosts: 1, name: 'health' });
  h1 = lab.host('h1');
  c1 = await openConnection(h1.qemuUri);
  c1.on('event', (e) => events.push({ at: Date.now(), e }));
  await c1.subscribe();
}, 60_000);

afterAll(async () => {
  await c1.close().catch(() => undefined);
  await lab.destroy();
});

describe('health signals on a lab host', () => {
  it('a fed watchdog never fires; a hung guest starves it and libvirt reports the watchdog event', async () => {
    await c1.defineXml(lab.guestXml('dog', { watchdogAction: 'none', hangAfterSeconds: 8 }));
    await c1.start('dog');
    // Fed every second for 7 s: more than the 4 s the watchdog allows between feeds.
    await lab.waitForUptime('dog', 7, 30_000);
    expect(forDomain('dog', 'watchdog')()).toBeUndefined();
    const hungAt = Date.now();
    const fired = await waitFor('watchdog event', forDomain('dog', 'watchdog'), 20_000);
    expect(fired).toMatchObject({ type: 'watchdog', action: 'none', domain: 'dog' });
    process.stdout.write(`watchdog event ${String(Date.now() - hungAt)} ms after uptime 7\n`);
    // Action none: QEMU did nothing, libvirt still says running: only the event tells.
    expect(await c1.getState('dog')).toMatchObject({ state: 'running' });
    const counter = await lab.readUptime('dog');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await lab.readUptime('dog')).toBe(counter);
    // A hard reset boots it again (the counter restarts).
    await c1.reset('dog');
    const t0 = Date.now();
    while ((await lab.bootCount('dog')) < 2 && Date.now() - t0 < 20_000) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await lab.bootCount('dog')).toBe(2);
    await c1.destroy('dog');
    await c1.undefine('dog');
  }, 90_000);

  it('a guest panic with on_crash preserve is crashed (panicked), its process kept', async () => {
    await c1.defineXml(
      lab.guestXml('pan', { panicDevice: true, onCrash: 'preserve', panicAfterSeconds: 2 }),
    );
    await c1.start('pan');
    const crashed = await waitFor(
      'crashed/panicked event',
      () =>
        events.find(
          (x) => x.e.type === 'lifecycle' && x.e.domain === 'pan' && x.e.event === 'crashed',
        )?.e,
      30_000,
    );
    expect(crashed).toMatchObject({ event: 'crashed', detail: 'panicked' });
    expect(await c1.getState('pan')).toMatchObject({ state: 'crashed', reason: 'panicked' });
    const row = await c1.getDomain('pan');
    expect(row.id).toBeGreaterThan(0);
    await c1.destroy('pan');
    await c1.undefine('pan');
  }, 60_000);

  it('guest-ping to a guest without an agent fails with libvirt’s reason, within its bound', async () => {
    await c1.defineXml(lab.guestXml('noagent'));
    await c1.start('noagent');
    const t0 = Date.now();
    const err = await c1.agentCommand('noagent', '{"execute":"guest-ping"}', 2).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LibvirtError);
    expect((err as LibvirtError).codeName).toBe('VIR_ERR_ARGUMENT_UNSUPPORTED');
    expect((err as LibvirtError).message).toMatch(/agent is not configured/);
    expect(Date.now() - t0).toBeLessThan(2_500);
    await c1.destroy('noagent');
    await c1.undefine('noagent');
  }, 60_000);
});
