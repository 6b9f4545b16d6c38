/**
 * The series that explain a score (SPEC.md "Diagnosis"): per release, the phases of LCP and INP,
 * the culprits of poor vitals, the scripts that blocked the main thread, and error groups.
 *
 * Every release, culprit target, script and fingerprint passes through the label model's
 * ranking (labels/rankedLabels.ts), so only the heaviest few of each scope have series of their
 * own. These series are written once per page view or per error, not per beacon in the hot
 * loop, so they go through the families directly rather than through handles.
 */
import {
  INP_PHASES,
  LCP_PHASES,
  type ErrorEvent,
  type LongTaskEvent,
  type PageEvent,
  type VitalValue,
} from '@pulse/sdk/protocol';
import type { LabelModel, Sighting } from '../labels/labelModel.js';
import { CULPRIT_METRICS, OTHER, type PulseMetrics } from '../series/metrics.js';
import type { SeriesHistogram } from '../series/series.js';
import { ErrorGroups } from './errorGroups.js';

const MS = 1000;

/** Vitals recorded per release, with their unit: ms vitals in seconds, CLS as is. */
export const RELEASE_VITALS = ['LCP', 'INP', 'FCP', 'TTFB'] as const;

/** The page context every diagnosis series of a beacon shares. */
export interface DiagnosisContext {
  /** The admitted app and route (or `__other__`). */
  app: string;
  route: string;
  /** The release label (ranked by the page views each beacon starts), if the beacon has one. */
  release?: string;
  sighting: Sighting;
}

/**
 * The culprit of a vital: the element (LCP, CLS) or the interaction (INP: its event type and
 * target, `click button#pay`). Undefined when the browser named none.
 */
const culpritOf = (metric: (typeof CULPRIT_METRICS)[number], vital: VitalValue) => {
  if (vital.target === undefined || vital.target === '') return undefined;
  return metric === 'INP' && vital.type !== undefined
    ? `${vital.type} ${vital.target}`
    : vital.target;
};

function observePhases(
  family: SeriesHistogram<'app' | 'route' | 'phase'>,
  context: DiagnosisContext,
  phases: readonly string[],
  parts: readonly number[] | undefined,
) {
  // A phase list of another length is from another protocol revision: ignored, not misread.
  if (parts === undefined || parts.length !== phases.length) return;
  phases.forEach((phase, index) => {
    family.labels(context.app, context.route, phase).observe(parts[index]! / MS);
  });
}

export class DiagnosisRecorder {
  readonly errorGroups = new ErrorGroups();

  constructor(
    private readonly metrics: PulseMetrics,
    private readonly labels: LabelModel,
  ) {}

  view(context: DiagnosisContext): void {
    const { app, release } = context;
    if (release !== undefined) this.metrics.releasePageViewsTotal.labels(app, release).inc();
  }

  page(context: DiagnosisContext, event: PageEvent, score: number | undefined): void {
    const { metrics } = this;
    const { app, route, release } = context;
    const { vitals } = event;
    if (release !== undefined) {
      if (score !== undefined) metrics.releasePageScore.labels(app, release).observe(score);
      for (const metric of RELEASE_VITALS) {
        const vital = vitals[metric];
        if (vital !== undefined) {
          metrics.releaseWebVitalSeconds.labels(app, release, metric).observe(vital.value / MS);
        }
      }
      if (vitals.CLS !== undefined) {
        metrics.releaseLayoutShiftScore.labels(app, release).observe(vitals.CLS.value);
      }
    }
    observePhases(metrics.lcpPhaseSeconds, context, LCP_PHASES, vitals.LCP?.ph);
    observePhases(metrics.inpPhaseSeconds, context, INP_PHASES, vitals.INP?.ph);
    if (app === OTHER) return;
    for (const metric of CULPRIT_METRICS) {
      const vital = vitals[metric];
      if (vital === undefined || vital.rating === 'good') continue;
      const culprit = culpritOf(metric, vital);
      if (culprit === undefined) continue;
      const target = this.labels.ranked(
        'target',
        { app, route, metric },
        culprit,
        1,
        context.sighting,
      );
      metrics.culpritTotal.labels(app, route, metric, target).inc();
    }
  }

  long(context: DiagnosisContext, event: LongTaskEvent): void {
    if (event.s === undefined || context.app === OTHER) return;
    for (const script of event.s) {
      const seconds = script.d / MS;
      const label = this.labels.ranked(
        'script',
        { app: context.app },
        script.u,
        seconds,
        context.sighting,
      );
      this.metrics.scriptBlockingSecondsTotal.labels(context.app, label, script.i).inc(seconds);
    }
  }

  error(context: DiagnosisContext, event: ErrorEvent): void {
    const { app, release } = context;
    if (release !== undefined)
      this.metrics.releaseJsErrorsTotal.labels(app, release, event.kind).inc();
    if (app === OTHER) return;
    const fingerprint = this.labels.ranked('fingerprint', { app }, event.fp, 1, context.sighting);
    this.metrics.errorGroupTotal.labels(app, fingerprint, event.kind).inc();
    this.errorGroups.record(
      app,
      fingerprint,
      event.kind,
      context.route,
      release,
      event.msg,
      context.sighting.now,
    );
  }
}
