/**
 * The plan for people: one line per action with a symbol, the address, and why; then what is
 * held back and why; then a summary line. Pure string building (no I/O), so tests can compare
 * the output exactly.
 */
import type { Action, ActionKind, Plan } from '../../model/plan.js';
import type { Style } from '../style.js';
import { pad } from '../style.js';

const SYMBOL: Readonly<Record<ActionKind, string>> = {
  define: '+',
  undefine: '-',
  start: '▶',
  stop: '■',
  migrate: '⇄',
  relocate: '↻',
  'disable-autostart': '~',
  reboot: '↺',
  reset: '↺',
  'create-volume': '+',
  'attach-disk': '+',
  'detach-disk': '-',
  'update-disk': '~',
  'delete-volume': '-',
};

function paint(kind: ActionKind, style: Style): (s: string) => string {
  switch (kind) {
    case 'define':
    case 'create-volume':
    case 'attach-disk':
    case 'start':
      return style.green;
    case 'undefine':
    case 'delete-volume':
    case 'detach-disk':
    case 'stop':
      return style.red;
    case 'migrate':
    case 'relocate':
    case 'disable-autostart':
    case 'update-disk':
    case 'reboot':
    case 'reset':
      return style.yellow;
  }
}

export function actionTarget(a: Action): string {
  const where = a.toHost !== undefined ? `${a.address} → ${a.toHost}` : a.address;
  return a.disk !== undefined ? `${where} ${a.disk.target}` : where;
}

function diskLine(a: Action): string | undefined {
  const d = a.disk;
  if (!d) return undefined;
  const mode = a.restart === true ? 'restart needed' : d.live ? 'live + persistent' : 'persistent';
  return `${d.target}  ${d.source}  (${d.bus}, ${mode})`;
}

/**
 * A hand edit, element by element, as the change the define makes: `-` what is there now
 * (the hand edit, undone), `+` what the manifest says (restored).
 */
function driftLines(a: Action): string[] {
  const out: string[] = [];
  for (const d of a.drift ?? []) {
    out.push(`      ~ ${d.path}`);
    out.push(`          - ${d.now ?? '(absent)'}   (edited by hand)`);
    out.push(`          + ${d.applied ?? '(absent)'}   (manifest)`);
  }
  return out;
}

export function renderPlanHuman(plan: Plan, style: Style): string {
  const out: string[] = [];
  const width = Math.min(44, Math.max(0, ...plan.actions.map((a) => actionTarget(a).length)));
  for (const a of plan.actions) {
    const color = paint(a.kind, style);
    const head = `  ${color(SYMBOL[a.kind])} ${color(pad(a.kind, 17))} ${style.bold(pad(actionTarget(a), width))}`;
    out.push(`${head}  ${style.dim(a.why)}`);
    const disk = diskLine(a);
    if (disk !== undefined) out.push(`      ${disk}`);
    if (a.before !== undefined || a.after !== undefined) {
      out.push(style.dim(`      ${a.before ?? '∅'} → ${a.after ?? '∅'}`));
    }
    for (const line of driftLines(a)) out.push(line);
  }
  if (plan.holds.length > 0) {
    out.push('', style.bold('Held back:'));
    for (const h of plan.holds) {
      out.push(
        `  ${style.yellow('!')} ${pad(h.guest, 12)} ${style.yellow(pad(h.reason, 22))} ${h.message}`,
      );
    }
  }
  out.push('', summaryLine(plan, style));
  return out.join('\n') + '\n';
}

export function summaryLine(plan: Plan, style: Style): string {
  if (plan.actions.length === 0) {
    const held = plan.holds.length > 0 ? ` (${plan.holds.length} held back)` : '';
    return style.green(`No changes. The infrastructure matches the manifests${held}.`);
  }
  const byKind = new Map<string, number>();
  for (const a of plan.actions) byKind.set(a.kind, (byKind.get(a.kind) ?? 0) + 1);
  const parts = [...byKind].map(([k, n]) => `${n} ${k}`).join(', ');
  const held = plan.holds.length > 0 ? `, ${plan.holds.length} held back` : '';
  const n = plan.actions.length;
  return style.bold(`Plan: ${n} action${n === 1 ? '' : 's'} (${parts})${held}.`);
}
