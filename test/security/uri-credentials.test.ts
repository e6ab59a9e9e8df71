/**
 * Security corpus: credentials written into a URI (issue 13: `qemu+tcp://admin:pw@host/system`
 * and an oVirt `url` with a password passed `validate`, and `verify` printed them) are a
 * validation error naming file, line and field, and no command prints the password — not even
 * in the quoted source line.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { displayPath } from '../../src/cli/render/diagnostics.js';
import { REPO, ensureBuilt, printed, virtwarden } from './cli-child.js';

const PW = 'uri-pass-3c9b77';
let dir: string;

beforeAll(async () => {
  await ensureBuilt();
  dir = await mkdtemp(path.join(tmpdir(), 'vw-sec-uri-'));
  await writeFile(
    path.join(dir, 'site.yaml'),
    `apiVersion: virtwarden/v1
kind: Site
metadata: { name: lab }
spec:
  libvirt:
    hosts:
      - name: h1
        uri: qemu+tcp://admin:${PW}@127.0.0.1:1/system
        migrationUri: tcp://mig:${PW}@127.0.0.1:2
      - name: h2
        uri: "test:///default"
---
apiVersion: virtwarden/v1
kind: Site
metadata: { name: rhev }
spec:
  ovirt:
    url: https://admin%40internal:${PW}@127.0.0.1:3/ovirt-engine/api
    user: admin@internal
    passwordFrom: { env: PW }
    cluster: c1
    datacenter: dc1
`,
  );
}, 180_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a URI with a password', () => {
  it('is refused by validate, naming file, line and field, with the password masked', async () => {
    const out = await virtwarden(['validate', dir]);
    expect(out.code).toBe(1);
    // As the CLI shows it (relative to its working directory when that is short).
    const file = displayPath(path.join(dir, 'site.yaml'), REPO);
    for (const [line, what] of [
      [8, "uri of host 'h1'"],
      [9, "migrationUri of host 'h1'"],
      [18, "url of site 'rhev'"],
    ] as const) {
      expect(out.stdout).toContain(`${file}:${line}:`);
      expect(out.stdout).toContain(`error[VW603]: ${what} carries a password in its user part`);
    }
    expect(out.stdout).toMatch(/ {8}uri: \*+$/m);
    expect(printed(out)).not.toContain(PW);
  });

  it.each([['validate', '-o', 'json'], ['verify'], ['verify', '-o', 'json'], ['plan']])(
    '%s prints no password',
    async (command, ...rest) => {
      const out = await virtwarden([command, dir, ...rest], {
        PW: 'engine-pass-0000',
        VIRTWARDEN_STATE_DIR: path.join(dir, 'state'),
      });
      expect(out.code).toBe(1);
      expect(printed(out)).toContain('VW603');
      expect(printed(out)).not.toContain(PW);
    },
  );
});
