/// <reference lib="dom" />
/**
 * Reads `GET /api/v1/geography` for the app the dashboard shows and fills the "Countries"
 * section, which stays hidden while the collector records no country (no `--country-header`).
 * An answer for an app the viewer has since left is dropped.
 */
import type { Geography } from '../../geography/geographyReport.js';
import { countriesContent } from './countriesPanel.js';
import { rebuiltRegion } from './domWrites.js';

export function countriesFeed(section: HTMLElement, region: Element) {
  const show = rebuiltRegion(region, countriesContent);
  let current = '';
  return {
    /** Reads the countries of `app`; resolves once they are shown (or dropped). */
    async refresh(app: string): Promise<void> {
      current = app;
      if (app === '') return;
      let answer: Geography;
      try {
        const response = await fetch(`/api/v1/geography?${new URLSearchParams({ app })}`, {
          cache: 'no-store',
        });
        if (!response.ok) return;
        answer = (await response.json()) as Geography;
      } catch {
        // Unreachable collector: the status line says so already; keep what is shown.
        return;
      }
      if (app !== current) return;
      section.hidden = !answer.enabled;
      if (answer.enabled) show(answer);
    },
  };
}
