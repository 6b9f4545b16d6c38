import { onCLS, onFCP, onINP, onLCP, onTTFB, type MetricType } from 'web-vitals';
import type { NavigationType, VitalName, VitalValue } from '../protocol.js';
import { supports } from '../lib/observe.js';
import { safe } from '../lib/safe.js';
import { selector } from '../lib/selector.js';
import { observeHandlerSpans, type HandlerSpan } from './handlerSpans.js';
import { inpPhases, lcpPhases } from './phases.js';

/** The fields of the entries that attribution reads, across entry types. */
type AttributedEntry = PerformanceEntry &
  Partial<LargestContentfulPaint & PerformanceEventTiming & LayoutShift>;

/**
 * A reported value with its rating, a compact attribution from the metric's own entries and, for
 * LCP and INP, the value's phases (phases.ts, from the same entries). The web-vitals attribution
 * build would give more, but costs ~2.4 KB brotli, more than the whole Pulse budget allows. One
 * generic rule serves all five metrics: take the entry with the largest `value` (CLS: the largest
 * layout shift; the others have no `value`, so the last entry: LCP's only entry, the INP
 * interaction's last event), then its element (LCP), event target (INP) or first shifted node
 * (CLS). The type is, for INP entries (those with an interactionId), the name of the
 * interaction's event whose handlers ran longest (handlerSpans.ts), else the entry's own: the
 * handler to blame, `click` rather than the `pointerdown` web-vitals hands over for a click.
 * FCP and TTFB entries name no element, so they get no attribution.
 */
const vitalValue = (
  metric: MetricType,
  spanOf: (interactionId: number) => HandlerSpan | undefined,
): VitalValue => {
  const { name, value, rating, entries } = metric;
  // Starts from an empty entry, so a metric without entries reads as one without attribution.
  const entry = (entries as AttributedEntry[]).reduce(
    (largest, next) => (largest.value! >= next.value! ? largest : next),
    {} as AttributedEntry,
  );
  const span = entry.interactionId ? spanOf(entry.interactionId) : undefined;
  return {
    value,
    rating,
    target: selector(
      entry.element || entry.target || (entry.sources || []).find((source) => source.node)?.node,
    ),
    type: entry.interactionId ? (span ? span[2] : entry.name) : undefined,
    ph: name == 'LCP' ? lcpPhases(metric) : name == 'INP' ? inpPhases(metric, span) : undefined,
  };
};

/**
 * Which navigation a page view's vitals come from, as observeVitals names a report's: `false` for
 * the document's own (the navigation, a bfcache restore), or the URL of a soft navigation, the
 * one the view's route change went to. A soft page view gets the URL only where the browser
 * reports soft navigations (Chromium's Soft Navigation API, tested as web-vitals tests it in
 * lib/softNavs.ts, so the two agree); elsewhere it takes the document's reports, as every view
 * did before the API: LCP and FCP never come again, INP and CLS only grow over the page. The URL
 * is read when the view starts, which watchHistory.ts does after the history change. URLs rather
 * than web-vitals' navigation ids: a view starts before the browser has detected (and numbered)
 * its soft navigation, and the previous one's last reports may arrive in between.
 */
export const navigationOf = (nav: NavigationType): string | false =>
  nav == 'soft' &&
  supports('soft-navigation') &&
  typeof globalThis.PerformanceSoftNavigation?.prototype?.getLargestInteractionContentfulPaint ==
    'function' &&
  location.href;

/**
 * Reports each of the five vitals every time its value changes (`reportAllChanges`), so live
 * listeners see LCP grow and INP/CLS worsen; the page event later keeps only the last value.
 * Values are sent as measured: the collector converts and buckets them. INP phases are computed
 * as INP is reported, while its interaction is among the handler spans kept. Returns the
 * disconnect function of those spans' observer: web-vitals offers no way to unsubscribe.
 *
 * With `reportSoftNavs`, where the browser has the Soft Navigation API, web-vitals starts LCP,
 * FCP, INP and CLS afresh at each soft navigation it detects (a user interaction that changed
 * the URL and painted) and reports them with `navigationType: 'soft-navigation'`; each report
 * names its navigation (navigationOf), so init() gives it to the page view it belongs to and
 * never to the one before. TTFB is left out: web-vitals reports a soft navigation's as 0, no
 * measurement at all.
 */
export const observeVitals = (
  report: (name: VitalName, value: VitalValue, navigation: string | false) => void,
): (() => void) => {
  // Observing before web-vitals does, so an interaction's span is complete when INP reports it.
  const [spanOf, disconnect] = observeHandlerSpans();
  const onReport = safe((metric: MetricType) =>
    report(
      metric.name,
      vitalValue(metric, spanOf),
      metric.navigationType == 'soft-navigation' && metric.navigationURL!,
    ),
  );
  // An options object of each metric's own: pulse.js's build relies on it to leave web-vitals'
  // initUnique out (sdk/scriptTagBuild.js).
  for (const on of [onLCP, onINP, onCLS, onFCP, onTTFB])
    on(onReport, { reportAllChanges: true, reportSoftNavs: on != onTTFB });
  return disconnect;
};
