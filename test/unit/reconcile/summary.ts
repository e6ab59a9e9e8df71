import type { Plan } from '../../../src/model/plan.js';

/** Action ids, sorted: what the plan does, compactly. */
export const ids = (plan: Plan): string[] => plan.actions.map((a) => a.id).sort();

export const depsOf = (plan: Plan, id: string): string[] => {
  const a = plan.actions.find((x) => x.id === id);
  if (!a) throw new Error(`no action ${id} in plan: ${ids(plan).join(', ')}`);
  return [...a.dependsOn].sort();
};

export const holdsOf = (plan: Plan): string[] =>
  plan.holds.map((h) => `${h.guest}:${h.reason}`).sort();
