import { OvirtSimError } from './errors.js';
import { matchPath, type PathPattern } from './paths.js';

/**
 * Kinds of injected faults:
 * - `latency`: answer `latencyMs` later (adds up with other latency rules);
 * - `status`: answer with an HTTP error (`status`, default 503) instead of handling;
 * - `drop`: destroy the connection before handling (the client sees a reset);
 * - `hang`: never answer (the connection stays open until the client gives up);
 * - `lose-response`: handle the request (its effect happens) but destroy the connection
 *   instead of answering — the trap for non-idempotent retries.
 */
export type FaultKind = 'latency' | 'status' | 'drop' | 'hang' | 'lose-response';

export interface FaultRuleSpec {
  readonly kind: FaultKind;
  readonly path: PathPattern;
  /** Only this HTTP method (any when absent). */
  readonly method?: string;
  /** Fire this many times, then remove the rule (unlimited when absent; "once" is 1). */
  readonly times?: number;
  /** Fire with this probability, 0…1 (always when absent). */
  readonly probability?: number;
  readonly latencyMs?: number;
  readonly status?: number;
  /** Body of a `status` answer; default an HTML error page like the engine's proxy sends. */
  readonly body?: string;
}

export interface FaultRule extends FaultRuleSpec {
  readonly id: string;
  /** How many times the rule has fired. */
  hits: number;
}

type Options = Omit<FaultRuleSpec, 'kind' | 'path' | 'latencyMs' | 'status'>;

/** The faults that apply to one request. */
export interface FaultDecision {
  readonly latencyMs: number;
  readonly terminal: FaultRule | undefined;
  readonly fired: readonly FaultRule[];
}

/** A small seeded PRNG (mulberry32), so probabilistic faults can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Programmatic fault injection (also driven by the admin endpoint). */
export class FaultInjector {
  private rules: FaultRule[] = [];
  private nextId = 1;
  private random: () => number = rng(Date.now());
  private readonly onStuck: (vm: string, stuck: boolean) => void;

  constructor(onStuck: (vm: string, stuck: boolean) => void) {
    this.onStuck = onStuck;
  }

  /** Makes probabilistic rules reproducible. */
  seed(seed: number): void {
    this.random = rng(seed);
  }

  add(spec: FaultRuleSpec): FaultRule {
    validate(spec);
    const rule: FaultRule = { ...spec, id: `fault-${this.nextId}`, hits: 0 };
    this.nextId += 1;
    this.rules.push(rule);
    return rule;
  }

  latency(path: PathPattern, latencyMs: number, options: Options = {}): FaultRule {
    return this.add({ ...options, kind: 'latency', path, latencyMs });
  }

  error(path: PathPattern, status = 503, options: Options = {}): FaultRule {
    return this.add({ ...options, kind: 'status', path, status });
  }

  drop(path: PathPattern, options: Options = {}): FaultRule {
    return this.add({ ...options, kind: 'drop', path });
  }

  hang(path: PathPattern, options: Options = {}): FaultRule {
    return this.add({ ...options, kind: 'hang', path });
  }

  loseResponse(path: PathPattern, options: Options = {}): FaultRule {
    return this.add({ ...options, kind: 'lose-response', path });
  }

  /** A VM that hangs in wait_for_launch at its next starts (seed-facts.md §4). */
  stuckInWaitForLaunch(vmIdOrName: string, stuck = true): void {
    this.onStuck(vmIdOrName, stuck);
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length < before;
  }

  clear(): void {
    this.rules = [];
  }

  list(): readonly FaultRule[] {
    return [...this.rules];
  }

  /** Decides the faults for one request, consuming `times` and rolling `probability`. */
  decide(method: string, path: string): FaultDecision {
    let latencyMs = 0;
    let terminal: FaultRule | undefined;
    const fired: FaultRule[] = [];
    for (const rule of this.rules) {
      if (rule.method !== undefined && rule.method.toUpperCase() !== method) continue;
      if (!matchPath(rule.path, path)) continue;
      if (rule.kind !== 'latency' && terminal !== undefined) continue;
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      rule.hits += 1;
      fired.push(rule);
      if (rule.kind === 'latency') latencyMs += rule.latencyMs ?? 0;
      else terminal = rule;
    }
    this.rules = this.rules.filter((r) => r.times === undefined || r.hits < r.times);
    return { latencyMs, terminal, fired };
  }
}

const KINDS: readonly FaultKind[] = ['latency', 'status', 'drop', 'hang', 'lose-response'];

function validate(spec: FaultRuleSpec): void {
  const bad = (message: string) => new OvirtSimError('options-invalid', `fault rule: ${message}`);
  if (!KINDS.includes(spec.kind)) throw bad(`kind must be one of ${KINDS.join(', ')}`);
  if (typeof spec.path !== 'string' && !(spec.path instanceof RegExp))
    throw bad('path must be a glob or a RegExp');
  if (spec.times !== undefined && (!Number.isInteger(spec.times) || spec.times < 1))
    throw bad('times must be a positive integer');
  if (spec.probability !== undefined && !(spec.probability >= 0 && spec.probability <= 1)) {
    throw bad('probability must be between 0 and 1');
  }
  if (spec.kind === 'latency' && !(typeof spec.latencyMs === 'number' && spec.latencyMs >= 0)) {
    throw bad('latency needs latencyMs ≥ 0');
  }
  if (
    spec.kind === 'status' &&
    spec.status !== undefined &&
    !(spec.status >= 400 && spec.status <= 599)
  ) {
    throw bad('status must be an HTTP error code (400–599)');
  }
}
