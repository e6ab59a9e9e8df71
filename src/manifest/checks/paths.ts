/**
 * The paths a Site names that virtwarden (or libvirt, for it) reads — `caFile` and test-driver
 * files in `test:///…` URIs — must resolve inside the manifest root (see `root.ts`). Definition
 * files are judged where they are read (`normalize/guest.ts`), before anything is read.
 */
import type { Diagnostic } from '../../model/diagnostic.js';
import { diag, fieldPath, quote } from '../diagnostics.js';
import type { DocPath, Locator } from '../locate.js';
import { resolveFrom } from '../normalize/context.js';
import { normalizeLibvirtUri } from '../normalize/site.js';
import { testDriverFiles, type PathPolicy } from '../root.js';
import type { WrittenSite } from '../written.js';

export const OUTSIDE_ROOT_HINT =
  'keep the file in the manifest repository; to read files elsewhere on purpose, give a wider ' +
  '--root DIR, or --allow-outside-root, on the command line';

function outside(what: string, path: DocPath, locator: Locator, root: string): Diagnostic {
  return diag(
    'outsideRoot',
    `${fieldPath(path)}: ${what} resolves outside the manifest root ${quote(root)}`,
    locator.span(path),
    {
      hint: OUTSIDE_ROOT_HINT,
    },
  );
}

export function checkSitePaths(
  doc: WrittenSite,
  file: string,
  locator: Locator,
  policy: PathPolicy | undefined,
): Diagnostic[] {
  if (policy === undefined) return [];
  const out: Diagnostic[] = [];
  const { libvirt, ovirt } = doc.spec;
  libvirt?.hosts.forEach((host, i) => {
    const files = testDriverFiles(normalizeLibvirtUri(file, host.uri));
    if (files.some((f) => policy.verdict(f) === 'outside')) {
      const what = `the test-driver file of host ${quote(host.name)}`;
      out.push(outside(what, ['spec', 'libvirt', 'hosts', i, 'uri'], locator, policy.root));
    }
  });
  if (
    ovirt?.caFile !== undefined &&
    policy.verdict(resolveFrom(file, ovirt.caFile)) === 'outside'
  ) {
    const what = `caFile ${quote(ovirt.caFile)} of site ${quote(doc.metadata.name)}`;
    out.push(outside(what, ['spec', 'ovirt', 'caFile'], locator, policy.root));
  }
  return out;
}
