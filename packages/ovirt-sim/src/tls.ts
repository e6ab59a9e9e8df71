import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OvirtSimError } from './errors.js';

const run = promisify(execFile);

/** A throw-away CA and a server certificate for 127.0.0.1/localhost. */
export interface SimTls {
  readonly dir: string;
  readonly caFile: string;
  readonly key: string;
  readonly cert: string;
  readonly caPem: string;
  remove(): Promise<void>;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new OvirtSimError(
      'tls-failed',
      `openssl ${args[0] ?? ''} failed: ${stderr.trim() || String(err)}`,
      { cause: err },
    );
  }
}

/**
 * Generates, with the openssl CLI, a self-signed CA (like the engine's own `pki-resource` CA)
 * and a server certificate signed by it, valid for IP 127.0.0.1 and DNS localhost.
 */
export async function generateTls(): Promise<SimTls> {
  const dir = await mkdtemp(join(tmpdir(), 'ovirt-sim-tls-'));
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    await openssl(
      [
        'req',
        '-x509',
        ...ec,
        '-keyout',
        'ca.key',
        '-out',
        'ca.pem',
        '-days',
        '7',
        '-subj',
        '/O=virtwarden ovirt-sim/CN=ovirt-sim CA',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ],
      dir,
    );
    await openssl(
      [
        'req',
        ...ec,
        '-keyout',
        'server.key',
        '-out',
        'server.csr',
        '-subj',
        '/O=virtwarden ovirt-sim/CN=localhost',
      ],
      dir,
    );
    await writeFile(
      join(dir, 'server.ext'),
      'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n',
    );
    await openssl(
      [
        'x509',
        '-req',
        '-in',
        'server.csr',
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        'server.pem',
        '-days',
        '7',
        '-extfile',
        'server.ext',
      ],
      dir,
    );
    const [key, cert, caPem] = await Promise.all(
      ['server.key', 'server.pem', 'ca.pem'].map((f) => readFile(join(dir, f), 'utf8')),
    );
    if (key === undefined || cert === undefined || caPem === undefined)
      throw new OvirtSimError('tls-failed', 'missing files');
    return {
      dir,
      caFile: join(dir, 'ca.pem'),
      key,
      cert,
      caPem,
      remove: () => rm(dir, { recursive: true, force: true }),
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
