import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { newUuid } from '../model/ids.js';
import type { SimEngine } from '../engine/engine.js';
import type { FaultInjector } from '../faults.js';
import { API_PREFIX, stripVersion } from '../paths.js';
import type { LoggedRequest, RequestLog } from '../request-log.js';
import { handleAdmin } from './admin.js';
import { handleApi } from './api-entry.js';
import type { AuthStore } from './auth.js';
import { faultReply, htmlError, type Reply } from './reply.js';
import { issueToken, logout, requestParams } from './sso.js';

export interface ServerParts {
  readonly engine: SimEngine;
  readonly auth: AuthStore;
  readonly faults: FaultInjector;
  readonly log: RequestLog;
  readonly tls: { readonly key: string; readonly cert: string; readonly caPem: string } | undefined;
}

function readText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

/** Whether the request declares a body we will not read (libsoup's GET-with-body, §6). */
function hasUnreadBody(req: IncomingMessage): boolean {
  if (req.method === 'POST' || req.method === 'PUT') return false;
  const length = Number(req.headers['content-length'] ?? '0');
  return length > 0 || req.headers['transfer-encoding'] !== undefined;
}

/**
 * The simulator's HTTP(S) server: request log, fault injection, SSO, the REST API and the
 * loopback admin endpoint. GET bodies are never awaited: libsoup's retry after a 401 declares
 * a body it does not send, so such connections are answered and closed.
 */
export class SimServer {
  private readonly server: Server;
  private readonly parts: ServerParts;
  private readonly sockets = new Set<Socket>();

  constructor(parts: ServerParts) {
    this.parts = parts;
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) {
          const reply = faultReply(
            false,
            500,
            'Operation Failed',
            err instanceof Error ? err.message : String(err),
          );
          this.write(res, reply, req);
        }
      });
    };
    this.server =
      parts.tls === undefined ? createHttpServer(handler) : createHttpsServer(parts.tls, handler);
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server.on('secureConnection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Listens on 127.0.0.1; resolves to the port (useful with port 0). */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        const address = this.server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      });
    });
  }

  /** Closes the server and every open connection, hung ones included. */
  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }

  private write(res: ServerResponse, reply: Reply, req: IncomingMessage): void {
    const headers: Record<string, string | string[]> = { ...reply.headers };
    const correlation = req.headers['correlation-id'];
    headers['Correlation-Id'] =
      typeof correlation === 'string' && correlation !== '' ? correlation : newUuid().slice(0, 8);
    if (hasUnreadBody(req)) headers.Connection = 'close';
    headers['Content-Length'] = String(Buffer.byteLength(reply.body));
    res.writeHead(reply.status, headers);
    res.end(req.method === 'HEAD' ? undefined : reply.body);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    if (url.pathname.startsWith('/__sim')) {
      this.write(res, await handleAdmin(req, url, this.parts, () => readText(req)), req);
      return;
    }
    const { path, version } = stripVersion(url.pathname);
    const method = req.method ?? 'GET';
    const entry = this.parts.log.record(method, path.split(';')[0] ?? path, url.search);
    const started = Date.now();
    const decision = this.parts.faults.decide(method, entry.path);
    entry.faultId = decision.terminal?.id ?? decision.fired[0]?.id;
    if (decision.latencyMs > 0)
      await new Promise((resolve) => setTimeout(resolve, decision.latencyMs));
    const terminal = decision.terminal;
    if (terminal?.kind === 'drop') {
      entry.outcome = 'dropped';
      req.socket.destroy();
      return;
    }
    if (terminal?.kind === 'hang') {
      entry.outcome = 'hung';
      return;
    }
    let reply: Reply;
    if (terminal?.kind === 'status') {
      const status = terminal.status ?? 503;
      reply =
        terminal.body === undefined
          ? htmlError(status)
          : { status, headers: { 'Content-Type': 'text/plain' }, body: terminal.body };
    } else {
      reply = await this.dispatch(req, url, path, version, entry);
    }
    if (terminal?.kind === 'lose-response') {
      entry.outcome = 'response-lost';
      req.socket.destroy();
      return;
    }
    entry.status = reply.status;
    entry.durationMs = Date.now() - started;
    this.write(res, reply, req);
  }

  /** The engine's CA, served without authentication so clients can bootstrap trust (pki-resource). */
  private caCertificate(url: URL): Reply {
    const pem = this.parts.tls?.caPem;
    const wanted =
      url.pathname === '/ca.crt' || url.searchParams.get('resource') === 'ca-certificate';
    if (pem === undefined || !wanted) return htmlError(404);
    return { status: 200, headers: { 'Content-Type': 'application/x-x509-ca-cert' }, body: pem };
  }

  private async dispatch(
    req: IncomingMessage,
    url: URL,
    path: string,
    version: string | undefined,
    entry: LoggedRequest,
  ): Promise<Reply> {
    const { engine, auth } = this.parts;
    if (path === '/ovirt-engine/sso/oauth/token' || path === '/ovirt-engine/services/sso-logout') {
      const params = requestParams(url, req, req.method === 'POST' ? await readText(req) : '');
      if (path.endsWith('/sso-logout')) return logout(auth, engine.core, req, params);
      const { reply, user } = issueToken(auth, engine.core, req, params);
      entry.user = user;
      return reply;
    }
    if (path === '/ca.crt' || path === '/ovirt-engine/services/pki-resource') {
      return this.caCertificate(url);
    }
    if (
      path !== API_PREFIX &&
      !path.startsWith(`${API_PREFIX}/`) &&
      !path.startsWith(`${API_PREFIX};`)
    ) {
      return htmlError(404);
    }
    return handleApi(
      req,
      url,
      path,
      version,
      { engine, auth, readBody: () => readText(req) },
      entry,
    );
  }
}
