/** The status table (`virtwarden status`, and after `apply`) and its JSON form. */
import type { GuestStatus, HostStatus, ServiceStatus } from '../../reconcile/status.js';
import { pad, type Style } from '../style.js';

function paintState(s: GuestStatus, style: Style): (x: string) => string {
  switch (s.state) {
    case 'ONLINE':
      return s.desired === 'running' ? style.green : style.yellow;
    case 'OFFLINE':
      return s.desired === 'running' ? style.red : style.dim;
    case 'FAULTED':
      return style.red;
    case 'UNKNOWN':
      return style.yellow;
    case 'INTENTIONAL_OFFLINE':
      return style.cyan;
  }
}

export function renderStatusTable(
  guests: readonly GuestStatus[],
  services: readonly ServiceStatus[],
  style: Style,
): string {
  const rows = guests.map((g) => [
    g.guest,
    g.maintenance ? `${g.desired} (maint.)` : g.desired,
    g.state,
    String(g.confidence),
    g.host ?? '-',
    g.reason,
  ]);
  const head = ['GUEST', 'DESIRED', 'STATE', 'CONF', 'HOST', 'REASON'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[], paintCol?: (i: number, s: string) => string): string =>
    cells
      .map((c, i) => {
        const padded = i === cells.length - 1 ? c : pad(c, widths[i] ?? 0);
        return paintCol ? paintCol(i, padded) : padded;
      })
      .join('  ');
  const out = [style.bold(line(head))];
  guests.forEach((g, gi) => {
    const row = rows[gi] ?? [];
    out.push(line(row, (i, s) => (i === 2 ? paintState(g, style)(s) : s)));
  });
  for (const s of services) {
    const what = s.up ? style.green('up') : style.red(`down (${s.down.join(', ')} not online)`);
    out.push('', `service ${style.bold(s.name)}: ${what}`);
  }
  const online = guests.filter((g) => g.state === 'ONLINE').length;
  const pending = guests.filter((g) => !g.converged).length;
  out.push(
    '',
    `${guests.length} guests: ${online} online` +
      (pending > 0 ? `, ${pending} not converged` : ', all converged'),
  );
  return out.join('\n') + '\n';
}

/** Hosts that are not simply up and in service, one line each (nothing when all are). */
export function renderHostLines(hosts: readonly HostStatus[], style: Style): string {
  const lines = hosts
    .filter((h) => h.status !== 'up' || h.drained !== undefined || h.fenced)
    .map((h) => {
      const parts = [h.status === 'up' ? 'up' : style.yellow(h.status)];
      if (h.drained) {
        const by = h.drained.by === 'manifest' ? ' (Site maintenance)' : ` by ${h.drained.by}`;
        const since = h.drained.since ? ` since ${h.drained.since}` : '';
        const note = h.drained.note ? ` — ${h.drained.note}` : '';
        parts.push(style.cyan(`drained${by}${since}${note}`));
      }
      if (h.fenced) parts.push(style.red('fenced'));
      if (h.reason !== undefined) parts.push(style.dim(h.reason));
      return `host ${style.bold(h.host)}: ${parts.join(', ')}`;
    });
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

export function statusDocument(
  guests: readonly GuestStatus[],
  services: readonly ServiceStatus[],
  hosts?: readonly HostStatus[],
): Record<string, unknown> {
  return { format_version: 1, guests, services, ...(hosts ? { hosts } : {}) };
}
