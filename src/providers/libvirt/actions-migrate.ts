/**
 * Live migration of one guest. The job is bounded by the guest's own `migration.timeoutSeconds`
 * (not the per-call deadline of the host link, which would only drop our end of the connection
 * while libvirt's job went on): at the timeout, or when the operator insists on stopping, the
 * job is aborted on the source and the action waits until it has ended. Whatever ends the job,
 * the result is judged by where the guest then runs:
 *
 * | how it ended                | guest found on     | outcome                                   |
 * |-----------------------------|--------------------|-------------------------------------------|
 * | done                        | destination        | success                                   |
 * | libvirt error, timeout/stop | destination        | success (it arrived anyway), said so      |
 * | libvirt error               | source             | TerminalError `migration-failed`          |
 * | timeout                     | source             | TerminalError `migration-failed`          |
 * | operator's stop             | source             | TerminalError `aborted`                   |
 * | any                         | host not answering | TransientError `migration-unconfirmed`    |
 * | timeout/stop, no abort (Xen)| (still moving)     | TransientError `migration-in-flight`      |
 *
 * Whether to retry or fall back to a stop-and-start is the planner's decision
 * (`migration.fallback`); messages stay one short sentence without secrets.
 */
import type { Guest } from '../../model/desired.js';
import type { Action } from '../../model/plan.js';
import { TerminalError, TransientError, errorMessage } from '../../common/errors.js';
import type { ActionContext, ActionOutcome } from '../provider.js';
import type { HostLookup } from './actions.js';
import type { HostLink } from './host-link.js';
import { abortAndWait, describeProgress, settle, superviseJob } from './migration-job.js';
import { DRIVER_LABELS, migrationRequest } from './migration-request.js';
import { locate, type Whereabouts } from './migration-whereabouts.js';

const secs = (ms: number): string => (ms / 1000).toFixed(1);

/** libvirt's message, first line only and capped: enough to say why, never a whole dump. */
function shortReason(err: unknown): string {
  const first = errorMessage(err).split('\n')[0]?.trim() ?? '';
  return first.length > 160 ? `${first.slice(0, 157)}...` : first;
}

function elsewhere(w: Whereabouts, from: HostLink, to: HostLink): string {
  switch (w) {
    case 'source':
      return `still running on ${from.host.name}`;
    case 'destination':
      return `running on ${to.host.name}`;
    case 'moving':
      return `both ends are still settling (${from.host.name}, ${to.host.name})`;
    case 'both':
      return `running on both ${from.host.name} and ${to.host.name}`;
    case 'neither':
      return 'running on neither host';
  }
}

/** Where the guest is, or a TransientError when a host cannot tell us. */
async function confirm(
  from: HostLink,
  to: HostLink,
  domain: string,
  what: string,
  cause: unknown,
): Promise<Whereabouts> {
  try {
    return await locate(from, to, domain);
  } catch (err) {
    throw new TransientError(
      'migration-unconfirmed',
      `${what}; where '${domain}' runs is not confirmed: ${shortReason(err)}`,
      { cause: cause ?? err },
    );
  }
}

export async function migrate(
  links: HostLookup,
  a: Action,
  guest: Guest,
  ctx: ActionContext,
): Promise<ActionOutcome> {
  const from = links.link(a.host);
  const to = links.link(a.toHost);
  const domain = guest.domainName;
  const request = migrationRequest(from.host.uri, {
    live: a.live !== false,
    ...(to.host.migrationUri !== undefined ? { migrateUri: to.host.migrationUri } : {}),
    ...(guest.migration.bandwidthMiBps !== undefined
      ? { bandwidthMiBps: guest.migration.bandwidthMiBps }
      : {}),
    maxDowntimeMs: guest.migration.maxDowntimeMs,
    undefineSource: !guest.placement.hosts.includes(from.host.name),
  });
  const [src, dest] = [await from.api(), await to.api()];
  const timeoutS = guest.migration.timeoutSeconds;
  const move = `live migration to ${to.host.name}`;
  ctx.progress(move);
  const t0 = Date.now();
  const job = settle(src.migrate(domain, dest, request));
  const end = await superviseJob(job, {
    from,
    domain,
    deadline: t0 + timeoutS * 1000,
    signal: ctx.signal,
    progress: (p, ms) => {
      const done = describeProgress(p);
      ctx.progress(
        `${move}: ${done !== undefined ? `${done}, ` : ''}${secs(ms)} s of ${String(timeoutS)} s`,
      );
    },
  });
  const leftOut =
    request.leftOut.length > 0
      ? `; ${DRIVER_LABELS[request.driver]} does not take: ${request.leftOut.join(', ')}`
      : '';
  const arrived = (note = ''): ActionOutcome => ({
    message: `live-migrated ${from.host.name} → ${to.host.name} in ${secs(Date.now() - t0)} s${note}${leftOut}`,
  });

  if (end.kind === 'settled' && end.settled.ok) {
    const where = await confirm(from, to, domain, `${move} reported done`, undefined);
    if (where === 'destination') return arrived();
    throw new TransientError(
      'not-migrated',
      `${move} reported done, but '${domain}' is ${elsewhere(where, from, to)}`,
    );
  }

  if (end.kind === 'settled') {
    // end.settled.ok is false here: libvirt refused or failed the job.
    const error = end.settled.ok ? undefined : end.settled.error;
    const failed = `${move} failed: ${shortReason(error)}`;
    const where = await confirm(from, to, domain, failed, error);
    if (where === 'destination') return arrived(` (libvirt said: ${shortReason(error)})`);
    throw new TerminalError('migration-failed', `${failed}; ${elsewhere(where, from, to)}`, {
      cause: error,
    });
  }

  const timedOut = end.kind === 'timeout';
  const why = timedOut
    ? `timed out after ${String(timeoutS)} s`
    : `was stopped by the operator after ${secs(Date.now() - t0)} s`;
  const code = timedOut ? 'migration-failed' : 'aborted';
  if (!request.abortable) {
    // Not a failed migration (no fallback may stop the source under a running job): the next
    // observation sees the job, and where the guest ends up.
    throw new TransientError(
      'migration-in-flight',
      `${move} ${why}; ${DRIVER_LABELS[request.driver]} cannot abort a migration, so it goes on`,
    );
  }
  ctx.progress(`${move} ${why}: aborting it on ${from.host.name}`);
  const settled = await abortAndWait(from, domain, job);
  if (settled === undefined) {
    throw new TransientError(
      'migration-unconfirmed',
      `${move} ${why}; the aborted job has not ended on ${from.host.name} within 30 s`,
    );
  }
  const where = await confirm(from, to, domain, `${move} ${why}`, undefined);
  if (where === 'destination') return arrived(` (it completed as it was aborted)`);
  throw new TerminalError(code, `${move} ${why}, aborted, ${elsewhere(where, from, to)}`);
}
