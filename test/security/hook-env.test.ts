/**
 * Security corpus: fence hooks run with a scrubbed environment (issue 13: a fence script that
 * ran `env` received RHEVM_PASSWORD). The hook is a real `sh -c env` process, loaded from a
 * real manifest through the loader and run by the fencer as `watch` runs it; what it saw is
 * written to a file and read back.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { LibvirtHost } from '../../src/model/desired.js';
import { loadManifests } from '../../src/manifest/index.js';
import { fenceHost } from '../../src/watch/fencer.js';
import { manifestDir, type ManifestDir } from '../helpers/manifest-dir.js';

const SECRETS: Record<string, string> = {
  RHEVM_PASSWORD: 'rhevm-secret-44c1',
  OTHER_ENGINE_PW: 'other-engine-secret-9d2e',
  AWS_SECRET_ACCESS_KEY: 'aws-secret-77aa',
};
const PASSED = { IPMI_PASS: 'ipmi-for-the-hook-1f3' };

let md: ManifestDir;
const saved = new Map<string, string | undefined>();

/** `OUT` is replaced by the file the hook writes its environment to. */
function site(passEnv: string): string {
  return `apiVersion: virtwarden/v1
kind: Site
metadata: { name: lab }
spec:
  libvirt:
    hosts:
      - name: h1
        uri: test:///default
        fence:
          command: [sh, -c, 'env > "$0"', OUT]
          statusCommand: [sh, -c, 'env > "$0.status"; echo off', OUT]
          passEnv: ${passEnv}
---
apiVersion: virtwarden/v1
kind: Site
metadata: { name: rhev }
spec:
  ovirt:
    url: https://engine.example.com/ovirt-engine/api
    user: admin@internal
    passwordFrom: { env: OTHER_ENGINE_PW }
    cluster: c1
    datacenter: dc1
`;
}

beforeAll(async () => {
  md = await manifestDir({});
  for (const [k, v] of Object.entries({ ...SECRETS, ...PASSED, LC_MESSAGES: 'C' })) {
    saved.set(k, process.env[k]);
    process.env[k] = v;
  }
});
afterAll(async () => {
  await md.remove();
  for (const [k, v] of saved) {
    if (v === undefined) Reflect.deleteProperty(process.env, k);
    else process.env[k] = v;
  }
});

async function hostFrom(passEnv: string): Promise<LibvirtHost> {
  const out = path.join(md.dir, 'env.out');
  await md.write({ 'site.yaml': site(passEnv).replaceAll('OUT', out) });
  const loaded = await loadManifests(md.dir);
  if (loaded.desired === undefined) {
    throw new Error(loaded.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
  }
  const lab = loaded.desired.sites.get('lab')?.provider;
  if (lab?.kind !== 'libvirt' || lab.hosts[0] === undefined) throw new Error('no host');
  return lab.hosts[0];
}

describe('a fence hook that runs env', () => {
  it('receives neither the engine password nor any other variable it did not ask for', async () => {
    const host = await hostFrom('[IPMI_PASS]');
    const outcome = await fenceHost(host);
    expect(outcome.fenced).toBe(true);
    for (const file of ['env.out', 'env.out.status']) {
      const seen = await readFile(path.join(md.dir, file), 'utf8');
      for (const [name, value] of Object.entries(SECRETS)) {
        expect(seen).not.toContain(name);
        expect(seen).not.toContain(value);
      }
      // What it declared, and the documented allow-list, it does get.
      expect(seen).toMatch(/^IPMI_PASS=ipmi-for-the-hook-1f3$/m);
      expect(seen).toMatch(/^PATH=/m);
      expect(seen).toMatch(/^LC_MESSAGES=C$/m);
      const names = seen
        .trim()
        .split('\n')
        .map((l) => l.slice(0, l.indexOf('=')));
      const allowed = /^(PATH|HOME|LANG|LC_[A-Z]+|TZ|IPMI_PASS|PWD|SHLVL|_)$/;
      expect(names.filter((n) => !allowed.test(n))).toEqual([]);
    }
  });

  it('cannot ask for a variable that holds an engine password (VW113)', async () => {
    const out = path.join(md.dir, 'env.out');
    await md.write({ 'site.yaml': site('[IPMI_PASS, OTHER_ENGINE_PW]').replaceAll('OUT', out) });
    const loaded = await loadManifests(md.dir);
    expect(loaded.desired).toBeUndefined();
    expect(loaded.diagnostics).toEqual([
      expect.objectContaining({
        code: 'VW113',
        at: expect.objectContaining({ file: path.join(md.dir, 'site.yaml'), line: 12 }),
      }),
    ]);
  });
});
