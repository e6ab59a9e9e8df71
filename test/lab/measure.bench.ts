/**
 * Timings of the lab, printed (not asserted): host start, guest start, migration, destroy.
 * Not part of the test suite (jest only collects *.test.ts). Run with:
 *
 *   npm run jest -- --testMatch '<rootDir>/test/lab/measure.bench.ts'
 *
 * docs/lab.md lists the numbers it printed on the reference machine.
 */
import { afterAll, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { startLab, type Lab, type LabHost } from './index.js';

const ROUNDS = 5;
const labs: Lab[] = [];
const rows: string[] = [];

afterAll(async () => {
  for (const lab of labs) await lab.destroy();
  process.stdout.write(`\n${rows.join('\n')}\n`);
});

async function timed(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}

function report(label: string, samples: readonly number[]): void {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
  const range = `${(sorted[0] ?? NaN).toFixed(0)}–${(sorted.at(-1) ?? NaN).toFixed(0)}`;
  rows.push(
    `${label.padEnd(48)} median ${median.toFixed(0).padStart(5)} ms  (${range}, n=${String(sorted.length)})`,
  );
}

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await sleep(5);
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

test('lab timings', async () => {
  const starts: number[] = [];
  const destroys: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    const lab = await startLab({ hosts: 2, name: 'bench' });
    starts.push(performance.now() - started);
    destroys.push(await timed(() => lab.destroy()));
  }
  report('startLab 2 hosts (warm caches)', starts);
  report('destroy() of an idle 2-host lab', destroys);

  const keeperStarts: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    const lab = await startLab({ hosts: 1, testDriverKeeper: true });
    keeperStarts.push(performance.now() - started);
    await lab.destroy();
  }
  report('startLab 1 host + test-driver keeper', keeperStarts);

  const lab = await startLab({ hosts: 2, name: 'bench' });
  labs.push(lab);
  const [h1, h2] = [lab.host('h1'), lab.host('h2')];
  const boot: number[] = [];
  const firstTick: number[] = [];
  const destroyGuest: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const name = `b${String(round)}`;
    await h1.defineXml(lab.guestXml(name));
    boot.push(await timed(() => h1.virsh(['start', name])));
    firstTick.push(await timed(() => lab.waitForUptime(name, 1)));
    destroyGuest.push(await timed(() => h1.virsh(['destroy', name])));
  }
  report('virsh start of the tiny guest', boot);
  report('… then until it prints "uptime 1s"', firstTick);
  report('virsh destroy of the tiny guest', destroyGuest);

  await h1.defineXml(lab.guestXml('m'));
  await h1.virsh(['start', 'm']);
  await lab.waitForUptime('m', 1);
  rows.push(
    `RSS: libvirtd ${rssMiB(h1.libvirtdPid()).toFixed(0)} MiB, tiny guest QEMU ${rssMiB(h1.qemuPid('m') ?? 0).toFixed(0)} MiB`,
  );
  const tunnelled: number[] = [];
  const direct: number[] = [];
  let from: LabHost = h1;
  let to: LabHost = h2;
  for (let round = 0; round < ROUNDS; round++) {
    tunnelled.push(
      await timed(() =>
        from.virsh([
          'migrate',
          '--live',
          '--p2p',
          '--tunnelled',
          '--persistent',
          '--undefinesource',
          'm',
          to.qemuUri,
        ]),
      ),
    );
    [from, to] = [to, from] as const;
    const uri = `tcp://127.0.0.1:${String(to.migrationPorts.min)}`;
    direct.push(
      await timed(() =>
        from.virsh([
          'migrate',
          '--live',
          '--persistent',
          '--undefinesource',
          'm',
          to.qemuUri,
          '--migrateuri',
          uri,
          '--listen-address',
          '127.0.0.1',
        ]),
      ),
    );
    [from, to] = [to, from] as const;
  }
  report('live migration --p2p --tunnelled', tunnelled);
  report('live migration direct (--migrateuri tcp://127.0.0.1)', direct);
  rows.push(
    `guest m after ${String(ROUNDS * 2)} migrations: boots ${String(await lab.bootCount('m'))}, uptime ${String(await lab.readUptime('m'))} s`,
  );

  const home = from; // where guest m lives now
  const stops: number[] = [];
  const restarts: number[] = [];
  const crashes: number[] = [];
  const crashRestarts: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    stops.push(await timed(() => home.stop()));
    restarts.push(await timed(() => home.restart()));
    crashes.push(await timed(() => home.crash()));
    crashRestarts.push(await timed(() => home.restart()));
    await until(async () => (await home.virsh(['domstate', 'm'])).trim() === 'shut off');
    await home.virsh(['start', 'm']);
  }
  report('host stop() (one guest keeps running)', stops);
  report('host restart() after stop (re-attach one guest)', restarts);
  report('host crash() (libvirtd + one guest)', crashes);
  report('host restart() after crash', crashRestarts);
  expect(rows.length).toBeGreaterThan(0);
}, 300_000);
