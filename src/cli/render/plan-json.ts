/**
 * The plan as JSON (`-o json`), a stable document for CI and scripts. `format_version` changes
 * only when a field changes meaning.
 */
import type { Plan } from '../../model/plan.js';

export function planDocument(plan: Plan): Record<string, unknown> {
  const byKind: Record<string, number> = {};
  for (const a of plan.actions) byKind[a.kind] = (byKind[a.kind] ?? 0) + 1;
  return {
    format_version: 1,
    changes: plan.actions.length > 0,
    summary: { actions: plan.actions.length, by_kind: byKind, held: plan.holds.length },
    actions: plan.actions,
    holds: plan.holds,
    diagnostics: plan.diagnostics,
  };
}
