/**
 * Bounded observation per host (issue 10, item 13, provider side), on three lab hosts: with one
 * libvirtd SIGSTOPped, an observation of the site returns within the deadline with that host
 * unreachable and the others normal; a host known not to answer is reported at once, without a
 * new call; never more than one hung call per host; the host is back once it thaws.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ObservedSite } from '../../src/model/observed.js';
import { startLab, type Lab } from '../lab/index.js';
import { countingConnector, labSite, type CallLog, type LabSite } from './libvirt-lab-site.js';

const DEADLINE_MS = 1_500;
let lab: Lab;
let site: LabSite;
let log: CallLog;

beforeAll(async () => {
  lab = await startLab({ hosts: 3, name: 'lv-observe' });
  const counting = countingConnector(
    (uri) => lab.hosts.find((h) => h.qemuUri === uri)?.name ?? '?',
  );
  log = counting.log;
  site = await labSite(lab, {}, { connector: counting.connector, observeDeadlineMs: DEADLINE_MS });
}, 60_000);

afterAll(async () => {
  lab.host('h2').thaw();
  await site.close();
  await lab.destroy();
});

async function timed(): Promise<{ ms: number; site: ObservedSite }> {
  const t0 = Date.now();
  const observed = await site.provider.observe();
  return { ms: Date.now() - t0, site: observed };
}

const status = (s: ObservedSite): Record<string, string> =>
  Object.fromEntries([...s.hosts].map(([n, h]) => [n, h.status]));

describe('observation with one frozen host of three', () => {
  it('returns within the deadline, the frozen host unreachable, the others up', async () => {
    expect(status((await timed()).site)).toEqual({ h1: 'up', h2: 'up', h3: 'up' });
    lab.host('h2').freeze();
    log.reset();
    const first = await timed();
    console.log(`observation with h2 frozen (first): ${first.ms} ms (deadline ${DEADLINE_MS} ms)`);
    expect(status(first.site)).toEqual({ h1: 'up', h2: 'unreachable', h3: 'up' });
    expect(first.site.reachable).toBe(true);
    // Bounded by the deadline (plus the scheduling slack of a loaded machine).
    expect(first.ms).toBeLessThan(DEADLINE_MS + 1_000);
  }, 30_000);

  it('reports the host known not to answer at once, without sending it another call', async () => {
    const callsBefore = log.count('h2');
    const again = await timed();
    console.log(`observation with h2 frozen (again): ${again.ms} ms`);
    expect(status(again.site)).toEqual({ h1: 'up', h2: 'unreachable', h3: 'up' });
    expect(again.site.hosts.get('h2')?.reason).toMatch(/has not answered/);
    expect(again.ms).toBeLessThan(DEADLINE_MS);
    expect(log.count('h2')).toBe(callsBefore);
  }, 30_000);

  it('never holds more than one hung call on the frozen host, through keepalive and reconnects', async () => {
    // Past keepalive (1 s × 2): the hung call fails, the connection closes, reconnects hang.
    for (let i = 0; i < 12; i++) {
      const r = await timed();
      expect(r.site.hosts.get('h2')?.status).toBe('unreachable');
      expect(r.ms).toBeLessThan(DEADLINE_MS + 1_000);
      await new Promise((res) => setTimeout(res, 400));
    }
    console.log(
      `h2 calls while frozen: ${JSON.stringify(Object.fromEntries([...log.calls].filter(([k]) => k.startsWith('h2.'))))}, most in flight at once: ${log.maxInFlight.get('h2') ?? 0}`,
    );
    expect(log.maxInFlight.get('h2') ?? 0).toBeLessThanOrEqual(1);
    expect(log.count('h1', 'listDomains')).toBeGreaterThanOrEqual(12);
  }, 60_000);

  it('is up again once the daemon thaws', async () => {
    lab.host('h2').thaw();
    const t0 = Date.now();
    let up = false;
    while (!up && Date.now() - t0 < 20_000) {
      up = (await timed()).site.hosts.get('h2')?.status === 'up';
      if (!up) await new Promise((res) => setTimeout(res, 200));
    }
    console.log(`h2 observed up ${Date.now() - t0} ms after thaw`);
    expect(up).toBe(true);
  }, 30_000);

  it('a crashed host is reported unreachable without waiting for the deadline', async () => {
    await lab.host('h3').crash();
    await new Promise((res) => setTimeout(res, 300));
    const r = await timed();
    console.log(`observation after h3 crashed: ${r.ms} ms`);
    expect(status(r.site)).toEqual({ h1: 'up', h2: 'up', h3: 'unreachable' });
    expect(r.ms).toBeLessThan(DEADLINE_MS);
  }, 30_000);
});
