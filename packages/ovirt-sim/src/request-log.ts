import { matchPath, type PathPattern } from './paths.js';

/** What became of a request. */
export type RequestOutcome = 'answered' | 'dropped' | 'hung' | 'response-lost';

/** One HTTP request the simulator received. */
export interface LoggedRequest {
  /** 1, 2, 3… in arrival order. */
  readonly seq: number;
  readonly time: number;
  readonly method: string;
  /** Path without query string or version prefix. */
  readonly path: string;
  readonly query: string;
  /** The authenticated user, if any. */
  user: string | undefined;
  status: number | undefined;
  outcome: RequestOutcome;
  durationMs: number | undefined;
  /** Id of the fault rule that shaped the answer, if one did. */
  faultId: string | undefined;
}

/** Which requests to count or list. */
export interface RequestFilter {
  readonly method?: string;
  readonly path?: PathPattern;
  /** Only requests with `seq` greater than this (take `log.lastSeq` before a pass). */
  readonly afterSeq?: number;
}

/**
 * Every request the simulator received, for tests that count HTTP requests per reconcile pass
 * or check what a client sent. Authorization headers are never recorded.
 */
export class RequestLog {
  private readonly entries: LoggedRequest[] = [];
  private seq = 0;

  /** Records a new request; the server fills in the outcome later. */
  record(method: string, path: string, query: string): LoggedRequest {
    this.seq += 1;
    const entry: LoggedRequest = {
      seq: this.seq,
      time: Date.now(),
      method,
      path,
      query,
      user: undefined,
      status: undefined,
      outcome: 'answered',
      durationMs: undefined,
      faultId: undefined,
    };
    this.entries.push(entry);
    return entry;
  }

  /** The sequence number of the latest request (0 before any). */
  get lastSeq(): number {
    return this.seq;
  }

  list(filter: RequestFilter = {}): LoggedRequest[] {
    return this.entries.filter(
      (e) =>
        (filter.method === undefined || e.method === filter.method.toUpperCase()) &&
        (filter.path === undefined || matchPath(filter.path, e.path)) &&
        (filter.afterSeq === undefined || e.seq > filter.afterSeq),
    );
  }

  count(filter: RequestFilter = {}): number {
    return this.list(filter).length;
  }

  /** Forgets recorded requests (sequence numbers keep increasing). */
  clear(): void {
    this.entries.length = 0;
  }
}
