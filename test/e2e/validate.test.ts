/**
 * The real CLI (`node bin/virtwarden.js validate …`) as a user runs it, after building it.
 * The build reports type errors of any file in the tree but still emits; the test only needs
 * the compiled CLI to exist.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
let tmp: string;

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function virtwarden(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run('node', ['bin/virtwarden.js', ...args], {
      cwd: REPO,
      env: { PATH: process.env.PATH, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

beforeAll(async () => {
  try {
    await run('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: REPO });
  } catch {
    // Type errors elsewhere in the tree do not stop tsc from emitting the CLI.
  }
  if (!existsSync(path.join(REPO, 'dist/cli/main.js'))) throw new Error('the CLI did not build');
  tmp = await mkdtemp(path.join(os.tmpdir(), 'vw-e2e-validate-'));
}, 120_000);

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('virtwarden validate (built CLI)', () => {
  it.each(['kvm-cluster', 'rhev-dr', 'storage-mapping', 'three-tier'])(
    'exits 0 on examples/%s',
    async (name) => {
      const out = await virtwarden(['validate', `examples/${name}`]);
      expect(out).toMatchObject({ code: 0, stderr: '' });
      expect(out.stdout).toMatch(/^validate: \d+ files, \d+ objects: ok\n$/);
    },
  );

  it('exits 1 on a bad fixture, compiler-style with a caret', async () => {
    const out = await virtwarden(['validate', 'test/fixtures/manifests/bad/unknown-site']);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain(
      "test/fixtures/manifests/bad/unknown-site/m.yaml:18:9: error[VW201]: site 'primray' is not defined\n" +
        '   |\n' +
        '18 |   site: primray #!VW201\n' +
        '   |         ^~~~~~~\n' +
        "   = hint: did you mean 'primary'?\n",
    );
    expect(out.stdout).toMatch(/validate: 1 file, 2 objects: 1 error\n$/);
    expect(out.stdout).not.toContain('\u001b[');
  });

  it('prints parseable JSON with -o json', async () => {
    const out = await virtwarden([
      'validate',
      'test/fixtures/manifests/bad/dependency-cycle',
      '-o',
      'json',
    ]);
    expect(out.code).toBe(1);
    const doc = JSON.parse(out.stdout) as {
      files: number;
      objects: number;
      valid: boolean;
      diagnostics: { code: string; file: string; line: number }[];
    };
    expect(doc).toMatchObject({ files: 1, objects: 4, valid: false });
    expect(doc.diagnostics).toEqual([
      expect.objectContaining({
        code: 'VW206',
        file: 'test/fixtures/manifests/bad/dependency-cycle/m.yaml',
        line: 44,
      }),
    ]);
  });

  it('never shows a stack trace for bad input', async () => {
    await writeFile(path.join(tmp, 'garbage.yaml'), Buffer.from([0x00, 0xff, 0xfe, 0x41, 0x0a]));
    await writeFile(path.join(tmp, 'deep.yaml'), 'a: ' + '['.repeat(100_000) + '\n');
    for (const args of [
      ['validate', tmp],
      ['validate', path.join(tmp, 'missing')],
      ['validate', path.join(tmp, 'deep.yaml')],
    ]) {
      const out = await virtwarden(args);
      expect(out.code).toBe(1);
      expect(out.stdout + out.stderr).not.toMatch(/\n\s+at |internal error/);
      expect(out.stdout).toMatch(/error\[VW\d{3}\]/);
    }
  });
});
