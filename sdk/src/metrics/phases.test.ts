import { afterEach, describe, expect, it, vi } from 'vitest';
import type { INPMetric, LCPMetric } from 'web-vitals';
import { inpPhases, lcpPhases, splitAt } from './phases.js';

const sum = (parts: number[] | undefined) => parts!.reduce((total, part) => total + part);

/**
 * The parts are `whole` ms and then the last one, which takes the value's fraction (to float
 * precision), and they add up exactly to `value`.
 */
const expectParts = (parts: number[] | undefined, value: number, ...whole: number[]) => {
  expect(parts!.slice(0, -1)).toEqual(whole.slice(0, -1));
  expect(parts!.at(-1)).toBeCloseTo(whole.at(-1)!, 9);
  expect(sum(parts)).toBe(value);
};

/** Stubs the navigation and resource entries `lcpPhases` reads from the performance timeline. */
const timeline = (navigation: object, resources: object[] = []) =>
  vi
    .spyOn(performance, 'getEntriesByType')
    .mockImplementation(
      (type) =>
        (type == 'navigation' ? [navigation] : type == 'resource' ? resources : []) as never,
    );

const lcp = (value: number, entry: object) => ({ value, entries: [entry] }) as unknown as LCPMetric;
const inp = (value: number, entries: object[]) => ({ value, entries }) as unknown as INPMetric;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('splitAt', () => {
  it('splits at the marks, the last part absorbing rounding and the fraction', () => {
    expectParts(splitAt(1000.7, [100.4, 300.6, 700.2]), 1000.7, 100, 201, 399, 300.7);
  });

  it('clamps marks between the previous one and the value', () => {
    expect(splitAt(100, [-20, 50, 30])).toEqual([0, 50, 0, 50]);
    expect(splitAt(100, [40, 180])).toEqual([40, 60, 0]);
    expectParts(splitAt(99.6, [99.9]), 99.6, 99, 0.6);
    expect(splitAt(0, [10, 20])).toEqual([0, 0, 0]);
  });

  it('always adds up to the value, with no negative part', () => {
    for (let i = 0; i < 1000; i++) {
      const value = Math.random() * 5000;
      const marks = [0, 1, 2].map(() => Math.random() * 6000 - 500);
      const parts = splitAt(value, marks);
      expect(sum(parts)).toBe(value);
      for (const part of parts) expect(part).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('lcpPhases', () => {
  const image = { url: 'https://cdn.example.com/hero.jpg', startTime: 2400.3 };

  it('splits an image LCP at the first byte, its request and its response', () => {
    timeline({ responseStart: 180.2 }, [
      { name: 'https://cdn.example.com/other.jpg', requestStart: 300, responseEnd: 900 },
      { name: image.url, startTime: 410, requestStart: 650.4, responseEnd: 1900.8 },
    ]);
    expectParts(lcpPhases(lcp(2400.3, image)), 2400.3, 180, 470, 1251, 499.3);
  });

  it('uses the start of a cross-origin resource that hides its requestStart', () => {
    timeline({ responseStart: 200 }, [
      { name: image.url, startTime: 500, requestStart: 0, responseEnd: 1500 },
    ]);
    expect(lcpPhases(lcp(2000, image))).toEqual([200, 300, 1000, 500]);
  });

  it('takes the last request made before the paint, and caps a download still running', () => {
    timeline({ responseStart: 100 }, [
      { name: image.url, startTime: 200, requestStart: 210, responseEnd: 400 },
      { name: image.url, startTime: 300, requestStart: 310, responseEnd: 9000 },
      { name: image.url, startTime: 3000, requestStart: 3010, responseEnd: 3100 },
    ]);
    expect(lcpPhases(lcp(2000, image))).toEqual([100, 210, 1690, 0]);
  });

  it('gives a text LCP no load delay or duration', () => {
    timeline({ responseStart: 250.6 });
    expectParts(lcpPhases(lcp(1234.5, { url: '', startTime: 1234.5 })), 1234.5, 251, 0, 0, 983.5);
  });

  it('counts from activationStart on a prerendered page', () => {
    // Prerendered in the background; the user activated it at 5000 ms. web-vitals reports LCP
    // from activation: the paint came before it, so LCP is 0 and so is every phase.
    timeline({ activationStart: 5000, responseStart: 120 }, [
      { name: image.url, startTime: 300, requestStart: 310, responseEnd: 800 },
    ]);
    expect(lcpPhases(lcp(0, { ...image, startTime: 900 }))).toEqual([0, 0, 0, 0]);
    // The image was requested after activation: its phases count from there too.
    timeline({ activationStart: 5000, responseStart: 120 }, [
      { name: image.url, startTime: 5100, requestStart: 5150, responseEnd: 5600 },
    ]);
    expectParts(lcpPhases(lcp(900, { ...image, startTime: 5900 })), 900, 0, 150, 450, 300);
  });

  it('treats a missing navigation entry as a first byte at 0', () => {
    vi.spyOn(performance, 'getEntriesByType').mockReturnValue([]);
    expect(lcpPhases(lcp(800, { url: '', startTime: 800 }))).toEqual([0, 0, 0, 800]);
  });

  it('gives nothing without an LCP entry (a bfcache restore)', () => {
    timeline({ responseStart: 100 });
    expect(lcpPhases({ value: 40, entries: [] } as unknown as LCPMetric)).toBeUndefined();
  });
});

describe('inpPhases', () => {
  it('splits an interaction of several events at its first handler start and last handler end', () => {
    // pointerup and click of one tap: the same start and duration (Event Timing rounds it to 8 ms).
    const entries = [
      { startTime: 1000.4, processingStart: 1030.2, processingEnd: 1080, duration: 336 },
      { startTime: 1000.4, processingStart: 1080.1, processingEnd: 1290.6, duration: 336 },
    ];
    expectParts(inpPhases(inp(336, entries)), 336, 30, 260, 46);
  });

  it("takes the handlers of all the interaction's events when given their span", () => {
    // web-vitals hands over pointerdown alone; click's handler ran 250 ms before the same paint.
    const pointerdown = { startTime: 500, processingStart: 512, processingEnd: 514, duration: 304 };
    expectParts(inpPhases(inp(304, [pointerdown])), 304, 12, 2, 290);
    expectParts(inpPhases(inp(304, [pointerdown]), [512, 781.3, 'click', 250]), 304, 12, 269, 23);
  });

  it('clamps processing that ends after the rounded next paint', () => {
    const entries = [{ startTime: 100, processingStart: 110, processingEnd: 213, duration: 112 }];
    expect(inpPhases(inp(112, entries))).toEqual([10, 102, 0]);
  });

  it('gives nothing without entries (the stand-in INP after a bfcache restore)', () => {
    expect(inpPhases(inp(8, []))).toBeUndefined();
  });
});
