import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { OvirtSim } from '../src/index.js';
import { ADMIN, call, startTestSim, text, xml } from './helpers.js';

const TOKEN_PATH = '/ovirt-engine/sso/oauth/token';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function form(values: Record<string, string>): string {
  return new URLSearchParams(values).toString();
}

let sim: OvirtSim;
beforeAll(async () => {
  sim = await startTestSim({ auth: { tokenTtlMs: 400 } });
});
afterAll(async () => {
  await sim.stop();
});

async function token(): Promise<string> {
  const res = await call(sim, 'POST', TOKEN_PATH, {
    auth: 'none',
    headers: { ...FORM, accept: 'application/json' },
    body: form({
      grant_type: 'password',
      scope: 'ovirt-app-api',
      username: ADMIN.name,
      password: ADMIN.password,
    }),
  });
  expect(res.status).toBe(200);
  return (JSON.parse(res.body) as { access_token: string }).access_token;
}

describe('SSO token endpoint (OAuthTokenServlet)', () => {
  it('issues a bearer token with exp as a string of epoch milliseconds', async () => {
    const before = Date.now();
    const res = await call(sim, 'POST', TOKEN_PATH, {
      auth: 'none',
      headers: { ...FORM, accept: 'application/json' },
      body: form({
        grant_type: 'password',
        scope: 'ovirt-app-api',
        username: ADMIN.name,
        password: ADMIN.password,
      }),
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    const body = JSON.parse(res.body) as Record<string, unknown>;
    expect(body.token_type).toBe('bearer');
    expect(body.scope).toBe('ovirt-app-api');
    expect(typeof body.access_token).toBe('string');
    expect(typeof body.exp).toBe('string');
    expect(Number(body.exp)).toBeGreaterThan(before);
  });

  it('requires Accept: application/json exactly', async () => {
    const res = await call(sim, 'POST', TOKEN_PATH, {
      auth: 'none',
      headers: { ...FORM, accept: 'application/json, text/plain' },
      body: form({
        grant_type: 'password',
        scope: 'ovirt-app-api',
        username: ADMIN.name,
        password: ADMIN.password,
      }),
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({
      error_code: 'invalid_request',
      error: "Missing parameter: 'Accept Header'",
    });
  });

  it('refuses a wrong password with the engine text, in the REST-API scope shape', async () => {
    const res = await call(sim, 'POST', TOKEN_PATH, {
      auth: 'none',
      headers: { ...FORM, accept: 'application/json' },
      body: form({
        grant_type: 'password',
        scope: 'ovirt-app-api',
        username: ADMIN.name,
        password: 'nope',
      }),
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({
      error_code: 'access_denied',
      error:
        "Cannot authenticate user 'admin@internal': Unable to log in. Verify your login information or contact the system administrator..",
    });
  });

  it('uses error/error_description outside the ovirt-app-api scope, and rejects other grants', async () => {
    const res = await call(sim, 'POST', TOKEN_PATH, {
      auth: 'none',
      headers: { ...FORM, accept: 'application/json' },
      body: form({ grant_type: 'client_credentials', scope: 'ovirt-app-admin' }),
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({
      error: 'unsupported_grant_type',
      error_description:
        'The authorization grant type is not supported by the authorization server.',
    });
    const unknownProfile = await call(sim, 'POST', TOKEN_PATH, {
      auth: 'none',
      headers: { ...FORM, accept: 'application/json' },
      body: form({
        grant_type: 'password',
        scope: 'ovirt-app-api',
        username: 'admin@corp',
        password: 'x',
      }),
    });
    expect(JSON.parse(unknownProfile.body)).toMatchObject({
      error: "Cannot authenticate user 'admin@corp': No valid profile found in credentials..",
    });
  });

  it('serves the API to the bearer, expires tokens (401, no refresh) and revokes on logout', async () => {
    const t = await token();
    expect((await call(sim, 'GET', 'vms', { auth: { bearer: t } })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 450));
    const expired = await call(sim, 'GET', 'vms', { auth: { bearer: t } });
    expect(expired.status).toBe(401);
    expect(expired.headers['www-authenticate']).toBe('Basic realm="RESTAPI"');

    const t2 = await token();
    const out = await call(sim, 'POST', '/ovirt-engine/services/sso-logout', {
      auth: 'none',
      headers: FORM,
      body: form({ scope: '', token: t2 }),
    });
    expect(out.status).toBe(200);
    expect((await call(sim, 'GET', 'vms', { auth: { bearer: t2 } })).status).toBe(401);
  });
});

describe('Basic auth and sessions (EnforceAuthFilter, RestApiSessionMgmtFilter)', () => {
  it('challenges a request without credentials with the engine 401 page', async () => {
    const res = await call(sim, 'GET', '', { auth: 'none' });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Basic realm="RESTAPI"');
    expect(res.headers['content-type']).toBe('text/html;charset=UTF-8');
    expect(res.body).toBe(
      '<html><head><title>Error</title></head><body>Unauthorized</body></html>',
    );
  });

  it('refuses wrong Basic credentials', async () => {
    const res = await call(sim, 'GET', 'vms', { auth: { basic: 'admin@internal:wrong' } });
    expect(res.status).toBe(401);
  });

  it('Prefer: persistent-auth sets JSESSIONID, and the cookie alone authenticates', async () => {
    const first = await call(sim, 'GET', 'vms', { headers: { prefer: 'persistent-auth' } });
    expect(first.status).toBe(200);
    const setCookie = String(first.headers['set-cookie']);
    expect(setCookie).toMatch(/^JSESSIONID=[^;]+; path=\/ovirt-engine\/api; HttpOnly$/);
    const cookie = setCookie.split(';')[0] ?? '';
    const again = await call(sim, 'GET', 'hosts', {
      auth: 'none',
      headers: { cookie, prefer: 'persistent-auth' },
    });
    expect(again.status).toBe(200);
    expect(again.headers['set-cookie']).toBeUndefined();
    // Without persistent-auth the engine logs the session out at the end of the request.
    expect((await call(sim, 'GET', 'hosts', { auth: 'none', headers: { cookie } })).status).toBe(
      200,
    );
    expect((await call(sim, 'GET', 'hosts', { auth: 'none', headers: { cookie } })).status).toBe(
      401,
    );
  });

  it('expireSessions() forces every client to log in again', async () => {
    const first = await call(sim, 'GET', 'vms', { headers: { prefer: 'persistent-auth' } });
    const cookie = String(first.headers['set-cookie']).split(';')[0] ?? '';
    sim.expireSessions();
    expect(
      (
        await call(sim, 'GET', 'vms', {
          auth: 'none',
          headers: { cookie, prefer: 'persistent-auth' },
        })
      ).status,
    ).toBe(401);
  });

  it('accepts Filter and All-Content headers; a filtered root has no summary', async () => {
    const admin = xml((await call(sim, 'GET', '')).body);
    expect(admin.api).toHaveProperty('summary');
    const filtered = xml(
      (await call(sim, 'GET', '', { headers: { filter: 'true', 'all-content': 'true' } })).body,
    );
    expect(filtered.api).not.toHaveProperty('summary');
  });
});

describe('versions, paths and headers', () => {
  it('serves v4 by default, with Version: 4 and under /v4 (hrefs keep the /v4 prefix)', async () => {
    expect((await call(sim, 'GET', 'vms', { headers: { version: '4' } })).status).toBe(200);
    const v4 = await call(sim, 'GET', '/ovirt-engine/api/v4/vms');
    expect(v4.status).toBe(200);
    expect(v4.body).toContain('href="/ovirt-engine/api/v4/vms/');
  });

  it('answers an unsupported version with a 400 HTML page, not a fault', async () => {
    const res = await call(sim, 'GET', 'vms', { headers: { version: '3' } });
    expect(res.status).toBe(400);
    expect(res.body).toBe('<html><head><title>Error</title></head><body>Bad Request</body></html>');
    expect((await call(sim, 'GET', '/ovirt-engine/api/v5/vms')).status).toBe(400);
  });

  it('echoes Correlation-Id and returns the engine 404 page for unknown paths', async () => {
    const res = await call(sim, 'GET', 'vms', { headers: { 'correlation-id': 'abc-123' } });
    expect(res.headers['correlation-id']).toBe('abc-123');
    const missing = await call(sim, 'GET', 'no-such-collection');
    expect(missing.status).toBe(404);
    expect(missing.body).toBe(
      '<html><head><title>Error</title></head><body>Not Found</body></html>',
    );
    expect((await call(sim, 'GET', '/elsewhere', { auth: 'none' })).status).toBe(404);
  });

  it('answers a GET that declares a body it never sends (libsoup retry) without waiting', async () => {
    const net = await import('node:net');
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(sim.port, '127.0.0.1', () => {
        const auth = Buffer.from(`${ADMIN.name}:${ADMIN.password}`).toString('base64');
        socket.write(
          `GET /ovirt-engine/api HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${auth}\r\nContent-Length: 17\r\n\r\n`,
        );
      });
      let data = '';
      const timer = setTimeout(() => {
        socket.destroy();
        resolve(data);
      }, 3000);
      socket.on('data', (d: Buffer) => (data += d.toString()));
      socket.on('end', () => {
        clearTimeout(timer);
        resolve(data);
      });
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(answer).toMatch(/Connection: close/i);
    expect(text(xml(answer.slice(answer.indexOf('<?xml'))), 'api.product_info.name')).toBe(
      'oVirt Engine',
    );
  });
});
