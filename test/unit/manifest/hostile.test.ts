/**
 * Hostile input: every case ends in a clear diagnostic (never an exception), with memory and
 * time bounded by the caps (alias expansion, nesting depth, file size, document count). Speed
 * itself is measured in bench/, not here.
 */
import { describe, expect, it } from '@jest/globals';
import { parseManifestSources, type LoadResult } from '../../../src/manifest/index.js';
import { libvirtSite } from './helpers.js';

const FILE = '/m/hostile.yaml';

function load(content: string | Uint8Array): LoadResult {
  return parseManifestSources([{ path: FILE, content }], () => undefined);
}

function only(result: LoadResult): { code: string; line?: number; col?: number; message: string } {
  expect(result.diagnostics).toHaveLength(1);
  const d = result.diagnostics[0];
  if (d === undefined) throw new Error('no diagnostic');
  return {
    code: d.code,
    ...(d.at === undefined ? {} : { line: d.at.line, col: d.at.col }),
    message: d.message,
  };
}

describe('hostile input', () => {
  it('stops a billion-laughs alias bomb', () => {
    let text = 'a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
    let prev = 'a';
    for (const c of 'bcdefghijk') {
      text += `${c}: &${c} [${Array<string>(9).fill(`*${prev}`).join(', ')}]\n`;
      prev = c;
    }
    expect(only(load(text))).toMatchObject({ code: 'VW014', line: 2 });
  });

  it('refuses flow collections nested thousands deep without parsing them', () => {
    const depth = 3_000_000; // 6 MB of brackets: under the size cap
    const text = 'spec: ' + '['.repeat(depth) + ']'.repeat(depth) + '\n';
    expect(only(load(text))).toMatchObject({ code: 'VW013', line: 1, col: 7 + 64 });
  });

  it('refuses block mappings nested deeper than 64 levels', () => {
    let text = 'root:\n';
    for (let i = 1; i <= 200; i++) text += `${' '.repeat(i)}k${i}:\n`;
    expect(only(load(text))).toMatchObject({ code: 'VW013' });
  });

  it('refuses files over 8 MiB', () => {
    const text = '# ' + 'x'.repeat(9 * 1024 * 1024) + '\n';
    expect(only(load(text))).toMatchObject({ code: 'VW004', line: 1 });
    expect(only(load(Buffer.from(text)))).toMatchObject({ code: 'VW004' });
  });

  it('names the byte offset and line of invalid UTF-8', () => {
    const bytes = Buffer.concat([
      Buffer.from('a: 1\nb: caf'),
      Buffer.from([0xe9]),
      Buffer.from('\n'),
    ]);
    const d = only(load(bytes));
    expect(d).toMatchObject({ code: 'VW005', line: 2, col: 7 });
    expect(d.message).toContain('byte offset 11');
    expect(d.message).toContain('0xe9');
  });

  it('rejects overlong and surrogate UTF-8 encodings', () => {
    expect(only(load(Buffer.from([0x61, 0x3a, 0x20, 0xc0, 0xaf])))).toMatchObject({
      code: 'VW005',
    });
    expect(only(load(Buffer.from([0x61, 0x3a, 0x20, 0xed, 0xa0, 0x80])))).toMatchObject({
      code: 'VW005',
    });
  });

  it('points at a tab used as indentation', () => {
    expect(only(load('a:\n\tb: 1\n'))).toMatchObject({ code: 'VW011', line: 2, col: 1 });
  });

  it('points at the second of two duplicate keys', () => {
    const text = libvirtSite('x', ['h1']).replace('kind: Site\n', 'kind: Site\nkind: Site\n');
    expect(only(load(text))).toMatchObject({ code: 'VW012', line: 3, col: 1 });
  });

  it('warns about an empty file and keeps going', () => {
    const result = parseManifestSources(
      [
        { path: '/m/empty.yaml', content: '' },
        { path: '/m/site.yaml', content: libvirtSite('x', ['h1']) },
      ],
      () => undefined,
    );
    expect(result.diagnostics.map((d) => [d.code, d.severity])).toEqual([['VW007', 'warning']]);
    expect(result.desired?.sites.size).toBe(1);
  });

  it('calls binary garbage binary, and high-bit garbage not UTF-8', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % 256;
    };
    const garbage = Uint8Array.from({ length: 4096 }, random);
    garbage[100] = 0;
    expect(only(load(garbage))).toMatchObject({ code: 'VW006' });
    const noNul = garbage.map((b) => (b === 0 ? 0xff : b));
    expect(only(load(noNul))).toMatchObject({ code: 'VW005' });
  });

  it('caps the number of documents per file', () => {
    const text = 'a: 1\n---\n'.repeat(10_001);
    expect(only(load(text))).toMatchObject({ code: 'VW008' });
  });

  it('survives control characters and escape sequences without echoing them raw', () => {
    const text = libvirtSite('x', ['h1']).replace('name: x', 'name: "x\\e[31mred"');
    const d = only(load(text));
    expect(d.code).toBe('VW108');
    expect(d.message).not.toContain('\u001b');
    expect(d.message).toContain('\\x1b');
  });
});
