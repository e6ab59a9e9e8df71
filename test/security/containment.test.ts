/**
 * Security corpus: a pull request's manifests cannot read files outside the repository
 * through the output of `validate` or `plan` (issue 13). Each case is the real CLI in a child
 * process on a repository in a temporary directory, next to an "outside" directory that holds
 * what an attacker would like to read: a shadow-like file, a valid domain XML, a YAML file.
 * The diagnostics must name the manifest, line and field, and print nothing of the target.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { displayPath } from '../../src/cli/render/diagnostics.js';
import { REPO, ensureBuilt, printed, virtwarden, type Outcome } from './cli-child.js';

/** What a shadow file looks like; the marker must never be printed. */
const SHADOW_MARK = '$y$j9T$';
const SHADOW = `root:${SHADOW_MARK}Qx1hT0pSaltSaltxx$AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd:19700:0:99999:7:::\ndaemon:*:19700:0:99999:7:::\n`;
/** Put into the CLI's environment: /proc/self/environ would show it. */
const ENV_TOKEN = 'vw-environ-token-5e0c41';
const VALID_XML =
  "<domain type='test'>\n  <name>db</name>\n  <memory>1024</memory>\n  <os><type>hvm</type></os>\n</domain>\n";

const SITE = `apiVersion: virtwarden/v1
kind: Site
metadata: { name: lab }
spec:
  libvirt:
    hosts:
      - name: h1
        uri: test:///default
`;

/** Line 7 of guest.yaml is the definition.file line. */
const guest = (file: string): string => `apiVersion: virtwarden/v1
kind: Guest
metadata: { name: db }
spec:
  site: lab
  definition:
    file: ${file}
  placement: { hosts: [h1] }
`;

let tmp: string;
let n = 0;

/** A fresh repository (with site.yaml) and an outside directory holding the bait. */
async function scenario(): Promise<{ repo: string; outside: string }> {
  const base = path.join(tmp, `case${++n}`);
  const repo = path.join(base, 'repo');
  const outside = path.join(base, 'outside');
  await mkdir(path.join(outside, 'dir'), { recursive: true });
  await mkdir(repo, { recursive: true });
  await writeFile(path.join(outside, 'shadow'), SHADOW);
  await writeFile(path.join(outside, 'dir', 'db.xml'), VALID_XML);
  await writeFile(path.join(repo, 'site.yaml'), SITE);
  return { repo, outside };
}

const env = { VW_TOKEN: ENV_TOKEN };

function expectNothingLeaked(out: Outcome): void {
  const all = printed(out);
  expect(all).not.toContain(SHADOW_MARK);
  expect(all).not.toContain('daemon:*');
  expect(all).not.toContain(ENV_TOKEN);
  expect(all).not.toContain('hunter2-outside');
}

/** `guest.yaml:7:…: error[VW016]: spec.definition.file '…' … outside the manifest root`. */
function expectOutsideRoot(out: Outcome, repo: string, file = 'guest.yaml', line = 7): void {
  expect(out.code).toBe(1);
  expect(out.stdout).toMatch(
    new RegExp(
      // As the CLI shows it (relative to its working directory when that is short).
      `${displayPath(path.join(repo, file), REPO).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}:\\d+: error\\[VW016\\]: `,
    ),
  );
  expect(out.stdout).toContain('resolves outside the manifest root');
}

beforeAll(async () => {
  await ensureBuilt();
  tmp = await mkdtemp(path.join(tmpdir(), 'vw-sec-contain-'));
}, 180_000);

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('definition files must resolve inside the manifest root', () => {
  it('refuses a relative ../ path, naming file, line and field, and reads nothing', async () => {
    const { repo } = await scenario();
    await writeFile(path.join(repo, 'guest.yaml'), guest('../outside/shadow'));
    const out = await virtwarden(['validate', repo], env);
    expectOutsideRoot(out, repo);
    expect(out.stdout).toContain("spec.definition.file '../outside/shadow' of guest 'db'");
    expectNothingLeaked(out);
  });

  it('refuses an absolute path', async () => {
    const { repo, outside } = await scenario();
    await writeFile(path.join(repo, 'guest.yaml'), guest(path.join(outside, 'shadow')));
    const out = await virtwarden(['validate', repo], env);
    expectOutsideRoot(out, repo);
    expectNothingLeaked(out);
  });

  it('refuses a symlink inside the repository that points at a shadow-like file', async () => {
    const { repo, outside } = await scenario();
    await mkdir(path.join(repo, 'guests'));
    await symlink(path.join(outside, 'shadow'), path.join(repo, 'guests', 'db.xml'));
    await writeFile(path.join(repo, 'guest.yaml'), guest('guests/db.xml'));
    const out = await virtwarden(['validate', repo], env);
    expectOutsideRoot(out, repo);
    expectNothingLeaked(out);
  });

  it('refuses a valid domain XML reached through a symlinked directory', async () => {
    const { repo, outside } = await scenario();
    await symlink(path.join(outside, 'dir'), path.join(repo, 'guests'));
    await writeFile(path.join(repo, 'guest.yaml'), guest('guests/db.xml'));
    const out = await virtwarden(['validate', repo], env);
    expectOutsideRoot(out, repo);
  });

  it('refuses a symlink to /proc/self/environ, and the environment is not printed', async () => {
    const { repo } = await scenario();
    await symlink('/proc/self/environ', path.join(repo, 'db.xml'));
    await writeFile(path.join(repo, 'guest.yaml'), guest('db.xml'));
    for (const format of ['text', 'json']) {
      const out = await virtwarden(['validate', repo, '-o', format], env);
      expect(out.code).toBe(1);
      expect(out.stdout).toContain('VW016');
      expectNothingLeaked(out);
    }
  });

  it('plan refuses a valid domain XML outside the root: nothing is planned or defined', async () => {
    const { repo, outside } = await scenario();
    await writeFile(path.join(repo, 'guest.yaml'), guest(path.join(outside, 'dir', 'db.xml')));
    const state = path.join(repo, '..', 'state');
    const out = await virtwarden(['plan', repo], { ...env, VIRTWARDEN_STATE_DIR: state });
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('error[VW016]');
    expect(out.stderr).toContain('Nothing was done');
    expect(out.stdout).not.toMatch(/define/i);
  });
});

