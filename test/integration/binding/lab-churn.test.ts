/**
 * The native binding must never crash the process, whatever the daemon does: a connection with
 * keepalive and events, twelve calls in flight on it, while its libvirtd is frozen, thawed,
 * stopped and restarted over and over (the faults a `watch` meets). The churn runs in a child
 * process, so a crash of native code shows as its signal.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startLab, type Lab } from '../../lab/index.js';

const CHILD = fileURLToPath(new URL('./churn-child.cjs', import.meta.url));
const RUN_MS = Number(process.env.CHURN_MS ?? '20000');
let lab: Lab;

beforeAll(async () => {
  lab = await startLab({ hosts: 2, name: 'churn' });
}, 60_000);

afterAll(async () => {
  await lab.destroy();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

it(
  'survives freezes, stops and restarts of its daemon with calls in flight',
  async () => {
    const h1 = lab.host('h1');
    // h2 stays healthy: its connection shares the worker threads with h1's, dying ones.
    const uris = `${h1.qemuUri},${lab.host('h2').qemuUri}`;
    const child = spawn(process.execPath, [CHILD, uris, String(RUN_MS)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: tmpdir(), // a core dump (ulimit -c) lands there, not in the checkout
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const ended = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.on('close', (code, signal) => {
        resolve({ code, signal });
      }),
    );
    const until = Date.now() + RUN_MS - 3000;
    let cycles = 0;
    while (Date.now() < until) {
      await sleep(700 + ((cycles * 379) % 900));
      if (cycles % 2 === 0) {
        h1.freeze();
        await sleep(1500 + ((cycles * 613) % 2500)); // past keepalive (1 s × 2) half the time
        h1.thaw();
      } else {
        await h1.stop();
        await sleep(300 + ((cycles * 211) % 1200));
        await h1.restart();
      }
      cycles++;
    }
    const { code, signal } = await ended;
    if (code !== 0) console.log(err.slice(-3000));
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    const stats = JSON.parse(out.trim()) as { calls: number; connects: number };
    console.log(`churn: ${String(cycles)} daemon faults, ${out.trim()}`);
    expect(stats.connects).toBeGreaterThan(cycles / 2); // it really reconnected
    expect(stats.calls).toBeGreaterThan(100);
  },
  RUN_MS + 90_000,
);
