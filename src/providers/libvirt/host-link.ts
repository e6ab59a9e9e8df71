/**
 * One host's connection, opened on first use and reopened after it is lost, with every call
 * bounded in time. A frozen daemon (SIGSTOP, a hung host) must make the host "unreachable"
 * within the caller's deadline, and must not collect hung calls:
 *
 * - A call (or connect) that overruns its deadline keeps running in libvirt — it holds one of the
 *   binding's worker threads until the daemon answers or keepalive closes the connection. Until
 *   it settles the host counts as not answering: every new call fails at once, none is sent.
 *   So after the first overdue call no further call piles up on that host.
 * - A connection known to be dead (closed by EOF or keepalive, or a failed connect) is not
 *   retried at every call: reconnects follow one jittered backoff (`backoffDelay`), shared by
 *   observation and the host monitor; meanwhile the host is reported unreachable at once.
 * - A connection is never closed while the daemon may be frozen (closing sends an RPC that would
 *   hang too): only dead connections are closed, and those close at once.
 */
import { GuestSignals } from './guest-signals.js';
import type { LibvirtHost } from '../../model/desired.js';
import { DEFAULT_BACKOFF, backoffDelay, type BackoffPolicy } from '../../common/backoff.js';
import { TransientError, errorMessage } from '../../common/errors.js';
import type { HostApi } from './host-api.js';

export type Connector = (
  uri: string,
  keepalive: { readonly intervalSeconds: number; readonly count: number },
) => Promise<HostApi>;

interface Op {
  readonly what: string;
  readonly since: number;
}

const seconds = (ms: number): string => (ms / 1000).toFixed(1);

