// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { EngineSummary, RouteSummary, VitalSummary } from '../summarySchema.js';
import { enginesContent } from './enginesPanel.js';

const vital = (samples: number, p75: number | null): VitalSummary => ({
  samples,
  p75,
  rating: p75 === null ? null : 'good',
  ratings: { good: samples, 'needs-improvement': 0, poor: 0 },
});

const engine = (name: string, scored: number, vitals: EngineSummary['vitals']): EngineSummary => ({
  engine: name,
  score: { samples: scored, median: scored === 0 ? null : 88, buckets: [], poorShare: null },
  vitals,
});

const route = (engines: EngineSummary[]) => ({ engines }) as unknown as RouteSummary;

const rowsOf = (nodes: HTMLElement[]) => {
  const root = document.createElement('div');
  root.append(...nodes);
  return [...root.querySelectorAll('tbody tr')].map((tr) =>
    [...tr.querySelectorAll('td')].map((td) => td.textContent),
  );
};

describe('the Browser engines section', () => {
  it('shows each engine with its score, and what it never reported as such, not as a value', () => {
    const rows = rowsOf(
      enginesContent(
        route([
          engine('chromium', 40, {
            LCP: vital(40, 2.1),
            INP: vital(30, 0.18),
            CLS: vital(40, 0.05),
          }),
          engine('firefox', 12, { LCP: vital(12, 1.9), INP: vital(0, null), CLS: vital(0, null) }),
        ]),
      ),
    );
    expect(rows).toEqual([
      ['Chromium', '8840 scored', '2.10 s40 views', '180 ms30 views', '0.0540 views'],
      ['Firefox', '8812 scored', '1.90 s12 views', 'not reported', 'not reported'],
    ]);
  });

  it('says when there is nothing to split', () => {
    const root = document.createElement('div');
    root.append(...enginesContent(route([])));
    expect(root.textContent).toBe('No page views with vitals yet.');
  });
});
