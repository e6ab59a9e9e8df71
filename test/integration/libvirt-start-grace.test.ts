/**
 * `timing.startGraceSeconds` on real lab hosts (issue 10 item 12): a start is judged only after
 * its grace. A guest that pauses on a real I/O error (the lab's failing disk: QEMU's blkdebug
 * under an IDE disk the guest writes to) or dies inside the grace fails its start; one that
 * holds for the grace succeeds, whatever happens to it later (the watch loop's business).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { classify, errorCode } from '../../src/common/errors.js';
import type { Guest } from '../../src/model/desired.js';
import type { LibvirtProvider } from '../../src/providers/libvirt/provider.js';
import { startLab, type GuestXmlOptions, type Lab, type LabHost } from '../lab/index.js';
import { action, labGuest, labProvider, rejection, run } from './libvirt-actions.helpers.js';

let lab: Lab;
let h1: LabHost;
let provider: LibvirtProvider;

beforeAll(async () => {
  lab = await startLab({ hosts: 1, name: 'start-grace' });
  h1 = lab.host('h1');
  provider = labProvider(lab);
}, 60_000);

afterAll(async () => {
  await provider.close();
  await lab.destroy();
});

async function definedOnH1(name: string, grace: number, xml: GuestXmlOptions): Promise<Guest> {
  await h1.defineXml(lab.guestXml(name, xml));
  const g = labGuest(lab, name);
  return { ...g, timing: { ...g.timing, startGraceSeconds: grace } };
}

async function domstate(name: string): Promise<string> {
  return (await h1.virsh(['domstate', '--reason', name])).trim();
}

describe('start grace on a lab host', () => {
  it('a guest that pauses on an I/O error 2 s into a 5 s grace fails its start', async () => {
    const g = await definedOnH1('ioerr-early', 5, { ioErrorAfterSeconds: 2 });
    const t0 = Date.now();
    const r = run(provider, action('start', g, 'h1'), g);
    const err = await rejection(r.result);
    const failedAt = Date.now();
    expect(errorCode(err)).toBe('start-failed');
    expect(classify(err)).toBe('terminal');
    expect(err.message).toMatch(
      /^'ioerr-early' was paused \(ioerror\) \d+\.\d s after it started on h1, inside its 5 s start grace$/,
    );
    // The pause is real, and the action failed on it, not at the end of the grace.
    expect(await domstate('ioerr-early')).toBe('paused (I/O error)');
    const after = Number(/was paused \(ioerror\) (\d+\.\d) s/.exec(err.message)?.[1]);
    expect(after).toBeGreaterThanOrEqual(1);
    expect(after).toBeLessThan(5);
    expect(r.progress.some((p) => /^start grace: up \d+ s of 5 s$/.test(p.message))).toBe(true);
    process.stdout.write(
      `I/O-error pause inside the grace: the start failed ${String(failedAt - t0)} ms after it was called (${err.message})\n`,
    );
    await h1.virsh(['destroy', 'ioerr-early']);
  }, 60_000);

  it('a guest that holds for a 3 s grace starts, even though it pauses on an I/O error at 8 s', async () => {
    const g = await definedOnH1('ioerr-late', 3, { ioErrorAfterSeconds: 8 });
    const t0 = Date.now();
    const outcome = await run(provider, action('start', g, 'h1'), g).result;
    const elapsed = Date.now() - t0;
    expect(outcome.message).toMatch(/^running on h1 after \d+\.\d s, stable for 3 s$/);
    expect(elapsed).toBeGreaterThanOrEqual(3_000);
    // Its disk really fails: later, outside the grace, it pauses (for the watch loop to see).
    const deadline = Date.now() + 30_000;
    let state = await domstate('ioerr-late');
    while (state !== 'paused (I/O error)' && Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, 250));
      state = await domstate('ioerr-late');
    }
    expect(state).toBe('paused (I/O error)');
    expect((await lab.readUptime('ioerr-late')) ?? 0).toBeGreaterThanOrEqual(8);
    await h1.virsh(['destroy', 'ioerr-late']);
  }, 60_000);

  it('a guest whose QEMU is killed inside the grace fails its start, saying so', async () => {
    const g = await definedOnH1('killed', 4, {});
    const r = run(provider, action('start', g, 'h1'), g);
    const t0 = Date.now();
    while (!r.progress.some((p) => p.message.startsWith('start grace')) && Date.now() - t0 < 20_000)
      await new Promise((res) => setTimeout(res, 50));
    process.kill(h1.qemuPid('killed') ?? 0, 'SIGKILL');
    const err = await rejection(r.result);
    expect(errorCode(err)).toBe('start-failed');
    expect(err.message).toMatch(
      /^'killed' was (shut off \(crashed\)|stopped \(failed\)) \d+\.\d s after it started on h1, inside its 4 s start grace$/,
    );
  }, 60_000);
});
