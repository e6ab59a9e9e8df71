/**
 * Host loss under `virtwarden watch`, with real lab hosts and guests: a crashed host with a
 * fence command → its guests run on the next host within seconds; a frozen host without
 * fencing → no second copy, status says it waits for fencing, and `virtwarden fence confirm`
 * releases it; a returning host → a guest never runs on two hosts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { startLab, type Lab } from '../lab/index.js';
import { captureIo } from '../helpers/cli-io.js';
import { manifestDir, type ManifestDir } from '../helpers/manifest-dir.js';
import { WatchProcess } from '../helpers/watch-process.js';

let lab: Lab;
let md: ManifestDir;
let state: string;
let watch: WatchProcess;

function manifests(): Record<string, string> {
  const host = (name: string, fence: boolean): string => {
    const h = lab.host(name);
    const f = fence
      ? `\n        fence:\n          command: [sh, -c, "exit 0"]\n          statusCommand: [sh, -c, "echo power is off"]`
      : '';
    return `      - name: ${h.name}\n        uri: ${h.qemuUri}\n        migrationUri: tcp://127.0.0.1${f}`;
  };
  const guest = (name: string, hosts: string[]): string =>
    `apiVersion: virtwarden/v1\nkind: Guest\nmetadata: { name: ${name} }\nspec:\n  site: lab\n  definition: { file: guests/${name}.xml }\n  placement: { hosts: [${hosts.join(', ')}] }\n`;
  const files: Record<string, string> = {
    'site.yaml': `apiVersion: virtwarden/v1\nkind: Site\nmetadata: { name: lab }\nspec:\n  libvirt:\n    keepalive: { intervalSeconds: 1, count: 2 }\n    hostLossGraceSeconds: 3\n    hosts:\n${host('h1', true)}\n${host('h2', false)}\n${host('h3', false)}\n`,
    'guests.yaml': [
      ...['a1', 'a2', 'a3'].map((n) => guest(n, ['h1', 'h2'])),
      guest('b1', ['h3', 'h2']),
    ].join('---\n'),
  };
  for (const n of ['a1', 'a2', 'a3', 'b1']) files[`guests/${n}.xml`] = lab.guestXml(n);
  return files;
}

const runsOn = (guest: string): string[] =>
  lab.hosts.filter((h) => h.isRunning() && h.qemuPid(guest) !== undefined).map((h) => h.name);

beforeAll(async () => {
  lab = await startLab({ hosts: 3, name: 'e2e-loss' });
  md = await manifestDir(manifests());
  state = await mkdtemp(path.join(tmpdir(), 'vw-state-'));
  watch = new WatchProcess(md.dir, state, ['--restart-backoff-ms', '300']);
  await watch.ready();
  await watch.waitFor(
    'all up',
    async () => (await watch.status()).every((g) => g.state === 'ONLINE'),
    60_000,
  );
}, 120_000);

afterAll(async () => {
  await watch.stop();
  await lab.destroy();
  await md.remove();
  await rm(state, { recursive: true, force: true });
});

describe('watch and host loss', () => {
  it('a crashed host is fenced by its fence command and its guests run on the next host', async () => {
    expect(['a1', 'a2', 'a3'].map(runsOn)).toEqual([['h1'], ['h1'], ['h1']]);
    const t0 = Date.now();
    await lab.host('h1').crash();
    await watch.waitFor(
      'a1..a3 on h2',
      () => ['a1', 'a2', 'a3'].every((g) => runsOn(g).join() === 'h2'),
      30_000,
    );
    const took = Date.now() - t0;
    process.stdout.write(`host loss → 3 guests running elsewhere: ${took} ms\n`);
    expect(took).toBeLessThan(10_000);
    expect(
      watch.logs.some(
        (l) => typeof l.msg === 'string' && l.msg.includes('h1 fenced and reported off'),
      ),
    ).toBe(true);
  }, 60_000);

  it('a frozen host without fencing: no second copy; status says it waits; fence confirm releases it', async () => {
    expect(runsOn('b1')).toEqual(['h3']);
    lab.host('h3').freeze();
    await watch.waitFor(
      'b1 waiting for fencing',
      async () =>
        (await watch.status())
          .find((g) => g.guest === 'b1')
          ?.reason.includes('waiting for fencing') === true,
      30_000,
    );
    await new Promise((r) => setTimeout(r, 3000));
    expect(lab.host('h2').qemuPid('b1')).toBeUndefined();
    const b1 = (await watch.status()).find((g) => g.guest === 'b1');
    expect(b1?.state).toBe('UNKNOWN');
    expect(b1?.reason).toContain('virtwarden fence confirm h3');
    // Held is not Ready (it used to say "converged").
    expect(b1?.converged).toBe(false);
    expect(b1?.conditions.find((c) => c.type === 'Ready')).toMatchObject({
      status: false,
      reason: 'WaitingForFencing',
    });

    // The operator powers the host off (its guests die with it), then confirms.
    await lab.host('h3').crash();
    const io = captureIo({ env: { VIRTWARDEN_STATE_DIR: state } });
    expect(
      await runCli(
        ['fence', 'confirm', 'h3', '--dir', md.dir, '--note', 'powered off at the PDU'],
        io,
      ),
    ).toBe(0);
    expect(io.out()).toContain('h3 confirmed fenced');
    await watch.waitFor('b1 on h2', () => runsOn('b1').join() === 'h2', 30_000);
  }, 90_000);

  it('fence confirm is refused for a host that answers', async () => {
    const io = captureIo({ env: { VIRTWARDEN_STATE_DIR: state } });
    expect(await runCli(['fence', 'confirm', 'h2', '--dir', md.dir], io)).toBe(1);
    expect(io.err()).toContain('h2 answers');
  }, 30_000);

  it('when the lost host returns, nothing runs twice and its stale definitions are reconciled', async () => {
    await lab.host('h1').restart();
    await watch.waitFor(
      'h1 back',
      () => watch.logs.some((l) => l.msg === 'host h1 is back'),
      30_000,
    );
    await new Promise((r) => setTimeout(r, 2000));
    for (const g of ['a1', 'a2', 'a3']) expect(runsOn(g)).toEqual(['h2']);
    const statuses = await watch.status();
    for (const g of ['a1', 'a2', 'a3'])
      expect(statuses.find((s) => s.guest === g)).toMatchObject({ state: 'ONLINE', host: 'h2' });
  }, 60_000);
});
