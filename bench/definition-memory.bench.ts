/**
 * Benchmark (issue 13): peak memory of `virtwarden validate`, `plan` and `apply` (child
 * processes, measured by `/usr/bin/time -v`) for one guest whose domain XML is as large as the
 * limits allow (1 MiB, 5,000 elements; VW309), in three shapes — 5,000 tiny elements, 5,000
 * elements whose attributes fill 1 MiB, one 1 MiB comment — against a 1 KB definition, and for
 * the 7.8 MB file of the issue (accepted before the limits, where `apply` peaked at 2.4 GB for
 * 8 MB of tiny elements; refused now). The host is libvirt's embedded test driver, which runs
 * inside the process: `apply`'s figure includes libvirt's own copies of the definition.
 *
 *   npm run build && npm run bench -- bench/definition-memory.bench.ts
 */
import { afterAll, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { table } from './bench-util.js';

const BIN = fileURLToPath(new URL('../bin/virtwarden.js', import.meta.url));
const MiB = 1024 * 1024;
const cleanups: string[] = [];
afterAll(async () => {
  for (const d of cleanups) await rm(d, { recursive: true, force: true });
});

const HEAD = `<domain type='test'>\n  <name>g1</name>\n  <memory unit='MiB'>512</memory>\n  <vcpu>1</vcpu>\n  <os><type arch='x86_64'>hvm</type></os>\n  <metadata><x:big xmlns:x='urn:x'>\n`;
const TAIL = `  </x:big></metadata>\n</domain>\n`;
const OWN = 8; // domain, name, memory, vcpu, os, type, metadata, x:big

/** `elements` elements in all; with `bytes`, their attribute values fill the file to that size. */
function elementsXml(elements: number, bytes?: number): string {
  const n = elements - OWN;
  const room = (bytes ?? 0) - HEAD.length - TAIL.length;
  const per = bytes === undefined ? 1 : Math.floor(room / n) - "    <x:e a=''/>\n".length;
  const el = `    <x:e a='${'v'.repeat(per)}'/>\n`;
  const body = el.repeat(n);
  const fill = bytes === undefined ? '' : ' '.repeat(room - body.length);
  return HEAD + body + fill + TAIL;
}

function commentXml(bytes: number): string {
  return `${HEAD}<!-- ${'c'.repeat(bytes - HEAD.length - TAIL.length - 10)} -->\n${TAIL}`;
}

async function manifests(xml: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'vw-bench-defmem-'));
  cleanups.push(dir);
  await mkdir(path.join(dir, 'guests'));
  await mkdir(path.join(dir, 'hosts'));
  await writeFile(
    path.join(dir, 'hosts/kvm1.xml'),
    '<node><cpu><mhz>2400</mhz><model>x86_64</model><nodes>1</nodes><sockets>1</sockets><cores>8</cores><threads>2</threads><active>16</active></cpu><memory>33554432</memory></node>',
  );
  await writeFile(
    path.join(dir, 'site.yaml'),
    'apiVersion: virtwarden/v1\nkind: Site\nmetadata: { name: lab }\nspec:\n  libvirt:\n    hosts:\n      - { name: kvm1, uri: "test:///./hosts/kvm1.xml" }\n',
  );
  await writeFile(
    path.join(dir, 'guests.yaml'),
    'apiVersion: virtwarden/v1\nkind: Guest\nmetadata: { name: g1 }\nspec:\n  site: lab\n  definition: { file: guests/g1.xml }\n  placement: { hosts: [kvm1] }\n',
  );
  await writeFile(path.join(dir, 'guests/g1.xml'), xml);
  return dir;
}

type Command = 'validate' | 'plan' | 'apply';
const COMMANDS: readonly Command[] = ['validate', 'plan', 'apply'];

/** Peak RSS (bytes) and exit code of `virtwarden COMMAND DIR`. */
function run(command: Command, dir: string): Promise<{ rss: number; code: number }> {
  return new Promise((resolve, reject) => {
    const args = command === 'apply' ? ['apply', dir, '--auto-approve'] : [command, dir];
    const child = spawn('/usr/bin/time', ['-v', process.execPath, BIN, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, VIRTWARDEN_STATE_DIR: dir },
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(err)?.[1];
      if (kb === undefined) reject(new Error(`no /usr/bin/time output: ${err}`));
      else resolve({ rss: Number(kb) * 1024, code: code ?? -1 });
    });
  });
}

it('prints peak RSS of validate, plan and apply for a maximal definition', async () => {
  const cases: [string, string][] = [
    ['1 KB definition (baseline)', elementsXml(10)],
    ['5,000 tiny elements (at the element limit)', elementsXml(5_000)],
    ['5,000 elements, attributes fill 1 MiB (both limits)', elementsXml(5_000, MiB)],
    ['one 1 MiB comment (at the byte limit)', commentXml(MiB)],
    ['7.8 MB of tiny elements (the issue; now VW309)', elementsXml(458_000)],
  ];
  const rows = [
    ['definition', 'file', ...COMMANDS.map((c) => `${c}: peak, over baseline (÷ file)`)],
  ];
  const baseline = new Map<Command, number>();
  for (const [what, xml] of cases) {
    const dir = await manifests(xml);
    const size = Buffer.byteLength(xml);
    const cells: string[] = [];
    for (const c of COMMANDS) {
      const r = await run(c, dir);
      if (!baseline.has(c)) baseline.set(c, r.rss);
      const over = r.rss - (baseline.get(c) ?? 0);
      cells.push(
        `${(r.rss / MiB).toFixed(0)} MiB, +${(Math.max(0, over) / MiB).toFixed(1)} MiB (${(Math.max(0, over) / size).toFixed(1)}×)${r.code === 0 ? '' : `, exit ${r.code}`}`,
      );
    }
    rows.push([
      what,
      size >= MiB / 10 ? `${(size / MiB).toFixed(2)} MiB` : `${(size / 1024).toFixed(1)} KiB`,
      ...cells,
    ]);
  }
  process.stdout.write(table('peak RSS for one guest with a large definition', rows));
}, 900_000);
