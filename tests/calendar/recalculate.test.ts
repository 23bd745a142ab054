import { describe, expect, it } from 'vitest';
import { forEachConcurrently, RECALCULATION_CONCURRENCY } from '../../src/calendar/recalculate';

/** The bound on how many lifecycles a calendar change tells at once. */

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('forEachConcurrently', () => {
  it('runs every item, never more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    const items = Array.from({ length: 100 }, (_, i) => i);
    await forEachConcurrently(items, RECALCULATION_CONCURRENCY, async (i) => {
      running += 1;
      most = Math.max(most, running);
      await tick();
      done.push(i);
      running -= 1;
    });
    expect(RECALCULATION_CONCURRENCY).toBe(16);
    expect(most).toBe(16);
    expect(done.sort((a, b) => a - b)).toEqual(items);
  });

  it('starts nothing new after a failure, lets the running ones finish, and throws the first failure', async () => {
    const started: number[] = [];
    let finished = 0;
    const failure = forEachConcurrently(
      Array.from({ length: 50 }, (_, i) => i),
      4,
      async (i) => {
        started.push(i);
        await tick();
        if (i === 5) throw new Error('item 5 failed');
        finished += 1;
      },
    );
    await expect(failure).rejects.toThrow('item 5 failed');
    expect(started.length).toBeLessThan(12);
    expect(finished).toBe(started.length - 1);
  });

  it('does nothing for no items', async () => {
    await forEachConcurrently([], 16, () => Promise.reject(new Error('not called')));
  });
});
