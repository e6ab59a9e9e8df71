/**
 * Hooks (fence agents, replication tools) get a clean environment; `passEnv` adds variables by
 * name. A name that some site reads its engine password from (`passwordFrom.env`) is refused:
 * that password is virtwarden's alone, and a hook that needs a secret gets its own variable.
 */
import type { Diagnostic } from '../../model/diagnostic.js';
import type { Collected } from '../collected.js';
import { diag, fieldPath, quote } from '../diagnostics.js';
import type { DocPath, Locator } from '../locate.js';

function passwordVariables(collected: Collected): Map<string, string> {
  const out = new Map<string, string>();
  for (const { value: site, written } of collected.sites) {
    const from = written.ovirt?.passwordFrom;
    if (from !== undefined && 'env' in from && !out.has(from.env)) out.set(from.env, site.name);
  }
  return out;
}

function check(
  names: readonly string[] | undefined,
  base: DocPath,
  locator: Locator,
  secrets: ReadonlyMap<string, string>,
  out: Diagnostic[],
): void {
  (names ?? []).forEach((name, i) => {
    const site = secrets.get(name);
    if (site === undefined) return;
    const path = [...base, 'passEnv', i];
    out.push(
      diag(
        'hookGetsPassword',
        `${fieldPath(path)} passes ${quote(name)}, the engine password of site ${quote(site)}, to a hook`,
        locator.span(path),
        { hint: 'give the hook a variable of its own (or a password file it reads itself)' },
      ),
    );
  });
}

export function checkHookEnvironment(collected: Collected): Diagnostic[] {
  const secrets = passwordVariables(collected);
  if (secrets.size === 0) return [];
  const out: Diagnostic[] = [];
  for (const { written, locator } of collected.sites) {
    written.libvirt?.hosts.forEach((host, i) => {
      check(host.fence?.passEnv, ['spec', 'libvirt', 'hosts', i, 'fence'], locator, secrets, out);
    });
  }
  for (const { written, locator } of collected.disasterRecovery) {
    written.replication?.forEach((r, i) => {
      check(r.passEnv, ['spec', 'replication', i], locator, secrets, out);
    });
  }
  return out;
}
