/** `virtwarden validate`, run in-process through the CLI dispatcher. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../../src/cli/main.js';
import { captureIo } from '../../helpers/cli-io.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vw-validate-'));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('virtwarden validate', () => {
  it('passes an example with exit 0 and a summary line', async () => {
    const io = captureIo({ cwd: REPO });
    expect(await runCli(['validate', 'examples/three-tier'], io)).toBe(0);
    expect(io.out()).toBe('validate: 3 files, 8 objects: ok\n');
  });

  it('fails a bad set with exit 1, compiler-style output relative to the cwd', async () => {
    const io = captureIo({ cwd: path.join(REPO, 'test/fixtures/manifests') });
    expect(await runCli(['validate', 'bad/unknown-host'], io)).toBe(1);
    expect(io.out()).toContain(
      "bad/unknown-host/m.yaml:22:7: error[VW202]: host 'kvm9' is not defined in any site\n",
    );
    expect(io.out()).toContain('22 |       kvm9] #!VW202\n   |       ^~~~\n');
    expect(io.out()).toMatch(/validate: 1 file, 2 objects: 1 error\n$/);
  });

  it('prints JSON with -o json', async () => {
    const io = captureIo({ cwd: REPO });
    expect(
      await runCli(
        ['validate', 'test/fixtures/manifests/bad/site-ovirt-insecure', '-o', 'json'],
        io,
      ),
    ).toBe(0);
    const doc = JSON.parse(io.out()) as {
      files: number;
      objects: number;
      valid: boolean;
      diagnostics: Record<string, unknown>[];
    };
    expect(doc).toMatchObject({ files: 1, objects: 1, valid: true });
    expect(doc.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: 'VW602',
        file: 'test/fixtures/manifests/bad/site-ovirt-insecure/m.yaml',
        line: 12,
        col: 15,
      }),
    ]);
  });

  it('exits 0 with warnings only, naming them in the summary', async () => {
    const io = captureIo({ cwd: REPO });
    expect(await runCli(['validate', 'test/fixtures/manifests/bad/file-empty'], io)).toBe(0);
    expect(io.out()).toMatch(/validate: 2 files, 0 objects: 2 warnings\n$/);
  });

  it('defaults to ./manifests and explains a missing directory', async () => {
    const io = captureIo({ cwd: tmp });
    expect(await runCli(['validate'], io)).toBe(1);
    expect(io.out()).toContain(
      `error[VW001]: manifest directory '${path.join(tmp, 'manifests')}' does not exist`,
    );
    expect(io.err()).toBe('');
  });

  it('accepts a single file', async () => {
    const file = path.join(tmp, 'site.yaml');
    await writeFile(
      file,
      'apiVersion: virtwarden/v1\nkind: Site\nmetadata: { name: a }\nspec: { libvirt: { hosts: [{ name: h, uri: "test:///default" }] } }\n',
    );
    const io = captureIo({ cwd: tmp });
    expect(await runCli(['validate', 'site.yaml'], io)).toBe(0);
    expect(io.out()).toBe('validate: 1 file, 1 object: ok\n');
  });

  it('rejects an unknown output format as a usage error', async () => {
    const io = captureIo({ cwd: REPO });
    expect(await runCli(['validate', 'examples/rhev-dr', '-o', 'yaml'], io)).toBe(64);
    expect(io.err()).toContain("unknown output format 'yaml'");
  });
});
