import { describe, expect, it } from '@jest/globals';
import { WorkQueue } from '../../../src/watch/work-queue.js';

describe('work queue', () => {
  it('deduplicates keys that are already queued', async () => {
    const q = new WorkQueue();
    q.add('db1');
    q.add('db1');
    q.add('app1');
    expect(q.depth).toBe(2);
    expect(await q.get()).toBe('db1');
    expect(await q.get()).toBe('app1');
  });

  it('never hands out a key twice at once, and re-queues it once if added while in flight', async () => {
    const q = new WorkQueue();
    q.add('db1');
    const k = await q.get();
    q.add('db1');
    q.add('db1');
    expect(q.depth).toBe(0);
    q.done(k ?? '');
    expect(q.depth).toBe(1);
    expect(await q.get()).toBe('db1');
  });

  it('wakes a waiting worker when a key arrives', async () => {
    const q = new WorkQueue();
    const next = q.get();
    q.add('web1');
    expect(await next).toBe('web1');
  });

  it('backs off a failing key exponentially and resets on forget', () => {
    const q = new WorkQueue({ baseDelayMs: 100, maxDelayMs: 1_000 });
    expect(q.addRateLimited('db1')).toBe(100);
    expect(q.addRateLimited('db1')).toBe(200);
    expect(q.addRateLimited('db1')).toBe(400);
    expect(q.addRateLimited('db1')).toBe(800);
    expect(q.addRateLimited('db1')).toBe(1_000);
    q.forget('db1');
    expect(q.addRateLimited('db1')).toBe(100);
    q.shutDown();
  });

  it('delivers a delayed key after its delay', async () => {
    const q = new WorkQueue();
    const t0 = Date.now();
    q.addAfter('db1', 50);
    expect(q.depth).toBe(0);
    expect(await q.get()).toBe('db1');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
  });

  it('shutting down releases waiting workers', async () => {
    const q = new WorkQueue();
    const next = q.get();
    q.shutDown();
    expect(await next).toBeUndefined();
  });
});
