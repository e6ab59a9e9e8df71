/**
 * A small oVirt REST API v4 client on `got`: SSO token login (password grant; Basic when the
 * engine has no SSO endpoint), one re-login on a 401, TLS verified against the site's CA (an
 * explicit `insecure` switch at most), JSON representations parsed tolerantly (the engine
 * renders numbers and booleans as strings). GETs are retried on transient failures; actions
 * (POST) never are here: the executor re-checks observation before repeating one, so an action
 * whose effect already happened is not repeated.
 *
 * The login is retried too, with jittered backoff, when the SSO endpoint fails transiently (a
 * 5xx or 429 from the engine or its proxy, a reset or refused connection, a timeout): logging in
 * twice has no effect to repeat. Only the engine's own refusal (4xx: invalid credentials, an
 * unknown profile) is a terminal authentication failure.
 */
import { readFileSync } from 'node:fs';
import got, { type Got, type Method } from 'got';
import type { OvirtSite } from '../../model/desired.js';
import { backoffDelay, type BackoffPolicy } from '../../common/backoff.js';
import { TerminalError, TransientError } from '../../common/errors.js';
import { registerSecret } from '../../common/redact.js';
import { faultFor, networkError } from './errors.js';

export type Json = Record<string, unknown>;

export interface OvirtClientOptions {
  readonly password: string;
  readonly timeoutMs?: number;
  readonly getRetries?: number;
  /** Retries of a login that failed transiently (default 3). */
  readonly loginRetries?: number;
  /** Between retries of GETs and logins (default 250 ms doubling to 2 s, full jitter). */
  readonly retryBackoff?: BackoffPolicy;
}

const RETRY_BACKOFF: BackoffPolicy = { baseMs: 250, capMs: 2_000 };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const isTransient = (err: unknown): boolean =>
  (err as { errorClass?: string } | null)?.errorClass === 'transient';

export class OvirtClient {
  readonly api: string;
  /** HTTP requests sent (benchmarks count them per pass). */
  requests = 0;
  private readonly http: Got;
  private readonly user: string;
  private readonly password: string;
  private readonly getRetries: number;
  private readonly loginRetries: number;
  private readonly backoff: BackoffPolicy;
  private token: string | undefined;
  private basic = false;
  private loggingIn: Promise<void> | undefined;

