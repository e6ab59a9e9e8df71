/**
 * Security corpus: an engine (or a proxy in front of it) that echoes what it was sent back in
 * an error must not make virtwarden print the password (issue 13: an SSO endpoint echoing the
 * request body put `password=<secret>` into plan, apply, status and verify output). A real
 * HTTPS server on 127.0.0.1 plays the echoing engine; the real CLI runs against it in a child
 * process, in text and JSON; the journal and state files it writes are read back too.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdir, readFile, mkdtemp, rm, writeFile, mkdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WatchProcess } from '../helpers/watch-process.js';
import { ensureBuilt, printed, virtwarden } from './cli-child.js';
import {
  selfSignedCert,
  sendJson,
  startHttps,
  type Handler,
  type HttpsServer,
} from './https-server.js';

const USER = 'admin@internal';
/** Characters that change under JSON escaping, URL and form encoding. */
const PASSWORD = 'S3cr3t/pw+&x=1 "q\\é';
const TOKEN = 'sso-token-6b1f0e2d9a';

/** Every form the password (or what stands for it) takes on the way out. */
const FORMS = [
  PASSWORD,
  JSON.stringify(PASSWORD).slice(1, -1),
  encodeURIComponent(PASSWORD),
  new URLSearchParams({ p: PASSWORD }).toString().slice(2),
  Buffer.from(`${USER}:${PASSWORD}`).toString('base64'),
  TOKEN,
];

type Mode = 'sso-echo' | 'basic-echo' | 'token-echo';
let mode: Mode = 'sso-echo';
let server: HttpsServer;
let tmp: string;
let repo: string;
let echoed = 0;

/** The echoing engine: the login form, the Authorization header, handed back in errors. */
const handle: Handler = (req, body, res) => {
  const url = req.url ?? '/';
  if (url.startsWith('/ovirt-engine/sso/oauth/token')) {
    if (mode === 'sso-echo') {
      echoed++;
      sendJson(res, 400, { error: 'invalid_grant', error_description: `cannot parse ${body}` });
    } else if (mode === 'basic-echo') {
      sendJson(res, 404, {});
    } else {
      sendJson(res, 200, { access_token: TOKEN, token_type: 'bearer' });
    }
    return;
  }
  echoed++;
  const auth = req.headers.authorization ?? '';
  const decoded = auth.startsWith('Basic ')
    ? Buffer.from(auth.slice(6), 'base64').toString('utf8')
    : auth;
  sendJson(res, 400, {
    fault: { reason: 'Bad Request', detail: `rejected ${auth} (${decoded}) for ${url}` },
  });
};

beforeAll(async () => {
  await ensureBuilt();
  tmp = await mkdtemp(path.join(tmpdir(), 'vw-sec-echo-'));
  // A self-signed certificate for 127.0.0.1, trusted through the site's caFile.
  const cert = await selfSignedCert(tmp, 'engine', 'IP:127.0.0.1,DNS:localhost');
  server = await startHttps(cert, handle);
  const port = server.port;
  repo = path.join(tmp, 'repo');
  await mkdir(repo);
  await writeFile(path.join(repo, 'ca.pem'), cert.cert);
  await writeFile(
    path.join(repo, 'site.yaml'),
    `apiVersion: virtwarden/v1
kind: Site
metadata: { name: rhev }
spec:
  ovirt:
    url: https://127.0.0.1:${port}/ovirt-engine/api
    user: ${USER}
    passwordFrom: { env: RHEVM_PASSWORD }
    caFile: ca.pem
    cluster: c1
    datacenter: dc1
---
apiVersion: virtwarden/v1
kind: Guest
metadata: { name: vm1 }
spec: { site: rhev }
`,
  );
}, 180_000);

afterAll(async () => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
});

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(full)));
    else out.push(full);
  }
  return out;
}

function expectNoSecret(text: string, what: string): void {
  for (const form of FORMS) {
    if (text.includes(form))
      throw new Error(`${what} contains the secret as ${JSON.stringify(form)}:\n${text}`);
  }
}

const COMMANDS: readonly (readonly string[])[] = [
  ['plan'],
  ['plan', '-o', 'json'],
  ['status'],
  ['status', '-o', 'json'],
  ['verify'],
  ['verify', '-o', 'json'],
  ['apply', '--auto-approve'],
  ['apply', '--auto-approve', '-o', 'json'],
];

describe.each<Mode>(['sso-echo', 'basic-echo', 'token-echo'])('an engine that echoes (%s)', (m) => {
  it.each(COMMANDS.map((c) => [c.join(' '), c] as const))(
    '%s prints no secret, and the echo was redacted, not absent',
    async (_name, args) => {
      mode = m;
      echoed = 0;
      const state = path.join(tmp, `state-${m}-${args.join('-')}`);
      const out = await virtwarden([args[0] ?? '', repo, ...args.slice(1)], {
        RHEVM_PASSWORD: PASSWORD,
        VIRTWARDEN_STATE_DIR: state,
      });
      const all = printed(out);
      expect(echoed).toBeGreaterThan(0);
      expectNoSecret(all, `${args.join(' ')} output`);
      // The engine's words reached the output, with the secret taken out of them.
      expect(all).toContain('***');
      // plan, verify and apply fail on a site they cannot reach; status reports it UNKNOWN.
      expect(out.code).toBe(args[0] === 'status' ? 0 : 1);
      const exists = await stat(state).then(
        () => true,
        () => false,
      );
      for (const file of exists ? await filesUnder(state) : []) {
        expectNoSecret(await readFile(file, 'utf8'), file);
      }
    },
    60_000,
  );
});

describe.each<Mode>(['sso-echo', 'basic-echo', 'token-echo'])(
  'watch against an engine that echoes (%s)',
  (m) => {
    it('logs, /status, /healthz, /readyz and the state directory hold no secret', async () => {
      mode = m;
      echoed = 0;
      const state = path.join(tmp, `watch-state-${m}`);
      const watch = new WatchProcess(repo, state, [], { RHEVM_PASSWORD: PASSWORD });
      try {
        await watch.ready();
        const served = async (): Promise<string> => {
          const bodies = await Promise.all(
            ['/status', '/healthz', '/readyz'].map(async (p) =>
              (await fetch(`${watch.url}${p}`)).text(),
            ),
          );
          return bodies.join('\n');
        };
        // Until the engine's echo has reached what watch serves (redacted).
        await watch.waitFor(
          'the echo on /status',
          async () => echoed > 0 && (await served()).includes('***'),
        );
        expectNoSecret(await served(), 'the ops endpoint');
        expectNoSecret(JSON.stringify(watch.logs) + watch.errors, 'the logs');
      } finally {
        await watch.stop();
      }
      for (const file of await filesUnder(state))
        expectNoSecret(await readFile(file, 'utf8'), file);
    }, 90_000);
  },
);
