/**
 * `GET /api/v1/diagnosis?app=&route=`: the "Why" of a route, read from the same registry
 * `/metrics` renders, so the answer is what Prometheus would compute from the scrape.
 *
 * For each of LCP, INP and CLS whose p75 on the route misses "good": the p75 and its rating,
 * the mean of each phase (`pulse_*_phase_seconds` sum / count), the culprits with the share of
 * the route's needs-improvement and poor page views each explains (`pulse_culprit_total`
 * against `pulse_web_vital_rating_total`), and the advice of the rule table (advice.ts). The
 * app's blocking scripts come with it, each marked first- or third-party.
 */
import { INP_PHASES, LCP_PHASES } from '@pulse/sdk/protocol';
import { rateMetric } from '@pulse/sdk/score';
import { histogramQuantile } from '../dashboard/histogramQuantile.js';
import {
  sumHistograms,
  sumScalars,
  totalHistogram,
  totalScalar,
  type RegistryReading,
} from '../dashboard/registryReading.js';
import {
  diagnose,
  scriptAdvice,
  type Advice,
  type BlockingScript,
  type DiagnosedVital,
  type InpPhase,
  type LcpPhase,
  type VitalDiagnosis,
} from './advice.js';
import type { PageOrigins } from './pageOrigins.js';

/** The series a diagnosis reads. */
export const DIAGNOSIS_SERIES = [
  'pulse_web_vital_seconds',
  'pulse_layout_shift_score',
  'pulse_web_vital_rating_total',
  'pulse_lcp_phase_seconds',
  'pulse_inp_phase_seconds',
  'pulse_culprit_total',
  'pulse_script_blocking_seconds_total',
] as const;

/** Scripts listed per app: the heaviest, the rest left to `/metrics`. */
const TOP_SCRIPTS = 10;

/** A vital's diagnosis with the phases it was drawn from, so a reader can see them side by side. */
export interface RouteVitalDiagnosis extends VitalDiagnosis {
  /** Mean seconds of each phase over the route's page views; absent without phase data (CLS). */
  phases?: Partial<Record<LcpPhase | InpPhase, number>>;
}

export interface DiagnosisReport {
  app: string;
  route: string;
  /** Page views behind the figures (`pulse_web_vital_rating_total` of LCP, the most reported). */
  pageViews: number;
  vitals: RouteVitalDiagnosis[];
  scripts: BlockingScript[];
  scriptAdvice: Advice[];
}

/** The p75 of a vital on the route (seconds; CLS unitless), or null without samples. */
function p75Of(reading: RegistryReading, app: string, route: string, metric: DiagnosedVital) {
  const histogram =
    metric === 'CLS'
      ? totalHistogram(reading, 'pulse_layout_shift_score', { app, route })
      : totalHistogram(reading, 'pulse_web_vital_seconds', { app, route, metric });
  if (histogram === undefined || histogram.count === 0) return null;
  return histogramQuantile(0.75, histogram.buckets);
}

/** Mean seconds of each phase of `metric` on the route. */
function phasesOf(reading: RegistryReading, app: string, route: string, metric: DiagnosedVital) {
  if (metric === 'CLS') return undefined;
  const [family, names] =
    metric === 'LCP'
      ? ['pulse_lcp_phase_seconds', LCP_PHASES]
      : ['pulse_inp_phase_seconds', INP_PHASES];
  const byPhase = sumHistograms(reading, family, ['phase'], { app, route });
  const phases: Record<string, number> = {};
  for (const { labels, count, sum } of byPhase.values()) {
    if (count > 0 && (names as readonly string[]).includes(labels.phase!)) {
      phases[labels.phase!] = sum / count;
    }
  }
  return Object.keys(phases).length > 0 ? phases : undefined;
}

/**
 * Pulse's own script tags (`/pulse.js`, `/pulse.socket.js`, from the collector's origin): listed
 * with their time like any script, but never advised to be deferred or dropped as a third party,
 * since the app chose them to measure these very figures.
 */
const isPulseScript = (script: string) => /\/pulse(\.[a-z]+)?\.js$/.test(script);

/** The app's blocking scripts by seconds, with their share and party. */
export function blockingScripts(
  reading: RegistryReading,
  app: string,
  origins: PageOrigins,
): BlockingScript[] {
  const scripts = [
    ...sumScalars(reading, 'pulse_script_blocking_seconds_total', ['script', 'invoker'], {
      app,
    }).values(),
  ];
  const total = scripts.reduce((sum, { value }) => sum + value, 0);
  return scripts
    .filter(({ value }) => value > 0)
    .sort((a, b) => b.value - a.value)
    .slice(0, TOP_SCRIPTS)
    .map(({ labels, value }) => ({
      script: labels.script!,
      invoker: labels.invoker!,
      seconds: value,
      share: value / total,
      thirdParty:
        labels.script !== '__other__' &&
        !isPulseScript(labels.script!) &&
        !origins.isFirstParty(app, labels.script!),
    }));
}

export function diagnosisReport(
  reading: RegistryReading,
  app: string,
  route: string,
  origins: PageOrigins,
): DiagnosisReport {
  const scripts = blockingScripts(reading, app, origins);
  const vitals: RouteVitalDiagnosis[] = [];
  for (const metric of ['LCP', 'INP', 'CLS'] as const) {
    const p75 = p75Of(reading, app, route, metric);
    if (p75 === null) continue;
    // Ratings compare milliseconds, as web-vitals' thresholds do.
    const rating = rateMetric(metric, metric === 'CLS' ? p75 : p75 * 1000);
    if (rating === 'good') continue;
    const ratings = sumScalars(reading, 'pulse_web_vital_rating_total', ['rating'], {
      app,
      route,
      metric,
    });
    const missed = [...ratings.values()]
      .filter(({ labels }) => labels.rating !== 'good')
      .reduce((sum, { value }) => sum + value, 0);
    const culprits = [
      ...sumScalars(reading, 'pulse_culprit_total', ['target'], { app, route, metric }).values(),
    ]
      .sort((a, b) => b.value - a.value)
      .map(({ labels, value }) => ({
        target: labels.target!,
        share: missed > 0 ? value / missed : 0,
      }));
    const phases = phasesOf(reading, app, route, metric);
    vitals.push({ ...diagnose({ metric, rating, p75, phases, culprits, scripts }), phases });
  }
  return {
    app,
    route,
    pageViews: totalScalar(reading, 'pulse_web_vital_rating_total', { app, route, metric: 'LCP' }),
    vitals,
    scripts,
    scriptAdvice: scriptAdvice(scripts),
  };
}
