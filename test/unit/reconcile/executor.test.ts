import { describe, expect, it } from '@jest/globals';
import { TerminalError, TransientError } from '../../../src/common/errors.js';
import type { Action } from '../../../src/model/plan.js';
import { execute, type ExecutorOptions } from '../../../src/reconcile/executor.js';
import type { Verdict } from '../../../src/reconcile/precheck.js';

function act(
  id: string,
  host: string,
  dependsOn: string[] = [],
  extra: Partial<Action> = {},
): Action {
  const [kind, rest] = id.split(':') as [Action['kind'], string];
  return {
    id,
    kind,
    guest: rest.split('@')[0] ?? rest,
    address: rest,
    site: 'primary',
    host,
    reason: 'not-running',
    why: 'test',
    dependsOn,
    ...extra,
  };
}

/**
 * A fake provider that enforces the protocol: it records the order of calls, tracks how many
 * actions run at once (globally and per host), fails on request, and rejects an action whose
 * dependencies have not completed.
 */
class FakeProvider {
  readonly order: string[] = [];
  readonly checks: string[] = [];
  maxGlobal = 0;
  readonly maxPerHost = new Map<string, number>();
  private running = 0;
  private readonly perHost = new Map<string, number>();
  private readonly completed = new Set<string>();
  readonly failures = new Map<string, Error[]>();
  readonly verdicts = new Map<string, Verdict[]>();
  readonly sideEffects = new Set<string>();

  private readonly actions: readonly Action[];
  private readonly workMs: number;

  constructor(actions: readonly Action[], workMs = 5) {
    this.actions = actions;
    this.workMs = workMs;
  }

  check = (a: Action): Promise<Verdict> => {
    this.checks.push(a.id);
    const scripted = this.verdicts.get(a.id)?.shift();
    if (scripted) return Promise.resolve(scripted);
    if (this.sideEffects.has(a.id))
      return Promise.resolve({ verdict: 'skip', why: 'already done' });
    return Promise.resolve({ verdict: 'run' });
  };

  run = async (a: Action): Promise<{ message: string }> => {
    for (const d of a.dependsOn) {
      if (!this.completed.has(d)) throw new Error(`protocol violation: ${a.id} ran before ${d}`);
    }
    const host = a.host ?? '';
    this.running++;
    this.perHost.set(host, (this.perHost.get(host) ?? 0) + 1);
    this.maxGlobal = Math.max(this.maxGlobal, this.running);
    this.maxPerHost.set(
      host,
      Math.max(this.maxPerHost.get(host) ?? 0, this.perHost.get(host) ?? 0),
    );
    try {
      await new Promise((r) => setTimeout(r, this.workMs));
      const failure = this.failures.get(a.id)?.shift();
      if (failure) {
        // A dropped connection after the effect happened: the effect is real.
        if (failure.message.includes('after effect')) this.sideEffects.add(a.id);
        throw failure;
      }
      this.order.push(a.id);
      this.sideEffects.add(a.id);
      this.completed.add(a.id);
      return { message: 'ok' };
    } finally {
      this.running--;
      this.perHost.set(host, (this.perHost.get(host) ?? 1) - 1);
    }
  };

  markCompleted(id: string): void {
    this.completed.add(id);
  }

  get all(): readonly Action[] {
    return this.actions;
  }
}

const fast: ExecutorOptions = {
  globalLimit: 8,
  perHostLimit: 2,
  maxAttempts: 3,
  backoff: { baseMs: 1, capMs: 2 },
  random: () => 0.5,
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  now: Date.now,
};

