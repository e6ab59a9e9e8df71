import type { IncomingMessage } from 'node:http';
import type { EngineCore } from '../engine/core.js';
import type { AuthStore } from './auth.js';
import type { Reply } from './reply.js';

/**
 * The engine's SSO endpoints (OAuthTokenServlet, SsoLogoutServlet): password grant with the
 * exact error shapes clients parse (ovirt-api.md §1 "OAuth").
 */

function json(status: number, payload: Record<string, string>): Reply {
  return { status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload) };
}

/** SsoService#isRestApiScope: errors for the REST API scope use `error_code` + `error`. */
function isRestApiScope(scope: string): boolean {
  const scopes = scope.split(/\s+/);
  return (
    scopes.includes('ovirt-app-api') &&
    !scopes.includes('ovirt-app-admin') &&
    !scopes.includes('ovirt-app-portal')
  );
}

function oauthError(scope: string, code: string, message: string): Reply {
  return json(
    400,
    isRestApiScope(scope)
      ? { error_code: code, error: message }
      : { error: code, error_description: message },
  );
}

/** Query-string and form parameters together, as the servlet's getParameter sees them. */
export function requestParams(url: URL, req: IncomingMessage, body: string): URLSearchParams {
  const params = new URLSearchParams(url.searchParams);
  const type = req.headers['content-type'] ?? '';
  if (type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(body)) params.append(k, v);
  }
  return params;
}

/** `POST /ovirt-engine/sso/oauth/token`. */
export function issueToken(
  auth: AuthStore,
  core: EngineCore,
  req: IncomingMessage,
  params: URLSearchParams,
): { reply: Reply; user?: string } {
  const scope = params.get('scope') ?? '';
  // getRequestParameter(request, "grant_type", "grant_type"): a missing grant type falls through.
  const grantType = params.get('grant_type') ?? 'grant_type';
  if (grantType !== 'password') {
    return {
      reply: oauthError(
        scope,
        'unsupported_grant_type',
        'The authorization grant type is not supported by the authorization server.',
      ),
    };
  }
  for (const name of ['username', 'password']) {
    if (params.get(name) === null) {
      return { reply: oauthError(scope, 'invalid_request', `Missing parameter: '${name}'`) };
    }
  }
  const login = params.get('username') ?? '';
  const at = login.lastIndexOf('@');
  const profile = at < 0 ? 'N/A' : login.slice(at + 1);
  const userPart = at < 0 ? login : login.slice(0, at);
  const user = auth.check(login, params.get('password') ?? '');
  if (user === undefined) {
    const why = auth.knowsProfile(profile)
      ? 'Unable to log in. Verify your login information or contact the system administrator.'
      : 'No valid profile found in credentials.';
    return {
      reply: oauthError(
        scope,
        'access_denied',
        `Cannot authenticate user '${userPart}@${profile}': ${why}.`,
      ),
    };
  }
  if (req.headers.accept !== 'application/json') {
    return { reply: oauthError(scope, 'invalid_request', "Missing parameter: 'Accept Header'") };
  }
  const token = auth.issueToken(user, scope);
  core.log(
    'USER_VDC_LOGIN',
    {
      UserName: `${user.name}-authz`,
      SourceIP: req.socket.remoteAddress ?? '',
      SessionID: token.value.slice(0, 12),
    },
    { userId: auth.userId(user) },
  );
  return {
    reply: json(200, {
      access_token: token.value,
      scope,
      exp: String(token.expiresAt),
      token_type: 'bearer',
    }),
    user: user.name,
  };
}

/** `POST /ovirt-engine/services/sso-logout` with `token=…`: revokes the token. */
export function logout(
  auth: AuthStore,
  core: EngineCore,
  req: IncomingMessage,
  params: URLSearchParams,
): Reply {
  const value = params.get('token') ?? '';
  const token = auth.token(value);
  if (token !== undefined) {
    auth.revokeToken(value);
    core.log(
      'USER_VDC_LOGOUT',
      {
        UserName: `${token.user.name}-authz`,
        SourceIP: req.socket.remoteAddress ?? '',
        SessionID: value.slice(0, 12),
      },
      { userId: auth.userId(token.user) },
    );
  }
  return json(200, {});
}
