import type { IncomingHttpHeaders } from 'node:http';
import type { Actor } from '../engine/core.js';
import type { RenderContext } from '../repr/context.js';
import type { SimUser } from './auth.js';

/** An authenticated REST API request, as the route handlers see it. */
export interface ApiRequest {
  readonly method: string;
  /** Path segments after `/ovirt-engine/api` (and after `/v4`), matrix parameters removed. */
  readonly segments: readonly string[];
  /** Query parameters, plus matrix parameters such as `events;from=12`. */
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The client asked for JSON (`Accept: application/json`). */
  readonly json: boolean;
  /** The request body is JSON (`Content-Type: application/json`). */
  readonly contentJson: boolean;
  readonly user: SimUser;
  readonly actor: Actor;
  /** `Filter: true` in effect (explicit, or by default for non-admin users). */
  readonly filtered: boolean;
  readonly render: RenderContext;
  /** Reads the request body (only called for POST and PUT). */
  body(): Promise<string>;
}

const TRUE = ['t', 'true', 'y', 'yes', '1'];
const FALSE = ['f', 'false', 'n', 'no', '0'];

/** Headers that may carry a parameter (ParametersHelper.HEADER_PARAMETERS). */
const HEADER_NAMES: Record<string, string> = { filter: 'filter', all_content: 'all-content' };

function rawParam(
  query: URLSearchParams,
  headers: IncomingHttpHeaders,
  name: string,
): string | undefined {
  const fromQuery = query.get(name);
  if (fromQuery !== null) return fromQuery;
  const headerName = HEADER_NAMES[name];
  const header = headerName === undefined ? undefined : headers[headerName];
  return Array.isArray(header) ? header[0] : header;
}

/**
 * ParametersHelper#getBooleanParameter: `t|true|y|yes|1` / `f|false|n|no|0`; an empty value
 * gives `ifEmpty`, a missing one `ifMissing`; anything else is treated as missing.
 */
export function booleanParam(
  query: URLSearchParams,
  headers: IncomingHttpHeaders,
  name: string,
  ifEmpty: boolean,
  ifMissing: boolean,
): boolean {
  const raw = rawParam(query, headers, name);
  if (raw === undefined) return ifMissing;
  const v = raw.trim().toLowerCase();
  if (v === '') return ifEmpty;
  if (TRUE.includes(v)) return true;
  if (FALSE.includes(v)) return false;
  return ifMissing;
}

/** An integer parameter (`max`, `from`); undefined when absent or not a number. */
export function integerParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isInteger(n) ? n : undefined;
}
