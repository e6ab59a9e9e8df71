/**
 * What TLS to an oVirt engine does, as docs/manifests.md says it (issue 13: the README claimed
 * "TLS is always verified" while `insecure: true` exists). The client talks to a real HTTPS
 * server on 127.0.0.1: verified against the system CAs or `caFile`, host name included;
 * `insecure: true` checks nothing, so the password goes to whoever answers.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { OvirtSite } from '../../src/model/desired.js';
import { OvirtClient } from '../../src/providers/ovirt/client.js';
import {
  selfSignedCert,
  sendJson,
  startHttps,
  type Cert,
  type Handler,
  type HttpsServer,
} from './https-server.js';

let tmp: string;
/** Valid for 127.0.0.1, the address the client connects to. */
let good: Cert;
/** Valid only for `engine.example.com`. */
let wrongName: Cert;
let unrelated: Cert;
let servers: { good: HttpsServer; wrongName: HttpsServer };
const logins: string[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'vw-sec-tls-'));
  [good, wrongName, unrelated] = await Promise.all([
    selfSignedCert(tmp, 'good', 'IP:127.0.0.1'),
    selfSignedCert(tmp, 'wrong', 'DNS:engine.example.com'),
    selfSignedCert(tmp, 'unrelated', 'IP:127.0.0.1'),
  ]);
  const engine =
    (name: string): Handler =>
    (req, body, res) => {
      if ((req.url ?? '').startsWith('/ovirt-engine/sso/')) {
        logins.push(`${name}: ${body}`);
        sendJson(res, 200, { access_token: 'tok-tls-test' });
      } else sendJson(res, 200, { vm: [] });
    };
  servers = {
    good: await startHttps(good, engine('good')),
    wrongName: await startHttps(wrongName, engine('wrong-name')),
  };
}, 60_000);

afterAll(async () => {
  await Promise.all([servers.good.close(), servers.wrongName.close()]);
  await rm(tmp, { recursive: true, force: true });
});

function client(server: HttpsServer, tls: { caFile?: string; insecure?: boolean }): OvirtClient {
  const site: OvirtSite = {
    kind: 'ovirt',
    url: `https://127.0.0.1:${server.port}/ovirt-engine/api`,
    user: 'admin@internal',
    passwordFrom: { env: 'X' },
    ...(tls.caFile === undefined ? {} : { caFile: tls.caFile }),
    insecure: tls.insecure ?? false,
    cluster: 'c',
    datacenter: 'd',
    manualFencing: false,
    pollIntervalSeconds: 2,
  };
  return new OvirtClient(site, { password: 'tls-test-password', loginRetries: 0, getRetries: 0 });
}

describe('TLS to an oVirt engine', () => {
  it('is verified against the system CAs without caFile: a self-signed engine is refused before the password is sent', async () => {
    logins.length = 0;
    await expect(client(servers.good, {}).get('vms')).rejects.toThrow(/self.signed|certificate/i);
    expect(logins).toEqual([]);
  });

  it('with caFile, the certificate must chain to it', async () => {
    await expect(client(servers.good, { caFile: good.certFile }).get('vms')).resolves.toEqual({
      vm: [],
    });
    logins.length = 0;
    await expect(client(servers.good, { caFile: unrelated.certFile }).get('vms')).rejects.toThrow(
      /certificate|self.signed/i,
    );
    expect(logins).toEqual([]);
  });

  it('checks the host name: a trusted certificate for another name is refused', async () => {
    logins.length = 0;
    await expect(
      client(servers.wrongName, { caFile: wrongName.certFile }).get('vms'),
    ).rejects.toThrow(/altname|does not match|hostname|IP: 127\.0\.0\.1 is not in the cert/i);
    expect(logins).toEqual([]);
  });

  it('insecure: true checks nothing — neither chain nor name — and the password goes to whoever answers', async () => {
    logins.length = 0;
    await expect(client(servers.wrongName, { insecure: true }).get('vms')).resolves.toEqual({
      vm: [],
    });
    expect(logins).toEqual([expect.stringContaining('wrong-name: ')]);
    expect(logins[0]).toContain('password=tls-test-password');
  });
});
