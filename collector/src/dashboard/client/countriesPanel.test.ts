// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { CountryFigures } from '../../geography/geographyReport.js';
import { countriesContent, countryName } from './countriesPanel.js';

const figures = (country: string, overrides: Partial<CountryFigures> = {}): CountryFigures => ({
  country,
  pageViews: 10,
  scored: 8,
  medianScore: 92,
  goodShare: { LCP: 0.9, INP: 0.4, CLS: null, FCP: 1, TTFB: 0.6 },
  ...overrides,
});

const cellsOf = (nodes: HTMLElement[]) => {
  const root = document.createElement('div');
  root.append(...nodes);
  return [...root.querySelectorAll('tbody tr')].map((tr) =>
    [...tr.querySelectorAll('td')].map((td) => ({
      text: td.textContent,
      band: td.firstElementChild?.className ?? '',
    })),
  );
};

describe('the Countries section', () => {
  it('shows each country with its page views, median score and good share per vital', () => {
    const rows = cellsOf(
      countriesContent({
        app: 'shop',
        enabled: true,
        countries: [
          figures('NL'),
          figures('__other__', { medianScore: null, scored: 0 }),
          figures('__unknown__'),
        ],
      }),
    );
    expect(rows.map((row) => row[0]!.text)).toEqual([
      countryName('NL'),
      'Other countries',
      'Unknown',
    ]);
    expect(countryName('NL')).toMatch(/NL/);
    const [nl, other] = rows;
    expect(nl!.map((cell) => cell.text)).toEqual([
      countryName('NL'),
      '10',
      '928 scored',
      '90%',
      '40%',
      '–',
      '100%',
      '60%',
    ]);
    expect(nl!.slice(3).map((cell) => cell.band)).toEqual([
      'good',
      'poor',
      'detail',
      'good',
      'needs-improvement',
    ]);
    expect(other![2]!.text).toBe('none scored');
  });

  it('says so when no page view has a country yet', () => {
    const root = document.createElement('div');
    root.append(...countriesContent({ app: 'shop', enabled: true, countries: [] }));
    expect(root.textContent).toMatch(/No page views with a country yet/);
  });
});
