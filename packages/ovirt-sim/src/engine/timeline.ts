/** One step of a transition chain; returning `false` ends the chain early. */
export type Step = () => boolean;

/**
 * Timed status transitions: a chain of steps per entity, one step every `stepMs`. Starting a
 * new chain for the same key cancels the previous one (a stop during a start wins, as in the
 * engine where the newest command decides what the VM does next).
 */
export class Timeline {
  private readonly chains = new Map<string, NodeJS.Timeout>();
  private readonly loose = new Set<NodeJS.Timeout>();
  private stopped = false;

  readonly stepMs: number;

  constructor(stepMs: number) {
    this.stepMs = stepMs;
  }

  /** Runs `steps` one after another, each `stepMs` after the previous, under `key`. */
  chain(key: string, steps: readonly Step[]): void {
    this.cancel(key);
    const next = (index: number): void => {
      const step = steps[index];
      if (step === undefined || this.stopped) {
        this.chains.delete(key);
        return;
      }
      const timer = setTimeout(() => {
        this.chains.delete(key);
        if (step()) next(index + 1);
      }, this.stepMs);
      this.chains.set(key, timer);
    };
    next(0);
  }

  /** Whether a chain is pending for `key`. */
  busy(key: string): boolean {
    return this.chains.has(key);
  }

  cancel(key: string): void {
    const timer = this.chains.get(key);
    if (timer !== undefined) clearTimeout(timer);
    this.chains.delete(key);
  }

  /** A one-off delayed callback not tied to an entity (e.g. an SPM election). */
  after(ms: number, fn: () => void): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.loose.delete(timer);
      fn();
    }, ms);
    this.loose.add(timer);
  }

  /** Cancels everything; used when the simulator stops. */
  stopAll(): void {
    this.stopped = true;
    for (const timer of this.chains.values()) clearTimeout(timer);
    for (const timer of this.loose) clearTimeout(timer);
    this.chains.clear();
    this.loose.clear();
  }
}
