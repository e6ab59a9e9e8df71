import type { IncomingMessage } from 'node:http';
import type { SimEngine } from '../engine/engine.js';
import { API_PREFIX } from '../paths.js';
import { parseFollow } from '../repr/context.js';
import type { LoggedRequest } from '../request-log.js';
import { type ApiRequest, booleanParam } from './api-request.js';
import { type AuthStore, preferences } from './auth.js';
import { htmlError, type Reply } from './reply.js';
import { route } from './router.js';

/** Splits `/ovirt-engine/api/events;from=12` into segments and matrix parameters. */
function segmentsOf(path: string, query: URLSearchParams): string[] {
  return path
    .slice(API_PREFIX.length)
    .split('/')
    .filter((s) => s !== '')
    .map((segment) => {
      const [name, ...matrix] = segment.split(';');
      for (const m of matrix) {
        const [k, v] = m.split('=');
        if (k !== undefined && k !== '' && !query.has(k)) query.set(k, decodeURIComponent(v ?? ''));
      }
      return decodeURIComponent(name ?? '');
    });
}

/**
 * Authentication, session cookies, version check and dispatch of one REST API request
 * (EnforceAuthFilter, RestApiSessionMgmtFilter, VersionFilter, then the resources).
 */
export async function handleApi(
  req: IncomingMessage,
  url: URL,
  path: string,
  urlVersion: string | undefined,
  deps: { engine: SimEngine; auth: AuthStore; readBody: () => Promise<string> },
  entry: LoggedRequest,
): Promise<Reply> {
  const { engine, auth } = deps;
  const prefer = preferences(req);
  const authn = auth.authenticate(req, prefer);
  if (authn === undefined) return htmlError(401, { 'WWW-Authenticate': 'Basic realm="RESTAPI"' });
  entry.user = authn.user.name;

  const headerVersion = req.headers.version;
  const version =
    urlVersion ?? (typeof headerVersion === 'string' && headerVersion !== '' ? headerVersion : '4');
  if (version !== '4') return htmlError(400);

  const headers: Record<string, string | string[]> = {};
  const persistent = prefer.has('persistent-auth');
  const userId = auth.userId(authn.user);
  const loginEvent = (sessionId: string): void => {
    engine.core.log(
      'USER_VDC_LOGIN',
      {
        UserName: `${authn.user.name}-authz`,
        SourceIP: req.socket.remoteAddress ?? '',
        SessionID: sessionId,
      },
      { userId },
    );
  };
  if (persistent && authn.via !== 'session') {
    const ttlMinutes = Number(req.headers['session-ttl']);
    const session = auth.createSession(
      authn.user,
      ttlMinutes >= 1 ? ttlMinutes * 60_000 : undefined,
    );
    headers['Set-Cookie'] = `JSESSIONID=${session.id}; path=/ovirt-engine/api; HttpOnly`;
    loginEvent(session.id.slice(0, 12));
  } else if (authn.via === 'basic') {
    // A Basic request without persistent-auth opens and closes an engine session (flood-limited event).
    engine.state.addEvent({
      code: 30,
      severity: 'normal',
      description: `User ${authn.user.name}-authz connecting from '${req.socket.remoteAddress ?? ''}' using session 'basic' logged in.`,
      floodRate: 5,
      userId,
    });
  }

  const query = new URLSearchParams(url.searchParams);
  const segments = segmentsOf(path, query);
  const correlation = req.headers['correlation-id'];
  const apiRequest: ApiRequest = {
    method: req.method ?? 'GET',
    segments,
    query,
    headers: req.headers,
    json: (req.headers.accept ?? '').toLowerCase().includes('application/json'),
    contentJson: (req.headers['content-type'] ?? '').toLowerCase().includes('application/json'),
    user: authn.user,
    actor: {
      name: authn.user.name,
      id: userId,
      correlationId: typeof correlation === 'string' ? correlation : undefined,
    },
    filtered: booleanParam(query, req.headers, 'filter', true, authn.user.admin === false),
    render: {
      state: engine.state,
      base: urlVersion === undefined ? API_PREFIX : `${API_PREFIX}/v${urlVersion}`,
      allContent: booleanParam(query, req.headers, 'all_content', true, false),
      follow: parseFollow(query.get('follow') ?? undefined),
    },
    body: deps.readBody,
  };
  const scheme = 'encrypted' in req.socket ? 'https' : 'http';
  const reply = await route(apiRequest, engine, `${scheme}://${req.headers.host ?? 'localhost'}`);
  if (authn.via === 'session' && !persistent) auth.dropSession(authn.session.id);
  return { ...reply, headers: { ...reply.headers, ...headers } };
}
