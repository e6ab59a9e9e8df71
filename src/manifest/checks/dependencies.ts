/**
 * Start-order dependencies: Service tiers name existing guests, each guest once per service,
 * and the graph of `dependsOn` plus tier order (each guest of a tier depends on every guest of
 * the tier above) has no cycle. A cycle is reported once, at the edge that closes it, as
 * `a → b → c → a`.
 */
import type { Diagnostic, SourceSpan } from '../../model/diagnostic.js';
import type { Collected, Names } from '../collected.js';
import { diag, quote } from '../diagnostics.js';
import { didYouMean } from '../suggest.js';

interface Edge {
  readonly to: string;
  /** Where the edge is written; worked out only for an edge that is reported. */
  readonly at: () => SourceSpan;
  readonly via: string;
}

const MAX_CYCLES_REPORTED = 20;

function checkServices(collected: Collected, names: Names): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const { value: service, locator } of collected.services) {
    const first = new Map<string, SourceSpan>();
    service.tiers.forEach((tier, t) => {
      tier.forEach((guest, j) => {
        const at = locator.span(['spec', 'tiers', t, j]);
        if (names.missing('Guest', guest)) {
          out.push(
            diag(
              'unknownGuest',
              `service ${quote(service.name)} names guest ${quote(guest)}, which is not defined`,
              at,
              {
                hint: didYouMean(guest, names.namesOf('Guest')),
              },
            ),
          );
        }
        const earlier = first.get(guest);
        if (earlier !== undefined) {
          out.push(
            diag(
              'duplicateInService',
              `guest ${quote(guest)} appears in two tiers of service ${quote(service.name)}`,
              at,
              {
                hint: 'a guest belongs to one tier of a service',
                related: [{ message: 'first listed here', at: earlier }],
              },
            ),
          );
        } else first.set(guest, at);
      });
    });
  }
  return out;
}

function dependencyGraph(collected: Collected): Map<string, Edge[]> {
  const graph = new Map<string, Edge[]>();
  const add = (from: string, edge: Edge): void => {
    const edges = graph.get(from) ?? [];
    edges.push(edge);
    graph.set(from, edges);
  };
  for (const { value: guest, locator } of collected.guests) {
    guest.dependsOn.forEach((to, i) => {
      add(guest.name, { to, at: () => locator.span(['spec', 'dependsOn', i]), via: 'dependsOn' });
    });
  }
  for (const { value: service, locator } of collected.services) {
    // A guest listed twice (VW210) counts in its first tier only, or it would be a cycle too.
    const placed = new Set<string>();
    const tiers = service.tiers.map((tier) =>
      tier.map((guest) => {
        const first = !placed.has(guest);
        placed.add(guest);
        return first ? guest : undefined;
      }),
    );
    tiers.forEach((tier, t) => {
      const above = tiers[t - 1];
      if (above === undefined) return;
      tier.forEach((guest, j) => {
        if (guest === undefined) return;
        for (const to of above) {
          if (to !== undefined && to !== guest) {
            add(guest, {
              to,
              at: () => locator.span(['spec', 'tiers', t, j]),
              via: `the tiers of service ${quote(service.name)}`,
            });
          }
        }
      });
    });
  }
  return graph;
}

/**
 * One cycle (`nodes[i]` → `nodes[i + 1]` by `cycleEdges[i]`, the last edge back to the first
 * node), reported at a `dependsOn` edge when there is one — tiers are the structure, a
 * dependsOn is the usual mistake — and written starting from that edge.
 */
function cycleDiagnostic(
  nodes: readonly string[],
  cycleEdges: readonly Edge[],
): { key: string; diagnostic: Diagnostic } {
  const pick = Math.max(
    0,
    cycleEdges.findLastIndex((e) => e.via === 'dependsOn'),
  );
  const rotated = [...nodes.slice(pick), ...nodes.slice(0, pick)];
  const edge = cycleEdges[pick] ?? cycleEdges[cycleEdges.length - 1];
  const shown = [...rotated, rotated[0] ?? ''].join(' → ');
  return {
    // One report per offending edge, however many loops run through it.
    key: `${rotated[0] ?? ''}\0${edge?.to ?? ''}\0${edge?.via ?? ''}`,
    diagnostic: diag('dependencyCycle', `dependency cycle: ${shown}`, edge?.at(), {
      hint: `no start order satisfies it; this edge comes from ${edge?.via ?? 'dependsOn'}`,
    }),
  };
}

function findCycles(graph: Map<string, Edge[]>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const reported = new Set<string>();
  const state = new Map<string, 'active' | 'done'>();
  for (const start of [...graph.keys()].sort()) {
    if (state.has(start)) continue;
    const stack: { node: string; next: number }[] = [{ node: start, next: 0 }];
    const path: string[] = [start];
    // edges[i] is the edge from path[i] to path[i + 1].
    const edges: Edge[] = [];
    state.set(start, 'active');
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top === undefined) break;
      const edge = graph.get(top.node)?.[top.next];
      if (edge === undefined) {
        state.set(top.node, 'done');
        stack.pop();
        path.pop();
        edges.pop();
        continue;
      }
      top.next++;
      const seen = state.get(edge.to);
      if (seen === undefined) {
        state.set(edge.to, 'active');
        path.push(edge.to);
        edges.push(edge);
        stack.push({ node: edge.to, next: 0 });
      } else if (seen === 'active') {
        const from = path.indexOf(edge.to);
        const nodes = path.slice(from);
        const cycle = cycleDiagnostic(nodes, [...edges.slice(from), edge]);
        if (!reported.has(cycle.key) && reported.size < MAX_CYCLES_REPORTED) {
          reported.add(cycle.key);
          out.push(cycle.diagnostic);
        }
      }
    }
  }
  return out;
}

export function checkDependencies(collected: Collected, names: Names): Diagnostic[] {
  return [...checkServices(collected, names), ...findCycles(dependencyGraph(collected))];
}