describe('executor', () => {
  it('runs actions after their dependencies, in order', async () => {
    const actions = [
      act('start:web1@kvm1', 'kvm1', ['start:app1@kvm1']),
      act('start:app1@kvm1', 'kvm1', ['start:db1@kvm1']),
      act('start:db1@kvm1', 'kvm1', ['define:db1@kvm1']),
      act('define:db1@kvm1', 'kvm1'),
    ];
    const fake = new FakeProvider(actions);
    const report = await execute(actions, fake, {}, fast);
    expect(fake.order).toEqual([
      'define:db1@kvm1',
      'start:db1@kvm1',
      'start:app1@kvm1',
      'start:web1@kvm1',
    ]);
    expect(report.results.every((r) => r.status === 'done')).toBe(true);
  });

  it('runs independent actions in parallel within the global and per-host limits', async () => {
    const actions = Array.from({ length: 24 }, (_, i) =>
      act(`start:g${i}@kvm${i % 3}`, `kvm${i % 3}`),
    );
    const fake = new FakeProvider(actions, 15);
    const t0 = Date.now();
    await execute(actions, fake, {}, { ...fast, globalLimit: 5, perHostLimit: 2 });
    expect(fake.maxGlobal).toBeLessThanOrEqual(5);
    expect(fake.maxGlobal).toBeGreaterThan(1);
    for (const n of fake.maxPerHost.values()) expect(n).toBeLessThanOrEqual(2);
    expect(fake.order).toHaveLength(24);
    // 24 actions of 15 ms with 5 at once cannot take 24 × 15 ms.
    expect(Date.now() - t0).toBeLessThan(24 * 15);
  });

  it('a migration counts against both its hosts', async () => {
    const actions = [
      act('migrate:a@kvm1', 'kvm1', [], { toHost: 'kvm2' }),
      act('migrate:b@kvm3', 'kvm3', [], { toHost: 'kvm2' }),
      act('migrate:c@kvm4', 'kvm4', [], { toHost: 'kvm2' }),
    ];
    const fake = new FakeProvider(actions, 10);
    let concurrentOnKvm2 = 0;
    let max = 0;
    await execute(
      actions,
      {
        check: fake.check,
        run: async (a) => {
          concurrentOnKvm2++;
          max = Math.max(max, concurrentOnKvm2);
          try {
            return await fake.run(a);
          } finally {
            concurrentOnKvm2--;
          }
        },
      },
      {},
      { ...fast, perHostLimit: 1 },
    );
    expect(max).toBe(1);
  });

  it('retries a transient error with backoff and then succeeds', async () => {
    const actions = [act('start:db1@kvm1', 'kvm1')];
    const fake = new FakeProvider(actions);
    fake.failures.set('start:db1@kvm1', [
      new TransientError('rpc', 'connection reset'),
      new TransientError('rpc', 'timeout'),
    ]);
    const retries: number[] = [];
    const report = await execute(
      actions,
      fake,
      { retrying: (_a, attempt) => retries.push(attempt) },
      fast,
    );
    expect(report.results[0]).toMatchObject({ status: 'done', attempts: 3 });
    expect(retries).toEqual([1, 2]);
  });

  it('re-checks before a retry, so an action whose effect already happened is not repeated', async () => {
    const actions = [act('start:db1@kvm1', 'kvm1')];
    const fake = new FakeProvider(actions);
    fake.failures.set('start:db1@kvm1', [new TransientError('rpc', 'dropped after effect')]);
    const report = await execute(actions, fake, {}, fast);
    expect(report.results[0]).toMatchObject({ status: 'skipped', attempts: 2 });
    expect(fake.checks).toEqual(['start:db1@kvm1', 'start:db1@kvm1']);
  });

  it('gives up after maxAttempts transient failures', async () => {
    const actions = [act('start:db1@kvm1', 'kvm1')];
    const fake = new FakeProvider(actions);
    fake.failures.set(
      'start:db1@kvm1',
      [1, 2, 3, 4].map(() => new TransientError('rpc', 'down')),
    );
    const report = await execute(actions, fake, {}, fast);
    expect(report.results[0]).toMatchObject({ status: 'failed', attempts: 3 });
  });

  it('a terminal failure mid-plan stops its dependents only; the rest completes', async () => {
    const actions = [
      act('define:db1@kvm1', 'kvm1'),
      act('start:db1@kvm1', 'kvm1', ['define:db1@kvm1']),
      act('start:app1@kvm2', 'kvm2', ['start:db1@kvm1']),
      act('start:other@kvm3', 'kvm3'),
      act('start:more@kvm3', 'kvm3', ['start:other@kvm3']),
    ];
    const fake = new FakeProvider(actions);
    fake.failures.set('start:db1@kvm1', [new TerminalError('bad-xml', 'invalid domain XML')]);
    const report = await execute(actions, fake, {}, fast);
    const status = Object.fromEntries(report.results.map((r) => [r.id, r.status]));
    expect(status).toEqual({
      'define:db1@kvm1': 'done',
      'start:db1@kvm1': 'failed',
      'start:app1@kvm2': 'not-run',
      'start:other@kvm3': 'done',
      'start:more@kvm3': 'done',
    });
    expect(fake.order).not.toContain('start:app1@kvm2');
    expect(report.results.find((r) => r.id === 'start:db1@kvm1')?.attempts).toBe(1);
  });

  it('a refusal of the fresh check blocks the action without running it', async () => {
    const actions = [act('start:db1@kvm2', 'kvm2')];
    const fake = new FakeProvider(actions);
    fake.verdicts.set('start:db1@kvm2', [
      { verdict: 'refuse', why: 'now running on kvm1', errorClass: 'waiting' },
    ]);
    const report = await execute(actions, fake, {}, fast);
    expect(report.results[0]).toMatchObject({ status: 'blocked', message: 'now running on kvm1' });
    expect(fake.order).toEqual([]);
  });

  it('cancellation starts nothing new, lets in-flight actions finish, and reports the rest', async () => {
    const actions = [act('start:a@kvm1', 'kvm1'), act('start:b@kvm1', 'kvm1', ['start:a@kvm1'])];
    const fake = new FakeProvider(actions, 30);
    const ctl = new AbortController();
    const report = await execute(
      actions,
      fake,
      {
        started: () => {
          ctl.abort();
        },
      },
      { ...fast, signal: ctl.signal },
    );
    expect(report.cancelled).toBe(true);
    expect(report.results.map((r) => r.status)).toEqual(['done', 'not-run']);
    expect(fake.order).toEqual(['start:a@kvm1']);
  });
});
