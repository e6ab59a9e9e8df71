/**
 * The operations listener of `watch`: `/healthz` (200 while the controller runs, 503 while it
 * stops), `/status` (every guest, JSON) and `/metrics` (Prometheus text). Loopback by default;
 * read-only: nothing can be changed through it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Controller } from './controller.js';

export interface OpsServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startOpsServer(
  controller: Controller,
  listen: { host: string; port: number },
  health: () => { ok: boolean; detail: string },
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
    switch (url.pathname) {
      case '/healthz': {
        const h = health();
        send(
          h.ok ? 200 : 503,
          'application/json',
          JSON.stringify({ status: h.ok ? 'ok' : 'unavailable', detail: h.detail }) + '\n',
        );
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
        send(404, 'text/plain; charset=utf-8', 'not found: try /healthz, /status or /metrics\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
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
