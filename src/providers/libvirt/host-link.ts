/**
 * One host's connection, opened on first use and reopened after it is lost. Every call made
 * through it is bounded in time: a frozen daemon (SIGSTOP, a hung host) must make the host
 * "unreachable" within seconds, not hang the reconcile.
 */
import type { LibvirtHost } from '../../model/desired.js';
import { TransientError } from '../../common/errors.js';
import type { HostApi } from './host-api.js';

export type Connector = (
  uri: string,
  keepalive: { readonly intervalSeconds: number; readonly count: number },
) => Promise<HostApi>;

export class HostLink {
  readonly host: LibvirtHost;
  private readonly connector: Connector;
  private readonly keepalive: { readonly intervalSeconds: number; readonly count: number };
  private readonly timeoutMs: number;
  private current: Promise<HostApi> | undefined;
  private pendingOpen: Promise<HostApi> | undefined;

  constructor(
    host: LibvirtHost,
    keepalive: { readonly intervalSeconds: number; readonly count: number },
    connector: Connector,
  ) {
    this.host = host;
    this.keepalive = keepalive;
    this.connector = connector;
    // A host that does not answer within its keepalive budget (plus slack) is unreachable.
    this.timeoutMs = Math.max(
      3_000,
      (keepalive.intervalSeconds * (keepalive.count + 1) + 2) * 1000,
    );
  }

  /** The connection, (re)opened if needed. Throws TransientError when the host cannot be reached. */
  async api(): Promise<HostApi> {
    const existing = this.current;
    if (existing) {
      const api = await existing.catch(() => undefined);
      if (api?.isAlive() === true) return api;
      this.current = undefined;
      if (api) void api.close().catch(() => undefined);
    }
    // A connect to a frozen daemon can hang in libvirt until the daemon thaws. Never start a
    // second one meanwhile: every hung attempt would hold a worker thread.
    this.pendingOpen ??= this.connector(this.host.uri, this.keepalive)
      .then((api) => {
        // Opened after its caller gave up: keep it for the next caller rather than leak it.
        this.current ??= Promise.resolve(api);
        return api;
      })
      .finally(() => {
        this.pendingOpen = undefined;
      });
    const opening = this.bounded(this.pendingOpen, `connect to ${this.host.name}`);
    this.current = opening;
    try {
      return await opening;
    } catch (err) {
      if (this.current === opening) this.current = undefined;
      throw err;
    }
  }

  /** Run `fn` on the connection within the time budget; a timeout drops the connection. */
  async call<T>(
    what: string,
    fn: (api: HostApi) => Promise<T>,
    timeoutMs = this.timeoutMs,
  ): Promise<T> {
    const api = await this.api();
    try {
      return await this.bounded(fn(api), `${what} on ${this.host.name}`, timeoutMs);
    } catch (err) {
      if (err instanceof TransientError && err.code === 'timeout') this.drop();
      throw err;
    }
  }

  /** Forget the connection (it will be reopened on next use). */
  drop(): void {
    const c = this.current;
    this.current = undefined;
    if (c) void c.then((api) => api.close()).catch(() => undefined);
  }

  async close(): Promise<void> {
    const c = this.current;
    this.current = undefined;
    if (c) await c.then((api) => api.close()).catch(() => undefined);
  }

  private bounded<T>(p: Promise<T>, what: string, timeoutMs = this.timeoutMs): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new TransientError(
            'timeout',
            `${what}: no answer within ${Math.round(timeoutMs / 1000)} s`,
          ),
        );
      }, timeoutMs);
    });
    return Promise.race([p, timeout]).finally(() => {
      clearTimeout(timer);
    });
  }
}