describe('what diagnostics quote', () => {
  it('a definition inside the root that is not XML (a shadow-like file) is reported without a line of it', async () => {
    const { repo } = await scenario();
    await writeFile(path.join(repo, 'db.xml'), SHADOW);
    await writeFile(path.join(repo, 'guest.yaml'), guest('db.xml'));
    for (const format of ['text', 'json']) {
      const out = await virtwarden(['validate', repo, '-o', format], env);
      expect(out.code).toBe(1);
      expect(out.stdout).toContain('VW301');
      expectNothingLeaked(out);
    }
  });

  it('with --allow-outside-root, /proc/self/environ is read but never quoted', async () => {
    const { repo } = await scenario();
    await symlink('/proc/self/environ', path.join(repo, 'db.xml'));
    await writeFile(path.join(repo, 'guest.yaml'), guest('db.xml'));
    const out = await virtwarden(['validate', repo, '--allow-outside-root'], env);
    expect(out.code).toBe(1);
    // /proc files report size 0: the loader reads nothing of it (VW302), or refuses it (VW301).
    expect(out.stdout).toMatch(/error\[VW30[012]\]/);
    expectNothingLeaked(out);
  });

  it('a domain XML inside the root is still quoted, one line', async () => {
    const { repo } = await scenario();
    await writeFile(
      path.join(repo, 'db.xml'),
      VALID_XML.replace('<name>db</name>', '<name>other</name>'),
    );
    await writeFile(path.join(repo, 'guest.yaml'), guest('db.xml'));
    const out = await virtwarden(['validate', repo], env);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('error[VW303]');
    expect(out.stdout).toContain('2 |   <name>other</name>');
    expect(out.stdout).not.toContain('<memory>');
  });
});

describe('opting out is explicit and on the command line', () => {
  it('--allow-outside-root accepts a definition outside the root', async () => {
    const { repo, outside } = await scenario();
    await writeFile(path.join(repo, 'guest.yaml'), guest(path.join(outside, 'dir', 'db.xml')));
    expect((await virtwarden(['validate', repo], env)).code).toBe(1);
    const out = await virtwarden(['validate', repo, '--allow-outside-root'], env);
    expect(out).toMatchObject({ code: 0, stderr: '' });
  });

  it('--root DIR widens the root to DIR', async () => {
    const { repo, outside } = await scenario();
    await writeFile(path.join(repo, 'guest.yaml'), guest('../outside/dir/db.xml'));
    const out = await virtwarden(['validate', repo, '--root', path.dirname(outside)], env);
    expect(out).toMatchObject({ code: 0, stderr: '' });
  });
});

describe('manifest files and other paths', () => {
  it('a manifest file that is a symlink out of the root is refused and not quoted', async () => {
    const { repo, outside } = await scenario();
    await writeFile(path.join(outside, 'secret.yaml'), 'password: hunter2-outside\n');
    await symlink(path.join(outside, 'secret.yaml'), path.join(repo, 'evil.yaml'));
    const out = await virtwarden(['validate', repo], env);
    expectOutsideRoot(out, repo, 'evil.yaml', 1);
    expectNothingLeaked(out);
  });

  it('manifests in a symlinked directory that leads out of the root are refused', async () => {
    const { repo, outside } = await scenario();
    await mkdir(path.join(outside, 'more'));
    await writeFile(path.join(outside, 'more', 'x.yaml'), 'kind: [hunter2-outside\n');
    await symlink(path.join(outside, 'more'), path.join(repo, 'more'));
    const out = await virtwarden(['validate', repo], env);
    expectOutsideRoot(out, repo, 'more/x.yaml', 1);
    expectNothingLeaked(out);
  });

  it('validate FILE: the root is the file’s directory', async () => {
    const { repo } = await scenario();
    await writeFile(path.join(repo, 'guest.yaml'), SITE + '---\n' + guest('../outside/shadow'));
    const out = await virtwarden(['validate', path.join(repo, 'guest.yaml')], env);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('error[VW016]');
    expectNothingLeaked(out);
  });

  it('caFile and test-driver files outside the root are refused', async () => {
    const { repo, outside } = await scenario();
    await writeFile(
      path.join(repo, 'site.yaml'),
      `apiVersion: virtwarden/v1
kind: Site
metadata: { name: lab }
spec:
  libvirt:
    hosts:
      - name: h1
        uri: test://${outside}/shadow
---
apiVersion: virtwarden/v1
kind: Site
metadata: { name: rhev }
spec:
  ovirt:
    url: https://engine.example.com/ovirt-engine/api
    user: admin@internal
    passwordFrom: { env: PW }
    caFile: ../outside/shadow
    cluster: c1
    datacenter: dc1
`,
    );
    const out = await virtwarden(['validate', repo], env);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('site.yaml:8:');
    expect(out.stdout).toContain("spec.libvirt.hosts[0].uri: the test-driver file of host 'h1'");
    expect(out.stdout).toContain('site.yaml:18:');
    expect(out.stdout).toContain("spec.ovirt.caFile: caFile '../outside/shadow' of site 'rhev'");
    expectNothingLeaked(out);
  });
});
