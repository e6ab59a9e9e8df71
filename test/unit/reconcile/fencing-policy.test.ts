/**
 * The host-loss decisions `watch` and `simulate` share: a host that answers is never fenced,
 * a fenced host frees its guests, no fence command waits for an operator, a failed fence
 * command is retried with jittered backoff (drawn only when retrying).
 */
import { describe, expect, it } from '@jest/globals';
import { afterFenceAttempt, beforeFenceAttempt } from '../../../src/reconcile/fencing-policy.js';

describe('host loss decisions', () => {
  it('never fences a host that answers a fresh connection', () => {
    expect(beforeFenceAttempt(true)).toEqual({ kind: 'not-lost' });
    expect(beforeFenceAttempt(false)).toEqual({ kind: 'fence' });
  });

  it.each([
    ['fence command succeeded', true, true, 1, { kind: 'fenced' }],
    ['operator confirmed, no command', false, true, 1, { kind: 'fenced' }],
    ['no fence command', false, false, 1, { kind: 'wait-for-operator' }],
    ['first failed attempt', true, false, 1, { kind: 'retry', delayMs: 1_000 }],
    ['third failed attempt', true, false, 3, { kind: 'retry', delayMs: 4_000 }],
    ['capped', true, false, 20, { kind: 'retry', delayMs: 30_000 }],
  ])('%s', (_what, hasCommand, fenced, attempt, expected) => {
    let draws = 0;
    const random = (): number => {
      draws++;
      return 0.5;
    };
    expect(afterFenceAttempt(hasCommand, fenced, attempt, random)).toEqual(expected);
    expect(draws).toBe(expected.kind === 'retry' ? 1 : 0);
  });
});
