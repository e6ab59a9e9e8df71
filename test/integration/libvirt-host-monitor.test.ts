/**
 * Connection loss is not host loss (issue 10, item 4, provider side), on lab hosts: a libvirtd
 * restarted 3 s after it stopped is `hostUnreachable` then `hostBack`, never `hostLost`; a crashed
 * host and a frozen one (found by keepalive) are `hostLost` only after the site's grace; a fresh
 * connection answers (`probeHost`) only while the daemon does.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ProviderEvent } from '../../src/providers/provider.js';
import { startLab, type Lab } from '../lab/index.js';
import { labSite, type LabSite } from './libvirt-lab-site.js';

let lab: Lab;
const sites: LabSite[] = [];

beforeAll(async () => {
  lab = await startLab({ hosts: 3, name: 'lv-monitor' });
}, 60_000);

afterAll(async () => {
  lab.host('h3').thaw();
  await Promise.allSettled(sites.map((s) => s.close()));
  await lab.destroy();
});

interface Watched {
  readonly site: LabSite;
  readonly events: (ProviderEvent & { flag: string })[];
  stop(): void;
}

const flagOf = (e: ProviderEvent): string =>
  e.hostLost === true
    ? 'hostLost'
    : e.hostBack === true
      ? 'hostBack'
      : e.hostUnreachable === true
        ? 'hostUnreachable'
        : 'event';

/** A site of one lab host with its own grace, its host monitor running. */
async function watchHost(host: string, graceSeconds: number): Promise<Watched> {
  const site = await labSite(lab, {}, { hosts: [host], hostLossGraceSeconds: graceSeconds });
  sites.push(site);
  const events: Watched['events'] = [];
  const stop = await site.provider.subscribe((e) => {
    if (e.domainName === undefined) events.push({ ...e, flag: flagOf(e) });
  });
  return { site, events, stop };
}

async function waitFor(what: string, probe: () => boolean, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  while (!probe()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now();
}

const flags = (w: Watched): string[] => w.events.map((e) => e.flag);

describe('host monitor: connection loss is not host loss', () => {
  it('libvirtd stopped and restarted 3 s later: unreachable, then back, never lost (grace 15 s)', async () => {
    const w = await watchHost('h1', 15);
    const h1 = lab.host('h1');
    const t0 = Date.now();
    await h1.stop();
    await waitFor('hostUnreachable', () => flags(w).includes('hostUnreachable'), 5_000);
    expect(await w.site.provider.probeHost('h1')).toBe(false);
    await new Promise((r) => setTimeout(r, 3_000 - (Date.now() - t0)));
    await h1.restart();
    const back = await waitFor('hostBack', () => flags(w).includes('hostBack'), 14_000);
    console.log(`h1: hostBack ${back - t0} ms after the stop (restart at 3000 ms)`);
    expect(await w.site.provider.probeHost('h1')).toBe(true);
    // Past the grace: still no loss.
    await new Promise((r) => setTimeout(r, 15_500 - (Date.now() - t0)));
    expect(flags(w)).toEqual(['hostUnreachable', 'hostBack']);
    w.stop();
  }, 40_000);

  it('a crashed host is lost once the grace is over, not before', async () => {
    const grace = 4;
    const w = await watchHost('h2', grace);
    const t0 = Date.now();
    await lab.host('h2').crash();
    const unreachable = await waitFor(
      'hostUnreachable',
      () => flags(w).includes('hostUnreachable'),
      5_000,
    );
    const lost = await waitFor(
      'hostLost',
      () => flags(w).includes('hostLost'),
      grace * 1000 + 6_000,
    );
    console.log(
      `h2 crash: hostUnreachable after ${unreachable - t0} ms, hostLost after ${lost - t0} ms (grace ${grace} s)`,
    );
    expect(lost - unreachable).toBeGreaterThanOrEqual(grace * 1000 - 100);
    expect(flags(w)).toEqual(['hostUnreachable', 'hostLost']);
    expect(await w.site.provider.probeHost('h2')).toBe(false);
    await lab.host('h2').restart();
    await waitFor('hostBack', () => flags(w).includes('hostBack'), 15_000);
    w.stop();
  }, 40_000);

  it('a frozen host is found by keepalive, lost after the grace, and back when it thaws', async () => {
    const grace = 4;
    const w = await watchHost('h3', grace);
    const t0 = Date.now();
    lab.host('h3').freeze();
    const unreachable = await waitFor(
      'hostUnreachable',
      () => flags(w).includes('hostUnreachable'),
      8_000,
    );
    const t1 = Date.now();
    expect(await w.site.provider.probeHost('h3')).toBe(false);
    console.log(`h3 frozen: probeHost answered false in ${Date.now() - t1} ms`);
    const lost = await waitFor(
      'hostLost',
      () => flags(w).includes('hostLost'),
      grace * 1000 + 6_000,
    );
    console.log(
      `h3 frozen: hostUnreachable after ${unreachable - t0} ms (keepalive 1 s × 2), hostLost after ${lost - t0} ms (grace ${grace} s)`,
    );
    expect(lost - unreachable).toBeGreaterThanOrEqual(grace * 1000 - 100);
    lab.host('h3').thaw();
    const back = await waitFor('hostBack', () => flags(w).includes('hostBack'), 15_000);
    console.log(`h3 thawed: hostBack after ${back - lost} ms`);
    expect(flags(w)).toEqual(['hostUnreachable', 'hostLost', 'hostBack']);
    expect(await w.site.provider.probeHost('h3')).toBe(true);
    w.stop();
  }, 40_000);
});
