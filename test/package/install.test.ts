/**
 * The package an operator installs (issue 18): `npm pack` of this checkout (its built dist/),
 * `npm i -g` of the tarball into a temporary prefix, and the installed copy run as a process.
 * libvirt-dev is made to look missing (PKG_CONFIG_LIBDIR names an empty folder, so pkg-config
 * finds no libvirt.pc): the install must still succeed, `validate` must work, and a command that
 * needs the binding must fail with exit 1 and one line naming what is missing — never report
 * the fleet as converged. Needs `npm run build` first (as `npm test` does).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
let work: string;
let tarball: string;
let files: string[];
let installLog: string;
const prefix = (): string => path.join(work, 'prefix');
const installed = (): string => path.join(prefix(), 'lib', 'node_modules', 'virtwarden');

function run(bin: string, args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(path.join(prefix(), 'bin', bin), args, {
    cwd: work,
    encoding: 'utf8',
    env: { ...process.env, VIRTWARDEN_STATE_DIR: path.join(work, 'state'), NO_COLOR: '1' },
    timeout: 30_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'vw-package-'));
  const emptyPkgConfig = path.join(work, 'no-pkgconfig');
  await mkdir(emptyPkgConfig);
  // --ignore-scripts: pack what `npm run build` made, without rebuilding it here.
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work, repo], {
      encoding: 'utf8',
      cwd: work,
    }),
  ) as { filename: string; files: { path: string }[] }[];
  const [pack] = packed;
  if (pack === undefined) throw new Error('npm pack reported no tarball');
  tarball = path.join(work, pack.filename);
  files = pack.files.map((f) => f.path);
  const install = spawnSync(
    'npm',
    [
      'i',
      '-g',
      '--prefix',
      prefix(),
      '--foreground-scripts',
      `--allow-scripts=${tarball}`,
      tarball,
    ],
    { encoding: 'utf8', cwd: work, env: { ...process.env, PKG_CONFIG_LIBDIR: emptyPkgConfig } },
  );
  expect(install.status).toBe(0);
  installLog = install.stdout + install.stderr;
}, 120_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('ships dist, the native sources, schemas, docs, examples and LICENSE, and no tests', () => {
    for (const f of [
      'dist/cli/main.js',
      'bin/virtwarden.js',
      'native/binding.gyp',
      'native/build.mjs',
      'native/src/addon.cc',
      'schemas/virtwarden.schema.json',
      'docs/manifests.md',
      'examples/kvm-cluster/site.yaml',
      'manifests/site.yaml',
      'packages/ovirt-sim/dist/cli.js',
      'LICENSE',
      'README.md',
    ]) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => /^(test|src|bench)\//.test(f) || f.endsWith('.test.ts'))).toEqual(
      [],
    );
    expect(files.filter((f) => f.startsWith('native/build/'))).toEqual([]);
  });
});

describe('the installed copy, without libvirt-dev', () => {
  it('installs, saying in one line that the binding was not built and why', () => {
    const lines = installLog.split('\n').filter((l) => l.includes('binding not built'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('missing libvirt-dev >= 9.0');
  });

  it('runs --help', () => {
    const r = run('virtwarden', ['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: virtwarden <command>');
  });

  it('validates the examples it ships', async () => {
    const examples = path.join(installed(), 'examples');
    for (const dir of await readdir(examples)) {
      if (dir === 'systemd') continue;
      const r = run('virtwarden', ['validate', path.join(examples, dir)]);
      expect({ dir, code: r.code, err: r.err }).toEqual({ dir, code: 0, err: '' });
      expect(r.out).toContain(': ok');
    }
  });

  it.each([['apply', '--auto-approve'], ['plan'], ['status'], ['verify']])(
    '%s of the quickstart exits 1 with one line naming the missing binding',
    (cmd, ...extra) => {
      const r = run('virtwarden', [cmd, path.join(installed(), 'manifests'), ...extra]);
      expect(r.code).toBe(1);
      expect(r.out).not.toContain('converged');
      const err = r.err.trim().split('\n');
      expect(err).toHaveLength(1);
      expect(err[0]).toMatch(
        /^virtwarden \w+: the native (libvirt binding|lock helper) is not built/,
      );
      expect(err[0]).toContain('libvirt-dev >= 9.0');
    },
  );

  it('ships the engine simulator', () => {
    const r = run('virtwarden-ovirt-sim', ['--help']);
    expect(r.code).toBe(0);
  });
});

describe('a binding that is built but cannot be loaded', () => {
  // LD_LIBRARY_PATH puts an empty libvirt.so.0 first: the checkout's libvirt binding fails to
  // load (as with libvirt0 removed), while the lock helper, which does not link libvirt, loads.
  it.each([['apply', '--auto-approve'], ['plan'], ['status'], ['watch']])(
    '%s exits 1 naming libvirt.so.0, instead of planning fencing of "unreachable" hosts',
    async (cmd, ...extra) => {
      const lib = path.join(work, 'broken-lib');
      await mkdir(lib, { recursive: true });
      await writeFile(path.join(lib, 'libvirt.so.0'), '');
      const r = spawnSync(
        process.execPath,
        [path.join(repo, 'bin', 'virtwarden.js'), cmd, path.join(repo, 'manifests'), ...extra],
        {
          encoding: 'utf8',
          env: {
            ...process.env,
            LD_LIBRARY_PATH: lib,
            VIRTWARDEN_STATE_DIR: path.join(work, 'state-broken'),
            NO_COLOR: '1',
          },
          timeout: 30_000,
        },
      );
      expect(r.status).toBe(1);
      expect(r.stdout).not.toMatch(/converged|fenc/);
      const err = r.stderr.trim().split('\n');
      expect(err).toHaveLength(1);
      expect(err[0]).toContain('the native libvirt binding cannot be loaded');
      expect(err[0]).toContain('libvirt.so.0');
    },
  );
});
