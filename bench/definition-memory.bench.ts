/**
 * Benchmark (issue 13): peak memory of `virtwarden apply` (a child process, measured by
 * `/usr/bin/time -v`) for one guest whose domain XML is as large as the limits allow (1 MiB,
 * 5,000 elements; VW309), in three shapes — 5,000 tiny elements, 5,000 elements whose attributes
 * fill 1 MiB, one 1 MiB comment — against a 1 KB definition, and for the 7.8 MB file of the
 * issue (accepted before the limits; refused now). The host is libvirt's embedded test driver,
 * so what is measured is virtwarden's own cost (libvirt's in-process copy included).
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

/** Peak RSS (bytes), exit code and seconds of `virtwarden apply DIR --auto-approve`. */
function apply(dir: string): Promise<{ rss: number; code: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(
      '/usr/bin/time',
      ['-v', process.execPath, BIN, 'apply', dir, '--auto-approve'],
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, VIRTWARDEN_STATE_DIR: dir } },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(err)?.[1];
      if (kb === undefined) reject(new Error(`no /usr/bin/time output: ${err}`));
      else resolve({ rss: Number(kb) * 1024, code: code ?? -1, seconds: (Date.now() - t0) / 1000 });
    });
  });
}

it('prints peak RSS of apply for a maximal definition', async () => {
  const cases: [string, string][] = [
    ['1 KB definition (baseline)', elementsXml(10)],
    ['5,000 tiny elements (at the element limit)', elementsXml(5_000)],
    ['5,000 elements, attributes fill 1 MiB (both limits)', elementsXml(5_000, MiB)],
    ['one 1 MiB comment (at the byte limit)', commentXml(MiB)],
    ['7.8 MB of tiny elements (the issue; now VW309)', elementsXml(458_000)],
  ];
  const rows = [['definition', 'file', 'apply exit', 'peak RSS', 'over baseline', '÷ file', 's']];
  let baseline = 0;
  for (const [what, xml] of cases) {
    const dir = await manifests(xml);
    const r = await apply(dir);
    if (baseline === 0) baseline = r.rss;
    const size = Buffer.byteLength(xml);
    const over = r.rss - baseline;
    rows.push([
      what,
      size >= MiB / 10 ? `${(size / MiB).toFixed(2)} MiB` : `${(size / 1024).toFixed(1)} KiB`,
      String(r.code),
      `${(r.rss / MiB).toFixed(0)} MiB`,
      `${(over / MiB).toFixed(1)} MiB`,
      `${(over / size).toFixed(1)}×`,
      r.seconds.toFixed(1),
    ]);
  }
  process.stdout.write(table('apply: peak RSS for one guest with a large definition', rows));
}, 600_000);
