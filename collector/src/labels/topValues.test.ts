import { describe, expect, it } from 'vitest';
import { TopValues } from './topValues.js';

const OTHER = '__other__';
const yes = () => true;

/** A seeded generator (mulberry32), so every run sees the same streams. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Feeds `stream` to `top` as a collector would; returns what each value was counted under. */
function feed(top: TopValues, stream: string[]) {
  const counted = new Map<string, number>();
  stream.forEach((value, now) => {
    const { state } = top.add(value, 1, now, yes);
    const label = state === 'holds' || state === 'admitted' ? value : OTHER;
    counted.set(label, (counted.get(label) ?? 0) + 1);
  });
  return counted;
}

/** `weights` copies of each value, shuffled into `others` values seen once each. */
function stream(weights: Record<string, number>, others: number, seed: number) {
  const next = random(seed);
  const items = Object.entries(weights).flatMap(([value, n]) => Array<string>(n).fill(value));
  for (let i = 0; i < others; i++) items.push(`invented-${i}`);
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

const heaviest = (counted: Map<string, number>, k: number) =>
  [...counted]
    .filter(([value]) => value !== OTHER)
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(([value]) => value)
    .sort();

describe('TopValues', () => {
  it('gives the first values slots while there is room, and says so', () => {
    const top = new TopValues(2, 8);
    expect(top.add('a', 1, 0, yes)).toEqual({ state: 'admitted' });
    expect(top.add('a', 1, 1, yes)).toEqual({ state: 'holds' });
    expect(top.add('b', 1, 2, yes)).toEqual({ state: 'admitted' });
    expect(top.add('c', 1, 3, yes)).toEqual({ state: 'outweighed' });
    expect(top.held().sort()).toEqual(['a', 'b']);
  });

  it('takes a slot only with evidence, asking for it until it comes', () => {
    const top = new TopValues(2, 8);
    let asked = 0;
    const proveOnThird = () => ++asked >= 3;
    expect(top.add('a', 1, 0, proveOnThird).state).toBe('pending');
    expect(top.add('a', 1, 1, proveOnThird).state).toBe('pending');
    expect(top.add('a', 1, 2, proveOnThird).state).toBe('admitted');
    expect(top.add('a', 1, 3, proveOnThird).state).toBe('holds');
    expect(asked).toBe(3);
  });

  it('lets a newcomer displace the lightest holder only once it outweighs it', () => {
    const top = new TopValues(2, 8);
    for (let i = 0; i < 5; i++) top.add('heavy', 1, i, yes);
    top.add('light', 1, 5, yes);
    top.add('light', 1, 6, yes);
    expect(top.add('new', 1, 7, yes).state).toBe('outweighed');
    expect(top.add('new', 1, 8, yes).state).toBe('outweighed');
    expect(top.add('new', 1, 9, yes)).toEqual({ state: 'admitted', displaced: 'light' });
    expect(top.held().sort()).toEqual(['heavy', 'new']);
  });

  it('keeps established culprits through a flood of 100,000 values seen once each', () => {
    const top = new TopValues(5, 20);
    feed(top, stream({ a: 500, b: 300, c: 200, d: 100, e: 50 }, 0, 1));
    const counted = feed(top, stream({ a: 50, b: 30 }, 100_000, 2));
    expect(top.held().sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    // Every invented value was counted as __other__.
    expect(counted.get(OTHER)).toBe(100_000);
  });

  it('finds a heavy value that starts arriving in the middle of such a flood', () => {
    const top = new TopValues(5, 20);
    // The flood came first and took every slot: invented values with their evidence.
    feed(top, stream({}, 1_000, 3));
    // One real culprit in 50 page views from now on, in a flood as heavy as before.
    const counted = feed(top, stream({ real: 200 }, 10_000, 4));
    expect(top.holds('real')).toBe(true);
    expect(counted.get('real')).toBeGreaterThan(150);
  });

  it('gives an attacker repeating one invented value a slot only by outweighing a holder', () => {
    const top = new TopValues(3, 12);
    feed(top, stream({ a: 300, b: 200, c: 100 }, 0, 5));
    feed(top, Array<string>(99).fill('attack'));
    expect(top.held().sort()).toEqual(['a', 'b', 'c']);
    feed(top, Array<string>(2).fill('attack'));
    // 101 sightings outweigh c's 100: the lightest goes, the heavier real ones stay.
    expect(top.held().sort()).toEqual(['a', 'attack', 'b']);
  });

  it('ranks the same heaviest values on each replica, so their sum across replicas is right', () => {
    const truth = { a: 900, b: 700, c: 500, d: 300, e: 200, f: 120, g: 80, h: 40 };
    const items = stream(truth, 20_000, 6);
    const next = random(7);
    const replicas = [new TopValues(5, 20), new TopValues(5, 20), new TopValues(5, 20)];
    const parts: string[][] = [[], [], []];
    for (const item of items) parts[Math.floor(next() * 3)]!.push(item);
    const summed = new Map<string, number>();
    replicas.forEach((replica, i) => {
      for (const [value, n] of feed(replica, parts[i]!)) {
        summed.set(value, (summed.get(value) ?? 0) + n);
      }
    });
    expect(heaviest(summed, 5)).toEqual(['a', 'b', 'c', 'd', 'e']);
    for (const replica of replicas)
      expect(replica.held().sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('hands a slot over once its holder stops arriving and its weight decays', () => {
    const top = new TopValues(1, 4);
    feed(top, Array<string>(100).fill('old'));
    expect(top.add('new', 10, 100, yes).state).toBe('outweighed');
    // Old stops arriving; its 100 decays to 5 while new, still arriving, adds 10 more.
    top.decay(0.05, 0);
    expect(top.add('new', 10, 101, yes)).toEqual({ state: 'admitted', displaced: 'old' });
  });

  it('keeps a handle with its value while it holds a slot, and drops it with the slot', () => {
    const top = new TopValues<string>(1, 4);
    const light = top.entry('light', 0);
    expect(top.weigh(light, 1, 0, yes).state).toBe('admitted');
    light.handle = 'series of light';
    expect(top.entry('light', 1)).toBe(light);
    expect(top.add('heavy', 1, 2, yes).state).toBe('outweighed');
    expect(light.handle).toBe('series of light');
    // Displaced: its series are retired, so what was kept for them must go too.
    expect(top.add('heavy', 5, 3, yes)).toEqual({ state: 'admitted', displaced: 'light' });
    expect(light.handle).toBeUndefined();
    // Forgotten when idle: a later sighting starts from a fresh entry.
    top.entry('heavy', 4).handle = 'series of heavy';
    top.decay(1, 10);
    expect(top.entry('heavy', 11).handle).toBeUndefined();
  });

  it('weighs a holder through weighHeld as weigh would, and leaves any other entry alone', () => {
    const top = new TopValues(1, 4);
    const holder = top.entry('holder', 0);
    const newcomer = top.entry('newcomer', 0);
    expect(top.weighHeld(holder, 3, 1)).toBe(false);
    expect(top.weigh(holder, 3, 1, yes).state).toBe('admitted');
    expect(top.weighHeld(holder, 3, 2)).toBe(true);
    // Not a holder: nothing changes, so weigh still ranks it from its own weight alone.
    expect(top.weighHeld(newcomer, 5, 2)).toBe(false);
    expect(top.weigh(newcomer, 5, 3, yes).state).toBe('outweighed');
    // The holder's 6 (3 + 3 through weighHeld) is what a newcomer must pass.
    expect(top.weigh(newcomer, 1, 4, yes).state).toBe('outweighed');
    expect(top.weigh(newcomer, 1, 5, yes)).toEqual({ state: 'admitted', displaced: 'holder' });
  });

  it('forgets values idle since the cutoff and returns the holders among them', () => {
    const top = new TopValues(2, 8);
    top.add('a', 1, 10, yes);
    top.add('b', 1, 20, yes);
    top.add('c', 1, 5, yes);
    expect(top.decay(1, 15)).toEqual(['a']);
    expect(top.held()).toEqual(['b']);
    expect(top.firstSeen('c')).toBeUndefined();
    expect(top.add('d', 1, 30, yes).state).toBe('admitted');
  });
});
