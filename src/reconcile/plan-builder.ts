/**
 * Accumulates one plan while `diff` walks the guests. Action ids are derived from what the
 * action does (kind, guest, hosts, disk), so the same decision has the same id on every run and
 * a duplicate decision collapses into one action.
 */
import type { Diagnostic } from '../model/diagnostic.js';
import type { Action, ActionKind, Hold, Plan } from '../model/plan.js';

export type ActionInput = Omit<Action, 'id' | 'address' | 'dependsOn'> & {
  readonly dependsOn?: readonly string[];
};

export function actionId(a: {
  kind: ActionKind;
  guest: string;
  host?: string;
  toHost?: string;
  disk?: { target: string };
}): string {
  let id = `${a.kind}:${a.guest}`;
  if (a.host !== undefined) id += `@${a.host}`;
  if (a.toHost !== undefined) id += `->${a.toHost}`;
  if (a.disk !== undefined) id += `:${a.disk.target}`;
  return id;
}

export class PlanBuilder {
  private readonly actions = new Map<string, Action>();
  private readonly holds: Hold[] = [];
  private readonly diagnostics: Diagnostic[] = [];

  add(input: ActionInput): string {
    const id = actionId(input);
    const existing = this.actions.get(id);
    const address = `guest/${input.guest}${input.host !== undefined ? `@${input.host}` : ''}`;
    const dependsOn = [...new Set([...(existing?.dependsOn ?? []), ...(input.dependsOn ?? [])])];
    this.actions.set(id, { ...input, id, address, dependsOn });
    return id;
  }

  has(id: string): boolean {
    return this.actions.has(id);
  }

  get(id: string): Action | undefined {
    return this.actions.get(id);
  }

  /** Make `id` wait for `on` (both must exist; self-edges are ignored). */
  addDependency(id: string, on: string): void {
    const a = this.actions.get(id);
    if (!a || id === on || !this.actions.has(on) || a.dependsOn.includes(on)) return;
    this.actions.set(id, { ...a, dependsOn: [...a.dependsOn, on] });
  }

  /** Drop an action and every reference to it. */
  remove(id: string): void {
    this.actions.delete(id);
    for (const [key, a] of this.actions) {
      if (a.dependsOn.includes(id)) {
        this.actions.set(key, { ...a, dependsOn: a.dependsOn.filter((d) => d !== id) });
      }
    }
  }

  /** Keep only the actions and holds `keep` accepts (used for --target). */
  retain(keep: (guest: string) => boolean): void {
    for (const a of [...this.actions.values()]) if (!keep(a.guest)) this.remove(a.id);
    const kept = this.holds.filter((h) => keep(h.guest));
    this.holds.splice(0, this.holds.length, ...kept);
  }

  hold(h: Hold): void {
    this.holds.push(h);
  }

  diagnose(d: Diagnostic): void {
    this.diagnostics.push(d);
  }

  all(): readonly Action[] {
    return [...this.actions.values()];
  }

  build(): Plan {
    return { actions: this.all(), holds: this.holds, diagnostics: this.diagnostics };
  }
}
