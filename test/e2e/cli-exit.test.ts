/**
 * Exit codes a CI job can trust (issue 11): a plan that could not observe a site is an error
 * (1) — it used to say "all converged" and exit 0 behind an unreachable engine — and the
 * guests there are UNKNOWN with confidence 0.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { captureIo } from '../helpers/cli-io.js';
import { manifestDir, type ManifestDir } from '../helpers/manifest-dir.js';

let md: ManifestDir;
let state: string;

beforeAll(async () => {
  md = await manifestDir({
    'site.yaml': `apiVersion: virtwarden/v1
kind: Site
metadata: { name: rhev }
spec:
  ovirt:
    url: https://127.0.0.1:1/ovirt-engine/api
    user: admin@internal
    passwordFrom: { env: VW_EXIT_TEST_PASSWORD }
    cluster: c1
    datacenter: dc1
`,
    'vm.yaml': `apiVersion: virtwarden/v1
kind: Guest
metadata: { name: vm1 }
spec:
  site: rhev
`,
  });
  state = await mkdtemp(path.join(tmpdir(), 'vw-exit-'));
});

afterAll(async () => {
  await md.remove();
  await rm(state, { recursive: true, force: true });
});

const env = (): Record<string, string> => ({
  VIRTWARDEN_STATE_DIR: state,
  VW_EXIT_TEST_PASSWORD: 'x',
  NO_COLOR: '1',
});

describe('exit codes with an unreachable engine', () => {
  it('plan --detailed-exitcode exits 1, naming the site', async () => {
    const io = captureIo({ env: env() });
    expect(await runCli(['plan', md.dir, '--detailed-exitcode'], io)).toBe(1);
    expect(io.err()).toContain("site 'rhev' could not be observed");
    expect(io.out()).toContain('site-unreachable');
  }, 60_000);

  it('status shows its guests UNKNOWN with confidence 0, not OFFLINE and converged', async () => {
    const io = captureIo({ env: env() });
    await runCli(['status', md.dir, '-o', 'json'], io);
    const doc = JSON.parse(io.out()) as {
      guests: { guest: string; state: string; confidence: number; converged: boolean }[];
    };
    expect(doc.guests[0]).toMatchObject({
      guest: 'vm1',
      state: 'UNKNOWN',
      confidence: 0,
      converged: false,
    });
  }, 60_000);
});
