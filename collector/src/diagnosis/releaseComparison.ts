/**
 * `GET /api/v1/releases?app=`: the app's newest release beside the one before it, from the
 * `pulse_release_*` series: page views, page score, p75 of each vital, JavaScript errors per
 * page view, and the change from the previous release. The newest release is the one first seen
 * last (`pulse_release_first_seen_timestamp_seconds`), as the alert rules read it in PromQL.
 */
import { histogramQuantile } from '../dashboard/histogramQuantile.js';
import {
  sumScalars,
  totalHistogram,
  totalScalar,
  type RegistryReading,
} from '../dashboard/registryReading.js';
import { OTHER } from '../series/metrics.js';

/** The first-seen gauge, the one series that orders an app's releases. */
export const FIRST_SEEN_SERIES = 'pulse_release_first_seen_timestamp_seconds';

export const RELEASE_SERIES = [
  'pulse_release_page_views_total',
  'pulse_release_page_score',
  'pulse_release_web_vital_seconds',
  'pulse_release_layout_shift_score',
  'pulse_release_js_errors_total',
  FIRST_SEEN_SERIES,
] as const;

const VITALS = ['LCP', 'INP', 'FCP', 'TTFB'] as const;

export interface ReleaseFigures {
  release: string;
  /** Unix seconds this collector first saw it. */
  firstSeen: number;
  pageViews: number;
  /** Mean page score, 0..100, and how many scored page views it is over. */
  score: number | null;
  scored: number;
  /** p75 per vital: seconds, CLS unitless; null without samples. */
  p75: Record<'LCP' | 'INP' | 'FCP' | 'TTFB' | 'CLS', number | null>;
  errors: number;
  /** JavaScript errors per page view. */
  errorRate: number | null;
}

export interface ReleaseComparison {
  app: string;
  /** Releases with series of their own, newest first. */
  releases: string[];
  newest: ReleaseFigures | null;
  previous: ReleaseFigures | null;
  /** newest − previous, for each figure both have. */
  delta: {
    score: number | null;
    errorRate: number | null;
    p75: Record<string, number | null>;
  } | null;
}

function figures(reading: RegistryReading, app: string, release: string, firstSeen: number) {
  const match = { app, release };
  const score = totalHistogram(reading, 'pulse_release_page_score', match);
  const p75 = (histogram: ReturnType<typeof totalHistogram>) =>
    histogram === undefined || histogram.count === 0
      ? null
      : histogramQuantile(0.75, histogram.buckets);
  const pageViews = totalScalar(reading, 'pulse_release_page_views_total', match);
  const errors = totalScalar(reading, 'pulse_release_js_errors_total', match);
  const result: ReleaseFigures = {
    release,
    firstSeen,
    pageViews,
    score: score !== undefined && score.count > 0 ? score.sum / score.count : null,
    scored: score?.count ?? 0,
    p75: {
      LCP: null,
      INP: null,
      FCP: null,
      TTFB: null,
      CLS: p75(totalHistogram(reading, 'pulse_release_layout_shift_score', match)),
    },
    errors,
    errorRate: pageViews > 0 ? errors / pageViews : null,
  };
  for (const metric of VITALS) {
    result.p75[metric] = p75(
      totalHistogram(reading, 'pulse_release_web_vital_seconds', { ...match, metric }),
    );
  }
  return result;
}

/** The app's releases with series of their own and when each was first seen, newest first. */
export function releasesNewestFirst(reading: RegistryReading, app: string) {
  return [...sumScalars(reading, FIRST_SEEN_SERIES, ['release'], { app }).values()]
    .filter(({ labels }) => labels.release !== OTHER)
    .sort((a, b) => b.value - a.value)
    .map(({ labels, value }) => ({ release: labels.release!, firstSeen: value }));
}

const minus = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);

export function releaseComparison(reading: RegistryReading, app: string): ReleaseComparison {
  const firstSeen = releasesNewestFirst(reading, app);
  const [newest, previous] = firstSeen
    .slice(0, 2)
    .map(({ release, firstSeen: at }) => figures(reading, app, release, at));
  const delta =
    newest !== undefined && previous !== undefined
      ? {
          score: minus(newest.score, previous.score),
          errorRate: minus(newest.errorRate, previous.errorRate),
          p75: Object.fromEntries(
            Object.keys(newest.p75).map((metric) => [
              metric,
              minus(
                newest.p75[metric as keyof ReleaseFigures['p75']],
                previous.p75[metric as keyof ReleaseFigures['p75']],
              ),
            ]),
          ),
        }
      : null;
  return {
    app,
    releases: firstSeen.map(({ release }) => release),
    newest: newest ?? null,
    previous: previous ?? null,
    delta,
  };
}