/** `p`, or a timeout error after `ms` (p keeps running; its outcome is handled). */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new TransientError('timeout', `${what}: no answer within ${seconds(ms)} s`));
    }, ms);
  });
  return Promise.race([p, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

export class HostLink {
  readonly host: LibvirtHost;
  /** Default deadline of a call (the keepalive budget, at least 3 s). */
  readonly timeoutMs: number;
  private readonly connector: Connector;
  private readonly keepalive: { readonly intervalSeconds: number; readonly count: number };
  private readonly backoff: BackoffPolicy;
  private current: HostApi | undefined;
  private opening: (Op & { readonly promise: Promise<HostApi> }) | undefined;
  private probing: Promise<boolean> | undefined;
  /** Calls past their deadline that have not settled: the host is not answering. */
  private readonly overdue = new Set<Op>();
  private failures = 0;
  private retryAt = 0;
  private problem: string | undefined;
  private closed = false;
  /** What this host's events said about its guests' health (watchdog fired), per domain. */
  readonly signals = new GuestSignals();

  constructor(
    host: LibvirtHost,
    keepalive: { readonly intervalSeconds: number; readonly count: number },
    connector: Connector,
    backoff: BackoffPolicy = DEFAULT_BACKOFF,
  ) {
    this.host = host;
    this.keepalive = keepalive;
    this.connector = connector;
    this.backoff = backoff;
    this.timeoutMs = Math.max(
      3_000,
      (keepalive.intervalSeconds * (keepalive.count + 1) + 2) * 1000,
    );
  }

  /** The connection, (re)opened if allowed now. Throws TransientError when the host cannot be reached. */
  async api(deadlineMs = this.timeoutMs): Promise<HostApi> {
    const name = this.host.name;
    this.refuseIfHung();
    if (this.current && !this.current.isAlive()) {
      const dead = this.current;
      this.current = undefined;
      this.failed(`connection closed (${dead.closeReason() ?? 'unknown'})`);
      dead.close().catch(() => undefined); // dead already: closes at once
    }
    if (this.current) return this.current;
    const opening = this.opening;
    if (opening) {
      const left = deadlineMs - (Date.now() - opening.since);
      if (left <= 0)
        throw new TransientError(
          'unreachable',
          `${name}: connecting for ${seconds(Date.now() - opening.since)} s without an answer`,
        );
      return within(opening.promise, Math.min(left, deadlineMs), `connect to ${name}`);
    }
    const wait = this.retryAt - Date.now();
    if (wait > 0)
      throw new TransientError(
        'unreachable',
        `${name}: ${this.problem ?? 'unreachable'} (next attempt in ${seconds(wait)} s)`,
      );
    return this.watched('connect', this.open(), deadlineMs);
  }

  /** Run `fn` on the connection within `timeoutMs` (connecting included). */
  async call<T>(
    what: string,
    fn: (api: HostApi) => Promise<T>,
    timeoutMs = this.timeoutMs,
  ): Promise<T> {
    const t0 = Date.now();
    const api = await this.api(timeoutMs);
    const left = Math.max(1, timeoutMs - (Date.now() - t0));
    return this.watched(what, fn(api), left);
  }

  /**
   * Does a fresh connection answer now (within `deadlineMs`)? Not while a call or connect to the
   * host already hangs: that says no, without one more hung call.
   */
  async probe(deadlineMs: number): Promise<boolean> {
    if (this.overdue.size > 0) return false;
    const opening = this.opening;
    if (opening) {
      // A connect is already on its way: it is the fresh connection; no second one.
      const left = deadlineMs - (Date.now() - opening.since);
      if (left <= 0) return false;
      return within(opening.promise, left, 'probe').then(
        (api) => api.isAlive(),
        () => false,
      );
    }
    this.probing ??= (async () => {
      const api = await this.connector(this.host.uri, this.keepalive);
      try {
        await api.listDomains();
        return api.isAlive();
      } finally {
        await api.close().catch(() => undefined);
      }
    })().finally(() => {
      this.probing = undefined;
    });
    return this.watched('probe', this.probing, deadlineMs).catch(() => false);
  }

  /** How long until a reconnect is allowed (0: now). */
  retryInMs(): number {
    return Math.max(0, this.retryAt - Date.now());
  }

  /** Settles when the connect in flight (if any) does. */
  connectSettled(): Promise<void> | undefined {
    return this.opening?.promise.then(
      () => undefined,
      () => undefined,
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = this.current;
    this.current = undefined;
    // A connection past a hung call is left to keepalive rather than closed into a hang.
    if (c && this.overdue.size === 0) await c.close().catch(() => undefined);
  }

  private open(): Promise<HostApi> {
    const promise = this.connector(this.host.uri, this.keepalive).then(
      (api) => {
        if (this.closed) {
          api.close().catch(() => undefined);
          throw new TransientError('closed', `${this.host.name}: link closed`);
        }
        // Opened late (after its caller gave up)? Kept for the next caller all the same.
        this.current = api;
        this.failures = 0;
        this.retryAt = 0;
        this.problem = undefined;
        return api;
      },
      (err: unknown) => {
        this.failed(`cannot connect: ${errorMessage(err)}`);
        throw err;
      },
    );
    const op = { what: 'connect', since: Date.now(), promise };
    this.opening = op;
    promise
      .finally(() => {
        if (this.opening === op) this.opening = undefined;
      })
      .catch(() => undefined);
    return promise;
  }

  private failed(problem: string): void {
    this.failures++;
    this.problem = problem;
    this.retryAt = Date.now() + backoffDelay(this.failures, this.backoff, Math.random());
  }

  private refuseIfHung(): void {
    const oldest = [...this.overdue].sort((a, b) => a.since - b.since)[0];
    if (oldest === undefined) return;
    throw new TransientError(
      'unresponsive',
      `${this.host.name} has not answered '${oldest.what}' for ${seconds(Date.now() - oldest.since)} s`,
    );
  }

  /** `p` within `ms`; past it, `p` counts as hung until it settles. */
  private watched<T>(what: string, p: Promise<T>, ms: number): Promise<T> {
    const op: Op = { what, since: Date.now() };
    let settled = false;
    p.then(
      () => {
        settled = true;
        this.overdue.delete(op);
      },
      () => {
        settled = true;
        this.overdue.delete(op);
      },
    );
    return within(p, ms, `${what} on ${this.host.name}`).catch((err: unknown) => {
      if (!settled && err instanceof TransientError && err.code === 'timeout') this.overdue.add(op);
      throw err;
    });
  }
}
