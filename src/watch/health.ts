/**
 * What `/livez`, `/readyz` and `/healthz` say. Liveness: the controller runs (a stopping one
 * is not live). Readiness: it runs *and* nothing stops it from doing its job — the manifests on
 * disk were accepted, every site could be opened, the journal is being written, no host is
 * lost. Each problem is one sentence an operator can act on.
 */
export interface HealthReport {
  readonly live: boolean;
  readonly ready: boolean;
  readonly problems: readonly string[];
  readonly detail: string;
}

export class Health {
  private stopping = false;
  private readonly problems = new Map<string, string>();
  private readonly extra: () => readonly string[];
  private readonly detail: () => string;

  constructor(extra: () => readonly string[], detail: () => string) {
    this.extra = extra;
    this.detail = detail;
  }

  /** Report (or, with `undefined`, withdraw) the problem named `key`. */
  set(key: string, problem: string | undefined): void {
    if (problem === undefined) this.problems.delete(key);
    else this.problems.set(key, problem);
  }

  markStopping(): void {
    this.stopping = true;
  }

  report(): HealthReport {
    const problems = [
      ...(this.stopping ? ['stopping'] : []),
      ...this.problems.values(),
      ...this.extra(),
    ];
    return {
      live: !this.stopping,
      ready: problems.length === 0,
      problems,
      detail: this.detail(),
    };
  }
}
