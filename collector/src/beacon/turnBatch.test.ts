import { describe, expect, it } from 'vitest';
import { turnBatch } from './turnBatch.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('turnBatch', () => {
  it('hands over everything queued in one turn at its end, in order, at once', async () => {
    const batches: number[][] = [];
    const queue = turnBatch((batch: readonly number[]) => batches.push([...batch]));
    queue(1);
    queue(2);
    // Callbacks of the same turn (as each socket's read is) join the same batch.
    await Promise.resolve().then(() => queue(3));
    process.nextTick(() => queue(4));
    expect(batches).toEqual([]);
    await nextTurn();
    expect(batches).toEqual([[1, 2, 3, 4]]);
  });

  it('starts a new batch for items queued by a later turn, or by the flush itself', async () => {
    const batches: string[][] = [];
    const queue = turnBatch((batch: readonly string[]) => {
      batches.push([...batch]);
      if (batch.includes('a')) queue('queued while flushing');
    });
    queue('a');
    await nextTurn();
    queue('b');
    await nextTurn();
    await nextTurn();
    expect(batches).toEqual([['a'], ['queued while flushing', 'b']]);
  });
});
