/// <reference lib="dom" />
/**
 * The "Browser engines" section: the selected route's page views split by engine (Chromium,
 * Firefox, WebKit), each with its median score and the p75 of LCP, INP and CLS. Engines report
 * different metrics (Firefox and WebKit have no Long Tasks API and no CLS, Firefox ESR no INP),
 * so a score is only comparable with scores of its own engine; a metric an engine never
 * reported reads "not reported", never a perfect value.
 */
import type { EngineSummary, RouteSummary, VitalSummary } from '../summarySchema.js';
import { element, table } from './elements.js';
import { formatCount, formatScore, formatVital } from './format.js';

const VITALS = ['LCP', 'INP', 'CLS'] as const;
const NAMES: Record<string, string> = {
  chromium: 'Chromium',
  firefox: 'Firefox',
  webkit: 'WebKit',
  other: 'Other or unknown',
};

function vitalCell(metric: string, vital: VitalSummary): HTMLElement {
  if (vital.samples === 0) return element('span', 'detail', 'not reported');
  return element(
    'span',
    vital.rating ?? '',
    formatVital(metric, vital.p75),
    element('small', 'detail', `${formatCount(vital.samples)} views`),
  );
}

function row(engine: EngineSummary): (Node | string)[] {
  const score =
    engine.score.samples === 0
      ? element('span', 'detail', 'none scored')
      : element(
          'span',
          '',
          formatScore(engine.score.median),
          element('small', 'detail', `${formatCount(engine.score.samples)} scored`),
        );
  return [
    NAMES[engine.engine] ?? engine.engine,
    score,
    ...VITALS.map((metric) => vitalCell(metric, engine.vitals[metric])),
  ];
}

export function enginesContent(route: RouteSummary): HTMLElement[] {
  if (route.engines.length === 0) {
    return [element('p', 'detail', 'No page views with vitals yet.')];
  }
  return [
    table(
      'engines',
      ['Engine', 'Median score', 'LCP p75', 'INP p75', 'CLS p75'],
      route.engines.map(row),
    ),
  ];
}
