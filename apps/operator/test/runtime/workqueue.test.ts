// The work queue's semantics, on a ManualClock: no test waits on wall time.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/runtime/clock.js';
import { BucketRateLimiter, ItemExponentialFailureRateLimiter } from '../../src/runtime/ratelimiter.js';
import { WorkQueue, type WorkQueueMetricsHooks } from '../../src/runtime/workqueue.js';

/** Lets pending promise callbacks run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function queue(clock = new ManualClock()) {
  return { clock, q: new WorkQueue({ name: 'test', clock }) };
}

/** Every key the queue hands out right now, each marked done. */
async function drainReady(q: WorkQueue): Promise<string[]> {
  const keys: string[] = [];
  while (q.len() > 0) {
    const key = (await q.get())!;
    keys.push(key);
    q.done(key);
  }
  return keys;
}

describe('WorkQueue', () => {
  it('queues a waiting key once however often it is added', async () => {
    const { q } = queue();
    q.add('ns/a');
    q.add('ns/b');
    q.add('ns/a');
    q.add('ns/a');
    expect(q.len()).toBe(2);
    expect(await drainReady(q)).toEqual(['ns/a', 'ns/b']);
  });

  it('processes a key added while processing once more, after done, never twice at once', async () => {
    const { q } = queue();
    q.add('ns/a');
    expect(await q.get()).toBe('ns/a');
    q.add('ns/a');
    q.add('ns/a');
    expect(q.len()).toBe(0);
    expect(q.depth()).toBe(1);
    // A second worker asking now must not get the key being processed.
    let second: string | undefined;
    void q.get().then((key) => (second = key));
    await settle();
    expect(second).toBeUndefined();
    q.done('ns/a');
    await settle();
    expect(second).toBe('ns/a');
    q.done('ns/a');
    expect(q.len()).toBe(0);
    expect(q.depth()).toBe(0);
  });

  it('hands a key added later to a worker already waiting in get', async () => {
    const { q } = queue();
    const got = q.get();
    q.add('ns/x');
    expect(await got).toBe('ns/x');
  });

  it('releases addAfter keys in time order, none early', async () => {
    const { q, clock } = queue();
    q.addAfter('ns/c', 300);
    q.addAfter('ns/a', 100);
    q.addAfter('ns/b', 200);
    clock.advance(99);
    expect(q.len()).toBe(0);
    clock.advance(1);
    expect(await drainReady(q)).toEqual(['ns/a']);
    clock.advance(250);
    expect(await drainReady(q)).toEqual(['ns/b', 'ns/c']);
    expect(q.waitingLen()).toBe(0);
  });

  it('lets a sooner addAfter win over a later one, and fires the key once', async () => {
    const { q, clock } = queue();
    q.addAfter('ns/a', 1000);
    q.addAfter('ns/a', 100);
    q.addAfter('ns/b', 100);
    q.addAfter('ns/b', 1000);
    clock.advance(100);
    expect(await drainReady(q)).toEqual(['ns/a', 'ns/b']);
    clock.advance(5000);
    expect(q.len()).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('adds at once for a zero or negative delay', () => {
    const { q } = queue();
    q.addAfter('ns/a', 0);
    q.addAfter('ns/b', -5);
    expect(q.len()).toBe(2);
  });

  it('backs off 5 ms * 2^failures, capped at 1000 s', () => {
    const limiter = new ItemExponentialFailureRateLimiter();
    const delays = Array.from({ length: 21 }, () => limiter.when('ns/a'));
    const expected = Array.from({ length: 18 }, (_, i) => 5 * 2 ** i);
    expect(delays).toEqual([...expected, 1_000_000, 1_000_000, 1_000_000]);
    expect(expected.at(-1)).toBe(655_360);
    expect(limiter.numRequeues('ns/a')).toBe(21);
    expect(limiter.when('ns/other')).toBe(5);
  });

  it('requeues a failing key at 5, 10, 20 ms through addRateLimited', async () => {
    const { q, clock } = queue();
    const readyAt: number[] = [];
    for (let i = 0; i < 3; i++) {
      q.addRateLimited('ns/a');
      while (q.len() === 0) clock.advance(1);
      readyAt.push(clock.now());
      q.done((await q.get())!);
    }
    expect(readyAt).toEqual([5, 15, 35]);
    expect(q.numRequeues('ns/a')).toBe(3);
  });

  it('limits a burst of 150 failing keys with the global bucket: 100 at once, then 10 per second', async () => {
    const { q, clock } = queue();
    for (let i = 0; i < 150; i++) q.addRateLimited(`ns/k${i}`);
    // Each key's own first backoff is 5 ms; the bucket lets 100 through on that.
    clock.advance(5);
    expect((await drainReady(q)).length).toBe(100);
    clock.advance(94); // t = 99 ms
    expect(q.len()).toBe(0);
    clock.advance(1); // t = 100 ms: the 101st key
    expect(await drainReady(q)).toEqual(['ns/k100']);
    clock.advance(4800); // t = 4900 ms
    expect((await drainReady(q)).length).toBe(48);
    clock.advance(100); // t = 5000 ms: the 150th key
    expect(await drainReady(q)).toEqual(['ns/k149']);
  });

  it('refills the bucket over time, up to the burst', () => {
    const clock = new ManualClock();
    const bucket = new BucketRateLimiter(clock, 10, 100);
    for (let i = 0; i < 100; i++) expect(bucket.when()).toBe(0);
    expect(bucket.when()).toBe(100);
    clock.advance(3600_000);
    const delays = Array.from({ length: 101 }, () => bucket.when());
    expect(delays.filter((delay) => delay === 0).length).toBe(100);
  });

  it('forget resets the backoff of that key only', () => {
    const { q } = queue();
    for (let i = 0; i < 4; i++) q.addRateLimited('ns/a');
    q.addRateLimited('ns/b');
    expect(q.numRequeues('ns/a')).toBe(4);
    q.forget('ns/a');
    expect(q.numRequeues('ns/a')).toBe(0);
    expect(q.numRequeues('ns/b')).toBe(1);
  });

  it('shutDown wakes waiting workers with undefined and ignores new keys', async () => {
    const { q, clock } = queue();
    const waiting = q.get();
    q.addAfter('ns/later', 10);
    q.shutDown();
    expect(await waiting).toBeUndefined();
    q.add('ns/a');
    q.addRateLimited('ns/b');
    clock.advance(1000);
    expect(q.len()).toBe(0);
    expect(await q.get()).toBeUndefined();
    expect(clock.pendingTimers).toBe(0);
  });

  it('shutDownWithDrain resolves only after every in-flight key is done', async () => {
    const { q } = queue();
    q.add('ns/a');
    q.add('ns/b');
    const a = (await q.get())!;
    const b = (await q.get())!;
    let drained = false;
    const drain = q.shutDownWithDrain().then(() => (drained = true));
    q.done(a);
    await settle();
    expect(drained).toBe(false);
    q.done(b);
    await drain;
    expect(drained).toBe(true);
  });

  it('reports adds, retries, queue and work durations and gauges through its hooks', async () => {
    const clock = new ManualClock();
    const seen = { added: 0, retried: 0, waited: [] as number[], worked: [] as number[] };
    let gauges: Parameters<WorkQueueMetricsHooks['observe']>[0] | undefined;
    const q = new WorkQueue({
      name: 'test',
      clock,
      metrics: {
        added: () => seen.added++,
        retried: () => seen.retried++,
        waited: (s) => seen.waited.push(s),
        worked: (s) => seen.worked.push(s),
        observe: (source) => (gauges = source),
      },
    });
    q.add('ns/a');
    q.add('ns/a'); // deduped: not an add
    q.addAfter('ns/b', 2000);
    clock.advance(2000);
    expect(gauges?.depth()).toBe(2);
    const a = (await q.get())!;
    clock.advance(1500);
    expect(gauges?.unfinishedWorkSeconds()).toBe(1.5);
    expect(gauges?.longestRunningProcessorSeconds()).toBe(1.5);
    q.done(a);
    expect(seen).toEqual({ added: 2, retried: 1, waited: [2], worked: [1.5] });
    expect(gauges?.depth()).toBe(1);
  });
});
