import { describe, expect, it } from 'vitest';
import { median, quantile, sum } from './stats.js';

describe('median', () => {
  it('takes the middle value of an odd count and the mean of the middle two of an even one', () => {
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('leaves its input in the order it came', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('is NaN for no values, so a missing figure cannot pass for zero', () => {
    expect(median([])).toBeNaN();
  });
});

describe('quantile', () => {
  const values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];

  it('takes the nearest rank', () => {
    expect(quantile(values, 0.5)).toBe(50);
    expect(quantile(values, 0.95)).toBe(100);
    expect(quantile(values, 0.91)).toBe(100);
    expect(quantile(values, 0.9)).toBe(90);
  });

  it('stays within the values at both ends', () => {
    expect(quantile(values, 0)).toBe(10);
    expect(quantile(values, 1)).toBe(100);
    expect(quantile([7], 0.99)).toBe(7);
  });

  it('sorts numerically, not as text', () => {
    expect(quantile([100, 9, 20], 0.5)).toBe(20);
  });

  it('is NaN for no values', () => {
    expect(quantile([], 0.5)).toBeNaN();
  });
});

describe('sum', () => {
  it('adds the values; nothing adds up to 0', () => {
    expect(sum([1.5, 2, 3])).toBe(6.5);
    expect(sum([])).toBe(0);
  });
});
