/**
 * `watch` is a daemon its inputs cannot kill (issue 11): a manifest the validator accepts but
 * whose site cannot be opened (an unset password variable) keeps the running manifests and
 * providers, and says so on /healthz and /readyz; a busy --listen port is a clear usage error;
 * /status carries conditions. Runs on the quickstart's embedded test-driver hosts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WatchProcess } from '../helpers/watch-process.js';

const QUICKSTART = fileURLToPath(new URL('../../manifests', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/virtwarden.js', import.meta.url));
let dir: string;
let state: string;
let watch: WatchProcess;

const OVIRT_SITE = `apiVersion: virtwarden/v1
kind: Site
metadata: { name: rhev }
spec:
  ovirt:
    url: https://127.0.0.1:1/ovirt-engine/api
    user: admin@internal
    passwordFrom: { env: VW_TEST_UNSET_PASSWORD }
    cluster: c1
    datacenter: dc1
`;

async function health(url: string): Promise<{ code: number; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { code: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vw-daemon-'));
  await cp(QUICKSTART, dir, { recursive: true });
  state = await mkdtemp(path.join(tmpdir(), 'vw-daemon-state-'));
  watch = new WatchProcess(dir, state);
  await watch.ready();
  await watch.waitFor(
    'the quickstart converged',
    async () => (await watch.status()).filter((g) => g.state === 'ONLINE').length === 5,
    60_000,
  );
}, 90_000);

afterAll(async () => {
  await watch.stop();
  await rm(dir, { recursive: true, force: true });
  await rm(state, { recursive: true, force: true });
});

describe('watch as a daemon', () => {
  it('reports conditions on /status: running guests Ready, the batch guest Ready as stopped', async () => {
    const status = await watch.status();
    const db1 = status.find((g) => g.guest === 'db1');
    expect(db1?.conditions.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Ready', true, 'Running'],
      ['Reconciling', false, 'Idle'],
      ['Stalled', false, 'Idle'],
    ]);
    const report1 = status.find((g) => g.guest === 'report1');
    expect(report1?.conditions[0]).toMatchObject({ status: true, reason: 'Stopped' });
    expect((await health(`${watch.url}/readyz`)).code).toBe(200);
    expect((await health(`${watch.url}/livez`)).code).toBe(200);
  });

  it('a site that cannot be opened (password variable unset) keeps the daemon and the old providers', async () => {
    await writeFile(path.join(dir, 'rhev-site.yaml'), OVIRT_SITE);
    await watch.waitFor('the reload rejected', async () => {
      const r = await health(`${watch.url}/readyz`);
      return r.code === 503 && JSON.stringify(r.body).includes('cannot be opened');
    });
    const h = await health(`${watch.url}/healthz`);
    expect(h.code).toBe(200);
    expect(h.body).toMatchObject({ status: 'degraded', live: true, ready: false });
    expect(JSON.stringify(h.body.problems)).toContain('VW_TEST_UNSET_PASSWORD');
    expect(
      watch.logs.some(
        (l) => l.msg?.includes('keeping the previous manifests and providers') === true,
      ),
    ).toBe(true);
    // Still watching the old site: a guest's status is still served, all five still online.
    expect((await watch.status()).filter((g) => g.state === 'ONLINE')).toHaveLength(5);
    await unlink(path.join(dir, 'rhev-site.yaml'));
    await watch.waitFor(
      'ready again',
      async () => (await health(`${watch.url}/readyz`)).code === 200,
    );
  }, 60_000);

  it('a busy --listen port is a clear usage error, not an internal error', async () => {
    const port = new URL(watch.url).port;
    const other = await mkdtemp(path.join(tmpdir(), 'vw-daemon-state2-'));
    try {
      const r = spawnSync(
        process.execPath,
        [BIN, 'watch', dir, '--listen', `127.0.0.1:${port}`, '--log-format', 'json'],
        { env: { ...process.env, VIRTWARDEN_STATE_DIR: other }, encoding: 'utf8', timeout: 60_000 },
      );
      expect(r.stderr).toContain(`cannot listen on 127.0.0.1:${port}: the address is in use`);
      expect(r.stderr).not.toContain('internal error');
      expect(r.status).not.toBe(70);
      expect(r.status).not.toBe(0);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  }, 90_000);
});
