/**
 * `virtwarden watch` (the real CLI process) on a lab host answers the health signals libvirt
 * gives (issue 19): a guest that hangs starves its i6300esb watchdog (action `none`: libvirt
 * still says `running`), a guest that panics is `crashed (panicked)` (pvpanic, on_crash
 * preserve). Each is FAULTED with that reason in `status`, restarted by the ladder with the
 * evidence in the journal, and once its restarts are used up left FAULTED. A guest with
 * `health:` that hangs climbs `health.ladder` instead: a hard reset, then a restart, then
 * FAULTED.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLab, type Lab } from '../lab/index.js';
import { fleetFiles, type FleetGuest } from '../helpers/lab-fleet.js';
import { manifestDir, type ManifestDir } from '../helpers/manifest-dir.js';
import { WatchProcess } from '../helpers/watch-process.js';

let lab: Lab;
let md: ManifestDir;
let state: string;
let watch: WatchProcess;
const ladder = '  onFailure: { restart: { max: 1, withinSeconds: 600 }, then: fault }\n';
const fleet: FleetGuest[] = [
  {
    name: 'hung',
    hosts: ['h1'],
    extra: ladder,
    xml: { watchdogAction: 'none', hangAfterSeconds: 6 },
  },
  {
    name: 'panicky',
    hosts: ['h1'],
    extra: ladder,
    xml: { panicDevice: true, onCrash: 'preserve', panicAfterSeconds: 6 },
  },
  {
    name: 'laddered',
    hosts: ['h1'],
    extra: `${ladder}  health: { ladder: [reset, restart] }\n`,
    xml: { watchdogAction: 'none', hangAfterSeconds: 6 },
  },
];

interface JournalLine {
  readonly action: string;
  readonly event: string;
  readonly reason: string;
  readonly why?: string;
  readonly at?: string;
}

async function journal(): Promise<JournalLine[]> {
  return (await readFile(path.join(state, 'journal.jsonl'), 'utf8'))
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as JournalLine);
}

beforeAll(async () => {
  lab = await startLab({ hosts: 1, name: 'e2e-signals' });
  md = await manifestDir(fleetFiles(lab, fleet));
  state = await mkdtemp(path.join(tmpdir(), 'vw-state-'));
  watch = new WatchProcess(md.dir, state, ['--restart-backoff-ms', '300']);
  await watch.ready();
}, 120_000);

afterAll(async () => {
  await watch.stop();
  await lab.destroy();
  await md.remove();
  await rm(state, { recursive: true, force: true });
});

describe('watch answers watchdog and panic signals on a lab host', () => {
  it.each([
    ['hung', /watchdog fired \(action none\)/],
    ['panicky', /crashed \(panicked\)/],
  ])(
    '%s: FAULTED with its reason, restarted once with the evidence, then left FAULTED',
    async (guest, evidence) => {
      const seen: string[] = [];
      await watch.waitFor(
        `${guest} FAULTED by the ladder`,
        async () => {
          const g = (await watch.status()).find((s) => s.guest === guest);
          if (g !== undefined) seen.push(`${g.state}: ${g.reason}`);
          return g?.reason.includes('left alone') === true;
        },
        90_000,
      );
      // Before the ladder's own FAULTED, status showed the signal itself.
      expect(seen.some((s) => s.startsWith('FAULTED') && evidence.test(s))).toBe(true);
      const starts = (await journal()).filter(
        (j) => j.event === 'started' && j.action === `start:${guest}@h1`,
      );
      // The first start, then one restart because it crashed, whose reason carries the evidence.
      expect(starts.map((s) => s.reason)).toEqual(['not-running', 'crashed']);
      expect(starts[1]?.why).toMatch(evidence);
      expect(await lab.bootCount(guest)).toBe(2);
    },
    120_000,
  );

  it('with health: a hung guest is reset, then restarted, then left FAULTED, each step journaled with the evidence', async () => {
    await watch.waitFor(
      'laddered FAULTED by the ladder',
      async () =>
        (await watch.status())
          .find((s) => s.guest === 'laddered')
          ?.reason.includes('left alone') === true,
      150_000,
    );
    const steps = (await journal()).filter(
      (j) =>
        j.event === 'started' && j.action.includes(':laddered@') && !j.action.startsWith('define'),
    );
    expect(steps.map((j) => `${j.action} ${j.reason}`)).toEqual([
      'start:laddered@h1 not-running',
      'reset:laddered@h1 unhealthy',
      'stop:laddered@h1 unhealthy',
      'start:laddered@h1 unhealthy',
    ]);
    for (const j of steps.slice(1)) expect(j.why).toMatch(/watchdog fired \(action none\)/);
    // Booted by the first start, by the reset, and by the restart.
    expect(await lab.bootCount('laddered')).toBe(3);
  }, 180_000);
});
