import { describe, expect, it } from 'vitest';
import { SnapshotRing } from './snapshotRing.js';

describe('SnapshotRing', () => {
  it('keeps the newest items, oldest first, never more than its capacity', () => {
    const ring = new SnapshotRing<number>(3);
    for (let i = 1; i <= 7; i++) ring.push(i);
    expect(ring.toArray()).toEqual([5, 6, 7]);
    expect(ring.size).toBe(3);
  });

  it('is empty after clear and refills from scratch', () => {
    const ring = new SnapshotRing<number>(2);
    ring.push(1);
    ring.push(2);
    ring.push(3);
    ring.clear();
    expect(ring.toArray()).toEqual([]);
    ring.push(4);
    expect(ring.toArray()).toEqual([4]);
  });

  it('rejects a capacity below one', () => {
    expect(() => new SnapshotRing(0)).toThrow(RangeError);
  });
});
