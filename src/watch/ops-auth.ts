/**
 * Bearer-token authentication of the ops endpoint (required on any non-loopback address).
 * Both sides are hashed before the constant-time comparison, so neither the token's content
 * nor its length leaks through timing; the token itself is never logged or echoed.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export type Authenticator = (req: IncomingMessage) => boolean;

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Accepts a request only with `Authorization: Bearer <token>`; no token: accepts all. */
export function bearerAuth(token: string | undefined): Authenticator {
  if (token === undefined) return () => true;
  const expected = digest(token);
  return (req) => {
    const m = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '');
    return m?.[1] !== undefined && timingSafeEqual(digest(m[1]), expected);
  };
}
