/** A real HTTPS server on 127.0.0.1 with a throw-away self-signed certificate (openssl CLI). */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Cert {
  readonly key: string;
  readonly cert: string;
  /** The certificate's file: as a caFile it trusts exactly this certificate. */
  readonly certFile: string;
}

/** A self-signed certificate for `san` (e.g. `IP:127.0.0.1,DNS:localhost`), written to `dir`. */
export async function selfSignedCert(dir: string, name: string, san: string): Promise<Cert> {
  const keyFile = path.join(dir, `${name}.key`);
  const certFile = path.join(dir, `${name}.pem`);
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-addext',
    `subjectAltName=${san}`,
  ]);
  const [key, cert] = await Promise.all([readFile(keyFile, 'utf8'), readFile(certFile, 'utf8')]);
  return { key, cert, certFile };
}

export type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

export interface HttpsServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startHttps(cert: Cert, handler: Handler): Promise<HttpsServer> {
  const server: Server = createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      handler(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