  constructor(site: OvirtSite, options: OvirtClientOptions) {
    this.api = site.url.replace(/\/+$/, '');
    this.user = site.user;
    this.password = options.password;
    // What goes on the wire in its place is as secret as the password (an echo of the
    // Authorization header must be redacted too); the SSO token is registered when issued.
    registerSecret(options.password);
    registerSecret(Buffer.from(`${this.user}:${this.password}`).toString('base64'));
    this.getRetries = options.getRetries ?? 2;
    this.loginRetries = options.loginRetries ?? 3;
    this.backoff = options.retryBackoff ?? RETRY_BACKOFF;
    let ca: Buffer | undefined;
    if (site.caFile !== undefined) {
      try {
        ca = readFileSync(site.caFile);
      } catch (err) {
        throw new TerminalError(
          'ca-file',
          `cannot read caFile ${site.caFile}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
        );
      }
    }
    this.http = got.extend({
      https: { rejectUnauthorized: !site.insecure, ...(ca ? { certificateAuthority: ca } : {}) },
      timeout: { request: options.timeoutMs ?? 30_000 },
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: false,
    });
  }

  private ssoUrl(): string {
    const u = new URL(this.api);
    return `${u.origin}/ovirt-engine/sso/oauth/token`;
  }

  private authHeader(): string {
    if (this.basic)
      return `Basic ${Buffer.from(`${this.user}:${this.password}`).toString('base64')}`;
    return `Bearer ${this.token ?? ''}`;
  }

  /** Log in (one login at a time: concurrent requests share it). */
  login(): Promise<void> {
    this.loggingIn ??= this.loginWithRetries().finally(() => {
      this.loggingIn = undefined;
    });
    return this.loggingIn;
  }

  private async loginWithRetries(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.doLogin();
        return;
      } catch (err) {
        if (!isTransient(err) || attempt > this.loginRetries) throw err;
        await sleep(backoffDelay(attempt, this.backoff, Math.random()));
      }
    }
  }

  private async doLogin(): Promise<void> {
    this.requests++;
    const res = await this.http
      .post(this.ssoUrl(), {
        form: {
          grant_type: 'password',
          scope: 'ovirt-app-api',
          username: this.user,
          password: this.password,
        },
        headers: { accept: 'application/json' },
      })
      .catch((err: unknown) => {
        const e = err as { code?: string; message?: string };
        throw networkError('login', e.code, e.message ?? '');
      });
    if (res.statusCode === 404) {
      this.basic = true;
      return;
    }
    // The engine (or the proxy in front of it) is down or restarting: an HTML error page,
    // not a verdict on the credentials.
    if (res.statusCode >= 500 || res.statusCode === 429) {
      throw new TransientError(
        'ovirt-sso-unavailable',
        `engine login as ${this.user}: the SSO endpoint answered HTTP ${res.statusCode}`,
      );
    }
    if (res.statusCode !== 200) {
      let why = `HTTP ${res.statusCode}`;
      try {
        const body = JSON.parse(res.body) as { error?: string; error_description?: string };
        why = body.error_description ?? body.error ?? why;
      } catch {
        /* not JSON: keep the status */
      }
      throw new TerminalError('ovirt-auth', `engine login as ${this.user} failed: ${why}`);
    }
    const body = JSON.parse(res.body) as { access_token?: string };
    if (body.access_token === undefined)
      throw new TerminalError('ovirt-auth', 'engine login returned no token');
    registerSecret(body.access_token);
    this.token = body.access_token;
  }

  private async send(
    method: Method,
    path: string,
    body: Json | undefined,
    search?: Record<string, string>,
  ): Promise<{ status: number; body: string }> {
    if (this.token === undefined && !this.basic) await this.login();
    const once = async (): Promise<{ status: number; body: string }> => {
      this.requests++;
      const res = await this.http(`${this.api}/${path.replace(/^\//, '')}`, {
        method,
        headers: {
          accept: 'application/json',
          version: '4',
          authorization: this.authHeader(),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        ...(search ? { searchParams: search } : {}),
      });
      return { status: res.statusCode, body: res.body };
    };
    try {
      let res = await once();
      if (res.status === 401 && !this.basic) {
        await this.login();
        res = await once();
      }
      return res;
    } catch (err) {
      const e = err as { code?: string; message?: string };
      throw networkError(`${method} ${path}`, e.code, e.message ?? '');
    }
  }

  /** GET a collection or object; transient failures retried with jittered backoff. */
  async get(path: string, search?: Record<string, string>): Promise<Json> {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.send('GET', path, undefined, search);
        if (res.status === 404) return {};
        if (res.status >= 400) throw faultFor(res.status, res.body);
        return (res.body === '' ? {} : JSON.parse(res.body)) as Json;
      } catch (err) {
        if (!isTransient(err) || attempt >= this.getRetries) throw err;
        await sleep(backoffDelay(attempt + 1, this.backoff, Math.random()));
      }
    }
  }

  async put(path: string, body: Json): Promise<Json> {
    const res = await this.send('PUT', path, body);
    if (res.status >= 400) throw faultFor(res.status, res.body);
    return JSON.parse(res.body || '{}') as Json;
  }

  /** POST an action (`vms/ID/start`); the engine's "complete" only means accepted. */
  async action(path: string, body: Json = {}): Promise<Json> {
    const res = await this.send('POST', path, body);
    if (res.status >= 400) throw faultFor(res.status, res.body);
    return JSON.parse(res.body || '{}') as Json;
  }
}

/** JSON from the engine: a collection is `{"vm": [...]}` (absent when empty). */
export function items(doc: Json, key: string): Json[] {
  const v = doc[key];
  return Array.isArray(v) ? (v as Json[]) : [];
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

export function bool(v: unknown): boolean {
  return v === true || (typeof v === 'string' && /^(true|1|yes)$/i.test(v));
}

export function ref(v: unknown): string | undefined {
  return v !== null && typeof v === 'object' ? str((v as Json).id) : undefined;
}
