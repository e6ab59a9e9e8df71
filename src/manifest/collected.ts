/**
 * What the loader has gathered before the cross-object checks: every normalized object with
 * its written form and its locator (so a check can point at any field), plus the names every
 * document declared — also documents that failed validation, so a typo in one object does not
 * turn every reference to it into a second, misleading error.
 */
import type { SourceSpan } from '../model/diagnostic.js';
import type { DisasterRecovery, Guest, Service, Site, StorageMapping } from '../model/desired.js';
import type { DomainInspection } from './domain-xml.js';
import type { Locator } from './locate.js';
import type { Kind } from './schema/common.js';
import type {
  WrittenDrSpec,
  WrittenGuestSpec,
  WrittenServiceSpec,
  WrittenSiteSpec,
  WrittenStorageSpec,
} from './written.js';

export interface Entry<T, W> {
  readonly value: T;
  readonly written: W;
  readonly locator: Locator;
}

/** How reading a guest's definition file went. */
export type DefinitionRead =
  | { readonly ok: true; readonly path: string; readonly inspection: DomainInspection }
  | {
      readonly ok: false;
      readonly path: string;
      readonly reason: string;
      /** Not read at all: it resolves outside the manifest root (this is the root). */
      readonly outsideRoot?: string;
    };

export interface GuestEntry extends Entry<Guest, WrittenGuestSpec> {
  readonly definition?: DefinitionRead;
}

export interface Collected {
  readonly sites: Entry<Site, WrittenSiteSpec>[];
  readonly guests: GuestEntry[];
  readonly storage: Entry<StorageMapping, WrittenStorageSpec>[];
  readonly disasterRecovery: Entry<DisasterRecovery, WrittenDrSpec>[];
  readonly services: Entry<Service, WrittenServiceSpec>[];
  /** First declaration of every name, per kind, valid or not. */
  readonly declared: ReadonlyMap<Kind, ReadonlyMap<string, SourceSpan>>;
  /**
   * False when some document could not be read far enough to know what it declares (a YAML
   * syntax error, an undecodable file): then "unknown reference" errors are not reported,
   * because the reference may well point into the unreadable part.
   */
  readonly complete: boolean;
}

/** Lookups the checks share. */
export class Names {
  readonly #collected: Collected;
  readonly sites: ReadonlyMap<string, Entry<Site, WrittenSiteSpec>>;
  readonly guests: ReadonlyMap<string, GuestEntry>;
  /** Host name → the site (entry) that defines it first. */
  readonly hostSite: ReadonlyMap<string, string>;

  constructor(collected: Collected) {
    this.#collected = collected;
    this.sites = new Map(collected.sites.map((e) => [e.value.name, e]));
    this.guests = new Map(collected.guests.map((e) => [e.value.name, e]));
    const hostSite = new Map<string, string>();
    for (const site of collected.sites) {
      if (site.value.provider.kind !== 'libvirt') continue;
      for (const host of site.value.provider.hosts) {
        if (!hostSite.has(host.name)) hostSite.set(host.name, site.value.name);
      }
    }
    this.hostSite = hostSite;
  }

  /** Was an object of this kind and name written anywhere (valid or not)? */
  declared(kind: Kind, name: string): boolean {
    return this.#collected.declared.get(kind)?.has(name) === true;
  }

  /**
   * Should a reference to `name` be reported as unknown? Only when nothing declares it and
   * every document could be read.
   */
  missing(kind: Kind, name: string): boolean {
    return this.#collected.complete && !this.declared(kind, name);
  }

  /** Names declared of a kind, for "did you mean". */
  namesOf(kind: Kind): string[] {
    return [...(this.#collected.declared.get(kind)?.keys() ?? [])];
  }

  /** Host names of a libvirt site (empty for oVirt or unknown sites). */
  hostsOf(site: string): readonly string[] {
    const provider = this.sites.get(site)?.value.provider;
    return provider?.kind === 'libvirt' ? provider.hosts.map((h) => h.name) : [];
  }

  /** Every host name of every site. */
  allHosts(): string[] {
    return [...this.hostSite.keys()];
  }
}
