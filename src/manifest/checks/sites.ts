/** Sites and hosts: unique host names, usable URIs without passwords, TLS for oVirt. */
import type { Diagnostic, SourceSpan } from '../../model/diagnostic.js';
import type { Collected } from '../collected.js';
import { diag, quote } from '../diagnostics.js';
import type { DocPath, Locator } from '../locate.js';

const URI = /^[A-Za-z][A-Za-z0-9+.-]*:\S*$/;

/** The user part's password of `uri` (`qemu+tcp://admin:pw@host/system`), if it has one. */
function userinfoPassword(uri: string): string | undefined {
  // WHATWG URL parsing reads user:password of any scheme with an authority (`//`).
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    // Unparsable (a test:/// path with odd characters): look for `//user:pw@` ourselves.
    return /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#@]*:([^/?#@]+)@/.exec(uri)?.[1];
  }
  return url.password === '' ? undefined : url.password;
}

/**
 * A password in a URI sits in git, in `ps` output and in every message that names the URI.
 * The whole value is the secret span, so no quoted line shows it.
 */
function checkUriPassword(
  uri: string | undefined,
  what: string,
  path: DocPath,
  locator: Locator,
  hint: string,
): Diagnostic | undefined {
  if (uri === undefined || userinfoPassword(uri) === undefined) return undefined;
  const at = locator.span(path);
  return diag('uriPassword', `${what} carries a password in its user part`, at, {
    hint,
    secretAt: at,
  });
}

export function checkSites(collected: Collected): Diagnostic[] {
  const out: Diagnostic[] = [];
  const hostAt = new Map<string, SourceSpan>();
  for (const { value: site, written, locator } of collected.sites) {
    const libvirt = written.libvirt;
    if (libvirt !== undefined) {
      libvirt.hosts.forEach((host, i) => {
        const base = ['spec', 'libvirt', 'hosts', i];
        const here = locator.span([...base, 'name']);
        const first = hostAt.get(host.name);
        if (first === undefined) hostAt.set(host.name, here);
        else {
          out.push(
            diag('duplicateHost', `host ${quote(host.name)} is defined twice`, here, {
              hint: 'host names are unique over all sites: guests refer to hosts by name',
              related: [{ message: 'first defined here', at: first }],
            }),
          );
        }
        for (const field of ['uri', 'migrationUri'] as const) {
          const uri = host[field];
          const withPassword = checkUriPassword(
            uri,
            `${field} of host ${quote(host.name)}`,
            [...base, field],
            locator,
            'libvirt reads credentials from its auth file (auth.conf) or ssh keys, never from the URI; remove ":password"',
          );
          if (withPassword !== undefined) {
            out.push(withPassword);
            continue; // any other message would quote the URI, password and all
          }
          if (uri !== undefined && !URI.test(uri)) {
            out.push(
              diag(
                'badUri',
                `${field} ${quote(uri)} of host ${quote(host.name)} is not a URI`,
                locator.span([...base, field]),
                {
                  hint:
                    field === 'uri'
                      ? 'write a libvirt URI with its scheme, e.g. qemu+ssh://root@kvm1/system or test:///default'
                      : 'write a URI with its scheme, e.g. tcp://kvm1-mig.example.com',
                },
              ),
            );
          }
        }
      });
    }
    const ovirt = written.ovirt;
    if (ovirt !== undefined) {
      const withPassword = checkUriPassword(
        ovirt.url,
        `url of site ${quote(site.name)}`,
        ['spec', 'ovirt', 'url'],
        locator,
        'write the user in `user` and take the password from passwordFrom (env or file)',
      );
      if (withPassword !== undefined) out.push(withPassword);
      let url: URL | undefined;
      try {
        url = new URL(ovirt.url);
      } catch {
        url = undefined;
      }
      if (url?.protocol !== 'https:') {
        out.push(
          diag(
            'ovirtNotHttps',
            url === undefined
              ? `url ${withPassword === undefined ? quote(ovirt.url) : '(with a password)'} of site ${quote(site.name)} is not a valid URL`
              : `url of site ${quote(site.name)} uses ${url.protocol.replace(':', '')}, not https`,
            locator.span(['spec', 'ovirt', 'url']),
            {
              hint: 'the engine API is only reached over https, e.g. https://rhevm.example.com/ovirt-engine/api',
            },
          ),
        );
      }
      if (ovirt.insecure === true) {
        out.push(
          diag(
            'insecureTls',
            `TLS verification is off for site ${quote(site.name)}: anyone on the path can read its password`,
            locator.span(['spec', 'ovirt', 'insecure']),
            { hint: "use caFile with the engine's CA certificate instead" },
          ),
        );
      }
    }
  }
  return out;
}
