/**
 * Background work of a round (a fault in progress, a fence being answered, a power-on later):
 * every promise is tracked, its failure is recorded (never an unhandled rejection, never
 * silently dropped), and `drain()` waits for all of them.
 */
export class TaskSet {
  readonly #tasks = new Set<Promise<void>>();
  readonly errors: string[] = [];

  run(what: string, work: Promise<unknown>): void {
    const task: Promise<void> = work.then(
      () => {
        this.#tasks.delete(task);
      },
      (err: unknown) => {
        this.#tasks.delete(task);
        this.errors.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
    this.#tasks.add(task);
  }

  get size(): number {
    return this.#tasks.size;
  }

  /** Wait until no task is left (including tasks started while waiting). */
  async drain(): Promise<void> {
    while (this.#tasks.size > 0) await Promise.all([...this.#tasks]);
  }
}
