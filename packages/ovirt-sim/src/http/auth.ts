import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { nameUuid } from '../model/ids.js';
import type { SimState } from '../model/state.js';

/** A user the simulated engine knows (`admin@internal` by default). */
export interface SimUser {
  readonly name: string;
  readonly password: string;
  /** Admins see unfiltered results by default; others get `Filter: true` (ENGINE_API_FILTER_BY_DEFAULT). */
  readonly admin?: boolean;
}

export interface AuthTimeouts {
  /** Lifetime of SSO access tokens; an expired token gets 401 and there is no refresh. */
  readonly tokenTtlMs: number;
  /** Inactivity timeout of JSESSIONID sessions (the engine's default is 30 minutes). */
  readonly sessionTtlMs: number;
}

export interface Token {
  readonly value: string;
  readonly user: SimUser;
  readonly scope: string;
  expiresAt: number;
}

export interface Session {
  readonly id: string;
  readonly user: SimUser;
  ttlMs: number;
  expiresAt: number;
}

/** How a request was authenticated. */
export type Authenticated =
  | { readonly via: 'session'; readonly user: SimUser; readonly session: Session }
  | { readonly via: 'bearer' | 'basic'; readonly user: SimUser };

/** SSO tokens and REST sessions of the simulated engine (SsoService, RestApiSessionMgmtFilter). */
export class AuthStore {
  private readonly users: Map<string, SimUser>;
  private readonly tokens = new Map<string, Token>();
  private readonly sessions = new Map<string, Session>();
  private readonly timeouts: AuthTimeouts;
  private readonly state: SimState;

  constructor(users: readonly SimUser[], timeouts: AuthTimeouts, state: SimState) {
    this.users = new Map(users.map((u) => [u.name, u]));
    this.timeouts = timeouts;
    this.state = state;
    for (const u of users) state.userIds.set(u.name, nameUuid('user', u.name));
  }

  userId(user: SimUser): string {
    return this.state.userIds.get(user.name) ?? nameUuid('user', user.name);
  }

  /** The user if the password matches. */
  check(name: string, password: string): SimUser | undefined {
    const user = this.users.get(name);
    return user?.password === password ? user : undefined;
  }

  knowsProfile(profile: string): boolean {
    return [...this.users.keys()].some((n) => n.endsWith(`@${profile}`));
  }

  issueToken(user: SimUser, scope: string): Token {
    const token: Token = {
      value: randomBytes(32).toString('base64url'),
      user,
      scope,
      expiresAt: Date.now() + this.timeouts.tokenTtlMs,
    };
    this.tokens.set(token.value, token);
    return token;
  }

  token(value: string): Token | undefined {
    const token = this.tokens.get(value);
    if (token === undefined) return undefined;
    if (Date.now() >= token.expiresAt) {
      this.tokens.delete(value);
      return undefined;
    }
    return token;
  }

  revokeToken(value: string): boolean {
    return this.tokens.delete(value);
  }

  createSession(user: SimUser, ttlMs?: number): Session {
    const ttl = ttlMs ?? this.timeouts.sessionTtlMs;
    const session: Session = {
      id: randomBytes(18).toString('base64url'),
      user,
      ttlMs: ttl,
      expiresAt: Date.now() + ttl,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** A live session, its inactivity timer restarted. */
  session(id: string): Session | undefined {
    const session = this.sessions.get(id);
    if (session === undefined) return undefined;
    if (Date.now() >= session.expiresAt) {
      this.sessions.delete(id);
      return undefined;
    }
    session.expiresAt = Date.now() + session.ttlMs;
    return session;
  }

  dropSession(id: string): void {
    this.sessions.delete(id);
  }

  /** Sim-side: every token and session expires now (clients must log in again). */
  expireAll(): void {
    this.tokens.clear();
    this.sessions.clear();
  }

  /**
   * Authenticates an API request: an existing JSESSIONID session first (unless
   * `Prefer: new-auth`), then `Authorization: Bearer` or `Basic`.
   */
  authenticate(req: IncomingMessage, prefer: ReadonlySet<string>): Authenticated | undefined {
    const cookie = cookieValue(req.headers.cookie, 'JSESSIONID');
    if (cookie !== undefined && !prefer.has('new-auth')) {
      const session = this.session(cookie);
      if (session !== undefined) return { via: 'session', user: session.user, session };
    }
    const header = req.headers.authorization ?? '';
    const bearer = /^Bearer\s+(\S+)$/i.exec(header);
    if (bearer?.[1] !== undefined) {
      const token = this.token(bearer[1]);
      return token === undefined ? undefined : { via: 'bearer', user: token.user };
    }
    const basic = /^Basic\s+(\S+)$/i.exec(header);
    if (basic?.[1] !== undefined) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return undefined;
      const user = this.check(decoded.slice(0, colon), decoded.slice(colon + 1));
      return user === undefined ? undefined : { via: 'basic', user };
    }
    return undefined;
  }
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

/** The `Prefer` header's elements (`persistent-auth`, `new-auth`), lowercased. */
export function preferences(req: IncomingMessage): Set<string> {
  const raw = req.headers.prefer;
  const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return new Set(
    values.flatMap((v) => v.split(',')).map((v) => (v.split(/[=;]/)[0] ?? '').trim().toLowerCase()),
  );
}
