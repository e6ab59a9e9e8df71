/** Small builders for in-memory manifest sets. */
import type { ReadReferencedFile } from '../../../src/manifest/index.js';
import { parseManifestSources, type LoadResult } from '../../../src/manifest/index.js';

export const ROOT = '/manifests';

export function domainXml(name?: string, devices = ''): string {
  const nameTag = name === undefined ? '' : `<name>${name}</name>`;
  return `<domain type='kvm'>${nameTag}<memory unit='MiB'>512</memory><os><type>hvm</type><boot dev='hd'/></os><devices>${devices}</devices></domain>\n`;
}

export function libvirtSite(name: string, hosts: readonly string[], extra = ''): string {
  const list = hosts.map((h) => `      - { name: ${h}, uri: "test:///default" }\n`).join('');
  return `apiVersion: virtwarden/v1
kind: Site
metadata: { name: ${name} }
spec:
  libvirt:
    hosts:
${list}${extra}`;
}

export function libvirtGuest(name: string, site: string, hosts: string, extra = ''): string {
  return `apiVersion: virtwarden/v1
kind: Guest
metadata: { name: ${name} }
spec:
  site: ${site}
  definition: { file: guests/${name}.xml }
  placement: { hosts: ${hosts} }
${extra}`;
}

/** Load files given as `{ 'site.yaml': '…' }` under ROOT; XML files are served to readFile. */
export function loadFiles(
  files: Readonly<Record<string, string>>,
  readFile?: ReadReferencedFile,
): LoadResult {
  const sources = Object.entries(files)
    .filter(([name]) => /\.ya?ml$/.test(name))
    .map(([name, content]) => ({ path: `${ROOT}/${name}`, content }));
  const read: ReadReferencedFile =
    readFile ??
    ((p) => {
      const name = p.startsWith(`${ROOT}/`) ? p.slice(ROOT.length + 1) : p;
      return files[name];
    });
  return parseManifestSources(sources, read);
}

export function codes(result: LoadResult): string[] {
  return result.diagnostics.map((d) => d.code);
}
