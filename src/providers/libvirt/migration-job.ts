/**
 * Supervising one migration job on its source host: progress from libvirt's job statistics
 * while it runs, its own deadline (`migration.timeoutSeconds`) and the operator's stop, and an
 * abort that is confirmed by the job ending, not by the abort call returning.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { HostLink } from './host-link.js';
import type { JobProgress } from './host-api.js';
import { waitUntil } from './wait.js';

/** How the migrate call ended; it never rejects, so it can be awaited on every path. */
export type Settled = { readonly ok: true } | { readonly ok: false; readonly error: unknown };

export function settle(p: Promise<void>): Promise<Settled> {
  return p.then(
    (): Settled => ({ ok: true }),
    (error: unknown): Settled => ({ ok: false, error }),
  );
}

export type JobEnd =
  | { readonly kind: 'settled'; readonly settled: Settled }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'stopped' };

const MiB = 1024 * 1024;
const mib = (bytes: number): string => (bytes / MiB).toFixed(1);

/** `12.0 of 48.3 MiB sent, 36.3 MiB left` (what libvirt knows of it). */
export function describeProgress(p: JobProgress): string | undefined {
  if (p.processedBytes === undefined) return undefined;
  const total = p.totalBytes !== undefined ? ` of ${mib(p.totalBytes)}` : '';
  const left = p.remainingBytes !== undefined ? `, ${mib(p.remainingBytes)} MiB left` : '';
  return `${mib(p.processedBytes)}${total} MiB sent${left}`;
}

/** The job's result once known, and a promise of that moment (for races). */
function watch(job: Promise<Settled>): { settled?: Settled; readonly done: Promise<void> } {
  const box: { settled?: Settled; done: Promise<void> } = { done: Promise.resolve() };
  box.done = job.then((s) => {
    box.settled = s;
  });
  return box;
}

/** Resolves after `ms`, or early (undefined either way) when `signal` aborts. */
async function pause(ms: number, signal: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal }).catch(() => undefined);
}

/**
 * Waits for the job until it settles, `deadline` (ms since epoch) passes or `signal` aborts,
 * reporting progress about once a second.
 */
export async function superviseJob(
  job: Promise<Settled>,
  o: {
    readonly from: HostLink;
    readonly domain: string;
    readonly deadline: number;
    readonly signal: AbortSignal;
    readonly progress: (p: JobProgress, elapsedMs: number) => void;
    readonly intervalMs?: number;
  },
): Promise<JobEnd> {
  const t0 = Date.now();
  const box = watch(job);
  // A function, not an inline test: the job settles and the signal fires behind our back.
  const over = (): boolean =>
    box.settled !== undefined || o.signal.aborted || Date.now() >= o.deadline;
  for (;;) {
    if (box.settled !== undefined) return { kind: 'settled', settled: box.settled };
    if (o.signal.aborted) return { kind: 'stopped' };
    const left = o.deadline - Date.now();
    if (left <= 0) return { kind: 'timeout' };
    // Whichever comes first: the job's end, the next tick (deadline included), or the stop.
    await Promise.race([box.done, pause(Math.min(o.intervalMs ?? 1000, left), o.signal)]);
    if (over()) continue;
    const p = await o.from
      .call('job progress', (api) => api.jobProgress(o.domain))
      .catch(() => undefined);
    if (p?.active === true) o.progress(p, Date.now() - t0);
  }
}

/**
 * Aborts the job on its source and waits (at most `boundMs`) until it has ended there: the
 * migrate call settled and libvirt reports no job. An abort that arrives before the job can take
 * it (still preparing) is repeated. Resolves with how the call settled, or undefined when the
 * job did not end in time (or the source stopped answering).
 */
export async function abortAndWait(
  from: HostLink,
  domain: string,
  job: Promise<Settled>,
  boundMs = 30_000,
): Promise<Settled | undefined> {
  const deadline = Date.now() + boundMs;
  const box = watch(job);
  while (box.settled === undefined && Date.now() < deadline) {
    // "no job is active" just means it ended meanwhile: the settled call says how.
    await from.call('abort job', (api) => api.abortJob(domain)).catch(() => undefined);
    await Promise.race([box.done, sleep(Math.min(1000, Math.max(0, deadline - Date.now())))]);
  }
  const settled = box.settled;
  if (settled === undefined) return undefined;
  const gone = await waitUntil(
    'job end',
    async () => !(await from.call('job progress', (api) => api.jobProgress(domain))).active,
    Math.max(0, deadline - Date.now()),
  ).catch(() => false);
  return gone ? settled : undefined;
}
