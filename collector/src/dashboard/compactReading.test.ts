import { describe, expect, it } from 'vitest';
import {
  compactBytes,
  compactReading,
  expandReading,
  groupedReading,
  windowReading,
} from './compactReading.js';
import type { HistogramSeries, RegistryReading } from './registryReading.js';
import { SERIES } from './seriesNames.js';

const BOUNDS = [50, 90, Infinity];

const score = (labels: Record<string, string>, counts: number[], sum: number): HistogramSeries => ({
  labels,
  buckets: BOUNDS.map((le, i) => ({ le, count: counts[i]! })),
  count: counts.at(-1)!,
  sum,
});

/** A raw reading as the registry gives it: devices and navigation types the summary sums away. */
function rawReading(
  at: number,
  views: { desktop: number; mobile: number },
  checkout = 0,
): RegistryReading {
  const route = (path: string, device: string) => ({
    app: 'shop',
    route: path,
    device,
    engine: 'chromium',
  });
  return {
    at,
    scalars: new Map([
      [
        SERIES.pageViews,
        [
          { labels: { app: 'shop', route: '/', navigation: 'navigate' }, value: views.desktop },
          { labels: { app: 'shop', route: '/', navigation: 'reload' }, value: views.mobile },
          ...(checkout > 0
            ? [
                {
                  labels: { app: 'shop', route: '/checkout', navigation: 'navigate' },
                  value: checkout,
                },
              ]
            : []),
        ],
      ],
    ]),
    histograms: new Map([
      [
        SERIES.pageScore,
        [
          score(route('/', 'desktop'), [0, views.desktop, views.desktop], 95 * views.desktop),
          score(
            route('/', 'mobile'),
            [views.mobile, views.mobile, views.mobile],
            40 * views.mobile,
          ),
        ],
      ],
    ]),
  };
}

describe('compactReading', () => {
  it('keeps a grouped reading exactly, 8 bytes a number', async () => {
    const grouped = await groupedReading(rawReading(1000, { desktop: 3, mobile: 2 }, 4));
    const compact = compactReading(grouped);
    expect(expandReading(compact)).toEqual(grouped);
    // Two page-view series (the navigation types summed), one score series of 3 buckets + sum.
    expect(grouped.scalars.get(SERIES.pageViews)).toHaveLength(2);
    expect(compactBytes(compact)).toBe((2 + 4) * 8);
  });

  it('shares the key lists of the previous reading when the series are the same', async () => {
    const first = compactReading(await groupedReading(rawReading(1000, { desktop: 1, mobile: 1 })));
    const second = compactReading(
      await groupedReading(rawReading(2000, { desktop: 5, mobile: 1 })),
      first,
    );
    const third = compactReading(
      await groupedReading(rawReading(3000, { desktop: 5, mobile: 1 }, 1)),
      second,
    );
    expect(second.families.get(SERIES.pageViews)!.keys).toBe(
      first.families.get(SERIES.pageViews)!.keys,
    );
    expect(second.families.get(SERIES.pageScore)!.les).toBe(
      first.families.get(SERIES.pageScore)!.les,
    );
    // A new route: a new key list for that family only.
    expect(third.families.get(SERIES.pageViews)!.keys).not.toBe(
      second.families.get(SERIES.pageViews)!.keys,
    );
    expect(third.families.get(SERIES.pageScore)!.keys).toBe(
      first.families.get(SERIES.pageScore)!.keys,
    );
  });

  it('counts a window as the increase since the stored reading, new and reset series whole', async () => {
    const base = compactReading(await groupedReading(rawReading(1000, { desktop: 3, mobile: 2 })));
    const now = await groupedReading(rawReading(9000, { desktop: 10, mobile: 2 }, 4));
    const window = windowReading(now, base);
    const views = Object.fromEntries(
      window.scalars.get(SERIES.pageViews)!.map((one) => [one.labels.route, one.value]),
    );
    // `/`: 12 - 5; `/checkout` was born in the window and counts from zero.
    expect(views).toEqual({ '/': 7, '/checkout': 4 });
    const [scores] = window.histograms.get(SERIES.pageScore)!;
    expect(scores!.count).toBe(7);
    expect(scores!.buckets.map((bucket) => bucket.count)).toEqual([0, 7, 7]);
    expect(scores!.sum).toBe(95 * 7);

    // The route's label value was evicted and admitted again: its counters restarted below.
    const restarted = windowReading(
      await groupedReading(rawReading(9000, { desktop: 1, mobile: 0 })),
      base,
    );
    expect(restarted.scalars.get(SERIES.pageViews)![0]!.value).toBe(1);
    expect(restarted.histograms.get(SERIES.pageScore)![0]!.count).toBe(1);
    // Without a stored reading, everything since the collector started.
    expect(windowReading(now, undefined)).toBe(now);
  });
});
