/**
 * Where `watch`'s ops endpoint listens and who may talk to it. Loopback needs nothing. Any
 * other address exposes guest names, hosts and failures to the network, so it takes two
 * explicit choices: `--listen-remote` (you meant it) and `--listen-token-file FILE` (a bearer
 * token every request must carry). A mistake is a usage error (exit 64) before anything starts.
 * The token is never printed, not even in an error about its file.
 */
import { readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { positiveInt } from './args.js';
import { UsageError } from './errors.js';
import { OPS_LIMITS, type OpsListen } from '../watch/ops-server.js';

export const DEFAULT_LISTEN = '127.0.0.1:9474';
/** Shortest token accepted: 16 characters (e.g. `openssl rand -hex 32` gives 64). */
const MIN_TOKEN_CHARS = 16;

export interface ListenFlags {
  readonly listen?: string | undefined;
  readonly 'listen-remote'?: boolean | undefined;
  readonly 'listen-token-file'?: string | undefined;
  readonly 'listen-max-connections'?: string | undefined;
}

/** True for an address only this machine can reach: 127.0.0.0/8, ::1 (and v4-mapped), localhost. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) !== 6) return false;
  // The URL parser writes an IPv6 address in its one canonical form (`[::1]`, `[::ffff:7f00:1]`).
  const canonical = new URL(`http://[${h}]/`).hostname;
  if (canonical === '[::1]') return true;
  const mapped = /^\[::ffff:([\da-f]{1,4}):[\da-f]{1,4}\]$/.exec(canonical);
  return mapped?.[1] !== undefined && parseInt(mapped[1], 16) >> 8 === 127;
}

function parseAddress(value: string): { host: string; port: number } {
  const m = /^(.*):(\d+)$/.exec(value);
  if (!m?.[1] || m[2] === undefined) throw new UsageError(`--listen '${value}' must be HOST:PORT`);
  const port = Number(m[2]);
  if (port > 65535) throw new UsageError(`--listen '${value}': port must be 0–65535`);
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}

function readToken(file: string, cwd: string): string {
  const full = path.resolve(cwd, file);
  const where = `--listen-token-file ${file}`;
  let mode: number;
  let token: string;
  try {
    const info = statSync(full);
    if (!info.isFile()) throw new UsageError(`${where}: not a regular file`);
    mode = info.mode;
    token = readFileSync(full, 'utf8').trim();
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${where}: cannot read it (${(err as NodeJS.ErrnoException).code})`);
  }
  if ((mode & 0o077) !== 0) {
    throw new UsageError(
      `${where}: readable or writable by group or others (mode ${(mode & 0o777).toString(8)}); chmod 600 it`,
    );
  }
  if (token.length < MIN_TOKEN_CHARS || /\s/.test(token)) {
    throw new UsageError(
      `${where}: the token must be one word of at least ${MIN_TOKEN_CHARS} characters (e.g. openssl rand -hex 32)`,
    );
  }
  return token;
}

export function listenOptions(flags: ListenFlags, cwd: string): OpsListen {
  const value = flags.listen ?? DEFAULT_LISTEN;
  const { host, port } = parseAddress(value);
  const tokenFile = flags['listen-token-file'];
  if (!isLoopback(host)) {
    if (flags['listen-remote'] !== true || tokenFile === undefined) {
      throw new UsageError(
        `--listen ${value} is not a loopback address: the endpoint would serve every guest's status to the network; ` +
          `add --listen-remote and --listen-token-file FILE (a bearer token), or listen on 127.0.0.1`,
      );
    }
  }
  const maxConnections = positiveInt(
    'listen-max-connections',
    flags['listen-max-connections'],
    OPS_LIMITS.maxConnections,
  );
  if (maxConnections < 1) throw new UsageError('--listen-max-connections must be at least 1');
  return {
    host,
    port,
    maxConnections,
    ...(tokenFile !== undefined ? { token: readToken(tokenFile, cwd) } : {}),
  };
}
