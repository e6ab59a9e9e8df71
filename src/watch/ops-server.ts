/**
 * The operations listener of `watch`: `/livez` (200 while the controller runs, 503 while it
 * stops), `/readyz` (200 only when nothing stops it from doing its job: manifests accepted,
 * sites open, journal written, no host lost), `/healthz` (both, as JSON, with every problem;
 * its status code is liveness), `/status` (every guest with its conditions, JSON) and
 * `/metrics` (Prometheus text). Read-only: nothing can be changed through it.
 *
 * It must never cost the controller what it needs to heal guests, whoever talks to it: a
 * connection cap (ops-connections.ts), short header, request and keep-alive timeouts, small
 * headers, no request bodies at all, and a bearer token when one is configured (the CLI
 * requires one for any non-loopback address). A failure to accept (out of descriptors) is
 * logged and reported on /healthz, never thrown.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { TerminalError } from '../common/errors.js';
import type { Controller } from './controller.js';
import type { HealthReport } from './health.js';
import { bearerAuth } from './ops-auth.js';
import { limitConnections } from './ops-connections.js';

export interface OpsServer {
  readonly url: string;
  close(): Promise<void>;
}

export interface OpsListen {
  readonly host: string;
  readonly port: number;
  /** The bearer token every request must carry; absent: none is asked for. */
  readonly token?: string;
  /** Connections at once (default `OPS_LIMITS.maxConnections`). */
  readonly maxConnections?: number;
}

export interface OpsHooks {
  readonly log: Logger;
  /** A problem of the endpoint for /healthz (`undefined`: it is over). */
  readonly problem: (problem: string | undefined) => void;
}

/** The endpoint's limits (documented in docs/ops-endpoint.md; tested in test/security/ops-*). */
export const OPS_LIMITS = {
  maxConnections: 64,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  maxHeaderBytes: 8 * 1024,
} as const;

/** Warnings about floods at most this often. */
const WARN_EVERY_MS = 10_000;

/** A warning logged at most every WARN_EVERY_MS (a flood must not flood the log). */
function rateLimited(log: Logger): (fields: Record<string, unknown>, msg: string) => void {
  let last = 0;
  return (fields, msg) => {
    const now = Date.now();
    if (now - last < WARN_EVERY_MS) return;
    last = now;
    log.warn(fields, msg);
  };
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

export async function startOpsServer(
  controller: Controller,
  listen: OpsListen,
  health: () => HealthReport,
  hooks: OpsHooks,
): Promise<OpsServer> {
  const authenticated = bearerAuth(listen.token);
  const options = {
    headersTimeout: OPS_LIMITS.headersTimeoutMs,
    requestTimeout: OPS_LIMITS.requestTimeoutMs,
    keepAliveTimeout: OPS_LIMITS.keepAliveTimeoutMs,
    maxHeaderSize: OPS_LIMITS.maxHeaderBytes,
    // Node checks the header and request timeouts this often (default 30 s: far too lazy).
    connectionsCheckingInterval: 1_000,
  };
  const server: Server = createServer(options, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (
      code: number,
      type: string,
      body: string,
      extra: Record<string, string> = {},
    ): void => {
      res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store', ...extra });
      res.end(body);
    };
    const text = 'text/plain; charset=utf-8';
    // A body is never read: refused before anything else, and the connection closed so that
    // its unread bytes cannot be taken for a next request.
    if (hasBody(req)) {
      send(413, text, 'request bodies are not accepted\n', { connection: 'close' });
      return;
    }
    if (!authenticated(req)) {
      send(401, text, 'unauthorized: send Authorization: Bearer <token>\n', {
        'www-authenticate': 'Bearer realm="virtwarden"',
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(405, text, 'read-only endpoint: GET or HEAD only\n', { allow: 'GET, HEAD' });
      return;
    }
    const json = (code: number, body: unknown): void => {
      send(code, 'application/json', JSON.stringify(body) + '\n');
    };
    switch (url.pathname) {
      case '/healthz': {
        const h = health();
        const status = !h.live ? 'unavailable' : h.ready ? 'ok' : 'degraded';
        json(h.live ? 200 : 503, {
          status,
          live: h.live,
          ready: h.ready,
          problems: h.problems,
          detail: h.detail,
        });
        return;
      }
      case '/livez': {
        const h = health();
        json(h.live ? 200 : 503, { live: h.live });
        return;
      }
      case '/readyz': {
        const h = health();
        json(h.ready ? 200 : 503, { ready: h.ready, problems: h.problems });
        return;
      }
      case '/status':
        send(
          200,
          'application/json',
          JSON.stringify({ format_version: 1, ...controller.status() }, null, 2) + '\n',
        );
        return;
      case '/metrics':
        controller.metrics.queueDepth.set(controller.queue.depth);
        controller.metrics.setStatus(controller.status().guests);
        controller.metrics.publishEventLoopDelay();
        controller.metrics.registry
          .metrics()
          .then((text) => {
            send(200, controller.metrics.registry.contentType, text);
          })
          .catch((err: unknown) => {
            send(500, 'text/plain; charset=utf-8', `metrics failed: ${String(err)}\n`);
          });
        return;
      default:
        send(
          404,
          'text/plain; charset=utf-8',
          'not found: try /healthz, /livez, /readyz, /status or /metrics\n',
        );
    }
  });
  // Idle sockets (no request, no header byte) go too, after the request timeout.
  server.setTimeout(OPS_LIMITS.requestTimeoutMs, (socket) => socket.destroy());
  const atCap = rateLimited(hooks.log);
  const cannotAccept = rateLimited(hooks.log);
  const budget = limitConnections(
    server,
    listen.maxConnections ?? OPS_LIMITS.maxConnections,
    (evicted) => {
      atCap(
        { open: budget.open(), evicted: budget.evicted(), closedNewcomer: !evicted },
        'ops endpoint at its connection cap',
      );
    },
  );
  let accepting = true;
  server.on('connection', () => {
    if (!accepting) {
      accepting = true;
      hooks.problem(undefined);
    }
  });
  await new Promise<void>((resolve, reject) => {
    let listening = false;
    // Stays for the server's whole life: an `error` without a listener would end the process.
    server.on('error', (err: NodeJS.ErrnoException) => {
      if (listening) {
        accepting = false;
        const problem = `the ops endpoint cannot accept connections: ${err.code ?? err.message}`;
        hooks.problem(problem);
        cannotAccept({ err: err.message, code: err.code }, problem);
        return;
      }
      const where = `${listen.host}:${String(listen.port)}`;
      reject(
        err.code === 'EADDRINUSE'
          ? new TerminalError(
              'address-in-use',
              `cannot listen on ${where}: the address is in use (another virtwarden watch?); choose another with --listen`,
            )
          : err.code === 'EADDRNOTAVAIL' || err.code === 'EACCES'
            ? new TerminalError('cannot-listen', `cannot listen on ${where}: ${err.message}`)
            : err,
      );
    });
    server.listen(listen.port, listen.host, () => {
      listening = true;
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.address.includes(':') ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
