// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { ReleaseComparison, ReleaseFigures } from '../../diagnosis/releaseComparison.js';
import { direction, releasesContent } from './releasesPanel.js';

const figures = (release: string, overrides: Partial<ReleaseFigures>): ReleaseFigures => ({
  release,
  firstSeen: 1_795_367_000,
  pageViews: 40,
  score: 80,
  scored: 38,
  p75: { LCP: 2.1, INP: 0.18, FCP: 1.1, TTFB: 0.3, CLS: 0.05 },
  errors: 4,
  errorRate: 0.1,
  ...overrides,
});

const comparison: ReleaseComparison = {
  app: 'shop',
  releases: ['1.1.0', '1.0.0'],
  newest: figures('1.1.0', {
    pageViews: 25,
    score: 70,
    p75: { LCP: 3.1, INP: 0.12, FCP: 1.1, TTFB: 0.3, CLS: 0.05 },
  }),
  previous: figures('1.0.0', {}),
  delta: { score: -10, errorRate: 0, p75: { LCP: 1, INP: -0.06, FCP: 0, TTFB: 0, CLS: 0 } },
};

const render = (nodes: Node[]) => {
  const root = document.createElement('div');
  root.append(...nodes);
  return root;
};

describe('the Releases section', () => {
  it('tells worse from better by the figure: scores go up, durations and errors down', () => {
    expect(direction(-10, 'higher')).toBe('worse');
    expect(direction(1, 'lower')).toBe('worse');
    expect(direction(-0.06, 'lower')).toBe('better');
    expect(direction(0, 'lower')).toBe('');
    expect(direction(null, 'higher')).toBe('');
  });

  it('shows both releases with the page views behind each figure and a coloured change', () => {
    const root = render(releasesContent(comparison));
    expect([...root.querySelectorAll('thead th')].map((th) => th.textContent)).toEqual([
      '',
      '1.0.0',
      '1.1.0',
      'Change',
    ]);
    const row = (label: string) =>
      [...root.querySelectorAll('tbody tr')].find((tr) => tr.firstChild!.textContent === label)!;
    const cells = (label: string) => [...row(label).children].map((td) => td.textContent);
    expect(cells('Score (mean)')).toEqual(['Score (mean)', '8038 scored', '7038 scored', '−10']);
    expect(row('Score (mean)').querySelector('.delta')!.className).toBe('delta worse');
    expect(cells('LCP p75')).toEqual([
      'LCP p75',
      '2.10 s40 page views',
      '3.10 s25 page views',
      '+1.00 s',
    ]);
    expect(row('INP p75').querySelector('.delta')!.className).toBe('delta better');
    expect(cells('JS errors')[3]).toBe('±0.00 / view');
    expect(row('JS errors').querySelector('.delta')!.className).toBe('delta');
  });

  it('shows a single release without a change, and says how to send releases when none came', () => {
    const single = render(
      releasesContent({ ...comparison, previous: null, delta: null, releases: ['1.1.0'] }),
    );
    expect(single.textContent).toContain('1.1.0 is the only release seen so far.');
    expect([...single.querySelectorAll('thead th')].map((th) => th.textContent)).toEqual([
      '',
      '1.1.0',
    ]);
    expect(single.querySelectorAll('.delta')).toHaveLength(0);
    const none = render(
      releasesContent({ app: 'shop', releases: [], newest: null, previous: null, delta: null }),
    );
    expect(none.textContent).toContain('data-release');
  });
});
