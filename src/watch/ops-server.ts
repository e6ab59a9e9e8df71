/**
 * The operations listener of `watch`: `/livez` (200 while the controller runs, 503 while it
 * stops), `/readyz` (200 only when nothing stops it from doing its job: manifests accepted,
 * sites open, journal written, no host lost), `/healthz` (both, as JSON, with every problem;
 * its status code is liveness), `/status` (every guest with its conditions, JSON) and
 * `/metrics` (Prometheus text). Loopback by default; read-only: nothing can be changed through it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TerminalError } from '../common/errors.js';
import type { Controller } from './controller.js';
import type { HealthReport } from './health.js';

export interface OpsServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startOpsServer(
  controller: Controller,
  listen: { host: string; port: number },
  health: () => HealthReport,
): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (code: number, type: string, body: string): void => {
      res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(405, 'text/plain; charset=utf-8', 'read-only endpoint\n');
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
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
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
