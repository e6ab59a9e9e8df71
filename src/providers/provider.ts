/**
 * The provider contract: how the reconcile core sees a site's infrastructure. One provider per
 * site. It must fit both kinds we support:
 *
 * - libvirt: one connection per host; virtwarden chooses the host of every action.
 * - oVirt: one engine per site that places VMs itself; actions may leave `host` unset.
 *
 * Rules every provider follows (the contract tests check them):
 * - `observe` is bulk and never throws for an unreachable host or engine: it reports it
 *   (`status: 'unreachable'`, `reachable: false`) so the planner treats its guests as "may be
 *   running", never as absent.
 * - `details` costs a call per guest; the planner asks only for the guests it needs.
 * - `apply` is idempotent, checks its own preconditions, and does not trust an API's "done":
 *   it returns once observation agrees (or throws). Errors are `VirtwardenError`s classified as
 *   terminal / transient / waiting (`src/common/errors.ts`).
 * - Secrets never appear in anything a provider returns or throws.
 */
import type { Desired, Guest } from '../model/desired.js';
import type { GuestDetail, ObservedHost, ObservedSite } from '../model/observed.js';
import type { Action } from '../model/plan.js';

/** What every provider is created with. */
export interface ProviderOptions {
  readonly env: NodeJS.ProcessEnv;
  /** Directory of the manifests (relative paths in sites resolve against it). */
  readonly manifestDir: string;
}

/** One line of `verify`: a named environment check and its result. */
export interface Check {
  /** What was checked, e.g. `host kvm1 reachable`. */
  readonly name: string;
  readonly ok: boolean;
  /** Why it passed or failed, in one sentence. */
  readonly message: string;
  /** A failed warning does not fail `verify`. */
  readonly severity: 'error' | 'warning';
}

export interface DetailRequest {
  readonly domainName: string;
  /** The host holding the definition (libvirt); absent for engine sites. */
  readonly host?: string;
  /** The domain runs: read what its running instance carries too. */
  readonly active?: boolean;
  /** Also read the running guest's disks (guests with storage mappings). */
  readonly liveDisks?: boolean;
}

export function detailKey(r: DetailRequest): string {
  return `${r.host ?? ''}/${r.domainName}`;
}

/** What a bulk observation should include besides hosts and guests. */
export interface ObserveHints {
  /** Storage pools the manifests use: report them and their volumes on every host. */
  readonly pools?: readonly string[];
  /** Volumes (`pool/name`) whose format and backing file matter (golden images). */
  readonly volumeDetails?: readonly string[];
}

export interface ActionContext {
  readonly desired: Desired;
  readonly guest: Guest;
  /** Aborted when the operator insists on stopping now; providers leave things safe. */
  readonly signal: AbortSignal;
  /** A short progress note for the live display ("waiting for shutdown, 12 s"). */
  progress(message: string): void;
}

export interface ActionOutcome {
  /** What was done, for the summary and the journal. */
  readonly message: string;
}

/** Something happened that may need a reconcile; level-triggered: only *which* guest matters. */
export interface ProviderEvent {
  readonly site: string;
  readonly host?: string;
  /** The hypervisor name of the guest concerned; absent for host-level events. */
  readonly domainName?: string;
  /** e.g. `lifecycle stopped/failed`, `io-error`, `connection closed (keepalive)`. */
  readonly what: string;
  /**
   * The host's connection dropped (it is unreachable now, but not yet lost: the provider keeps
   * reconnecting through the site's grace).
   */
  readonly hostUnreachable?: boolean;
  /** The host stayed unreachable past its grace (host loss), or answers again. */
  readonly hostLost?: boolean;
  readonly hostBack?: boolean;
  /** ms since epoch, when the provider received it. */
  readonly receivedAt: number;
}

export interface Provider {
  readonly kind: 'libvirt' | 'ovirt';
  readonly site: string;
  verify(desired: Desired): Promise<readonly Check[]>;
  observe(hints?: ObserveHints): Promise<ObservedSite>;
  /**
   * The site's hosts (their status) and only this domain's copies on them — what the re-check
   * before an action needs, at O(hosts) instead of O(site). Optional: without it the executor
   * re-lists the site.
   */
  observeGuest?(domainName: string): Promise<ObservedSite>;
  details(requests: readonly DetailRequest[]): Promise<ReadonlyMap<string, GuestDetail>>;
  apply(action: Action, ctx: ActionContext): Promise<ActionOutcome>;
  /**
   * A fresh connection to `host` answers now (libvirt). The watch loop asks before fencing:
   * a host that answers was a blip, never a loss.
   */
  probeHost?(host: string): Promise<boolean>;
  /**
   * Engine sites: an operator confirmed `host` is off; have the engine fence it manually
   * (its VMs may then start elsewhere). Resolves with how the engine sees the host, or
   * undefined when the engine does not know it. Refuses nothing itself: the caller checks
   * the host does not answer.
   */
  fenceManually?(host: string): Promise<ObservedHost | undefined>;
  /** Start delivering events; returns a function that stops them. */
  subscribe?(listener: (event: ProviderEvent) => void): Promise<() => void>;
  close(): Promise<void>;
}
