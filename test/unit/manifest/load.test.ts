/** The directory loader on real temporary directories. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadManifests } from '../../../src/manifest/index.js';
import { domainXml, libvirtGuest, libvirtSite } from './helpers.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vw-load-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function put(name: string, content: string | Buffer): Promise<string> {
  const full = path.join(dir, name);
  await mkdir(path.dirname(full), { recursive: true });
  await writeFile(full, content);
  return full;
}

describe('loadManifests', () => {
  it('reads *.yaml and *.yml recursively in sorted order, skipping dot entries', async () => {
    await put('b/site.yml', libvirtSite('b', ['h2']));
    await put('a.yaml', libvirtSite('a', ['h1']));
    await put('c/d/e.YAML', libvirtSite('c', ['h3']));
    await put('.git/config.yaml', 'not: a manifest');
    await put('.hidden.yaml', 'not: a manifest');
    await put('notes.txt', 'ignored');
    const result = await loadManifests(dir);
    expect(result.diagnostics).toEqual([]);
    expect(result.files).toEqual([
      path.join(dir, 'a.yaml'),
      path.join(dir, 'b/site.yml'),
      path.join(dir, 'c/d/e.YAML'),
    ]);
    expect([...(result.desired?.sites.keys() ?? [])]).toEqual(['a', 'b', 'c']);
  });

  it('follows symlinked directories once and ends symlink loops', async () => {
    await put('real/site.yaml', libvirtSite('a', ['h1']));
    await symlink(path.join(dir, 'real'), path.join(dir, 'alias'));
    await symlink(dir, path.join(dir, 'real/loop'));
    const result = await loadManifests(dir);
    expect(result.diagnostics).toEqual([]);
    expect(result.files).toHaveLength(1);
  });

  it('takes a single file as well as a directory', async () => {
    const file = await put('one.yaml', libvirtSite('a', ['h1']));
    const result = await loadManifests(file);
    expect(result.files).toEqual([file]);
    expect(result.desired?.sites.has('a')).toBe(true);
  });

  it('says when the directory does not exist or holds no manifests', async () => {
    const missing = await loadManifests(path.join(dir, 'nope'));
    expect(missing.diagnostics.map((d) => d.code)).toEqual(['VW001']);
    expect(missing.desired).toBeUndefined();
    await put('README.md', '# nothing');
    const empty = await loadManifests(dir);
    expect(empty.diagnostics.map((d) => d.code)).toEqual(['VW003']);
    expect(empty.desired).toBeUndefined();
  });

  it('reports a broken symlink and does not block on a FIFO', async () => {
    await put('site.yaml', libvirtSite('a', ['h1']));
    await symlink(path.join(dir, 'gone.yaml'), path.join(dir, 'dangling.yaml'));
    execFileSync('mkfifo', [path.join(dir, 'pipe.yaml')]);
    const result = await loadManifests(dir);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['VW002']);
    expect(result.diagnostics[0]?.message).toContain('no such file');
    expect(result.desired).toBeUndefined();
  });

  it('does not read a file over the size cap, and applies nothing', async () => {
    await put('site.yaml', libvirtSite('a', ['h1']));
    await put('huge.yaml', Buffer.alloc(9 * 1024 * 1024, 0x20));
    const result = await loadManifests(dir);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['VW004']);
    expect(result.desired).toBeUndefined();
  });

  it('suppresses unknown-reference errors when a file could not be read', async () => {
    await put('a-huge.yaml', Buffer.alloc(9 * 1024 * 1024, 0x20));
    await put('b.yaml', libvirtGuest('db1', 'primary', '[kvm1]'));
    await put('guests/db1.xml', domainXml());
    const result = await loadManifests(dir);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['VW004']);
  });

  it('reads definition files relative to the manifest, refusing directories', async () => {
    await put('m/site.yaml', libvirtSite('primary', ['kvm1']));
    await put('m/g/db1.yaml', libvirtGuest('db1', 'primary', '[kvm1]'));
    await put('m/g/guests/db1.xml', domainXml('db1'));
    const ok = await loadManifests(path.join(dir, 'm'));
    expect(ok.diagnostics).toEqual([]);
    expect(ok.definitionFiles).toEqual([path.join(dir, 'm/g/guests/db1.xml')]);

    await rm(path.join(dir, 'm/g/guests/db1.xml'));
    await mkdir(path.join(dir, 'm/g/guests/db1.xml'));
    const bad = await loadManifests(path.join(dir, 'm'));
    expect(bad.diagnostics.map((d) => d.code)).toEqual(['VW300']);
    expect(bad.diagnostics[0]?.message).toContain('not a regular file');
  });

  it('refuses a definition that is not UTF-8', async () => {
    await put('site.yaml', libvirtSite('primary', ['kvm1']));
    await put('db1.yaml', libvirtGuest('db1', 'primary', '[kvm1]'));
    await put('guests/db1.xml', Buffer.from([0x3c, 0x64, 0xff, 0x3e]));
    const result = await loadManifests(dir);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['VW300']);
    expect(result.diagnostics[0]?.message).toContain('not valid UTF-8');
  });
});
