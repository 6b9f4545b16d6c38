/**
 * The series that explain a score (SPEC.md "Diagnosis"): per release, the phases of LCP and INP,
 * the culprits of poor vitals, the scripts that blocked the main thread, and error groups.
 *
 * Every release, culprit target, script and fingerprint passes through the label model's
 * ranking (labels/rankedLabels.ts), so only the heaviest few of each scope have series of their
 * own. As in seriesHandles.ts, the series and ranking scopes of an app, a route and a release
 * are found once and kept (a page event writes a dozen of them): looked up by label values on
 * every beacon, they made recording three times as slow. Handles go when their value is evicted
 * or retired (`forget`, `retire`), so a later sighting makes the series anew.
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
import type { RankedScope } from '../labels/rankedLabels.js';
import {
  CULPRIT_METRICS,
  OTHER,
  type CappedLabel,
  type PulseMetrics,
  type RankedLabel,
} from '../series/metrics.js';
import type { CounterSeries, HistogramSeries } from '../series/series.js';
import { ErrorGroups } from './errorGroups.js';
import { LazyMap } from './lazyMap.js';

const MS = 1000;

/** Vitals recorded per release, in the order of `ReleaseHandles.vitals`. */
export const RELEASE_VITALS = ['LCP', 'INP', 'FCP', 'TTFB'] as const;

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

/** The series of one release of an app, each made on first use. */
class ReleaseHandles {
  private viewsSeries?: CounterSeries;
  private scoreSeries?: HistogramSeries;
  private clsSeries?: HistogramSeries;
  private readonly vitalSeries: (HistogramSeries | undefined)[] = [];
  readonly errors: LazyMap<string, CounterSeries>;

  constructor(
    private readonly metrics: PulseMetrics,
    private readonly app: string,
    private readonly release: string,
  ) {
    this.errors = new LazyMap((kind) => metrics.releaseJsErrorsTotal.labels(app, release, kind));
  }

  views(): CounterSeries {
    return (this.viewsSeries ??= this.metrics.releasePageViewsTotal.labels(this.app, this.release));
  }

  score(): HistogramSeries {
    return (this.scoreSeries ??= this.metrics.releasePageScore.labels(this.app, this.release));
  }

  cls(): HistogramSeries {
    return (this.clsSeries ??= this.metrics.releaseLayoutShiftScore.labels(this.app, this.release));
  }

  vital(index: number): HistogramSeries {
    const { metrics, app, release } = this;
    return (this.vitalSeries[index] ??= metrics.releaseWebVitalSeconds.labels(
      app,
      release,
      RELEASE_VITALS[index],
    ));
  }
}

/** The culprits of one metric on one route: its ranking scope and a counter per target. */
interface CulpritHandles {
  scope: RankedScope;
  targets: LazyMap<string, CounterSeries>;
}

/** The diagnosis series of one route of an app. */
class RouteDiagnosis {
  private readonly lcp: (HistogramSeries | undefined)[] = [];
  private readonly inp: (HistogramSeries | undefined)[] = [];
  /** One per `CULPRIT_METRICS` entry. */
  readonly culprits: CulpritHandles[];

  constructor(
    private readonly metrics: PulseMetrics,
    labels: LabelModel,
    private readonly app: string,
    private readonly route: string,
  ) {
    this.culprits = CULPRIT_METRICS.map((metric) => ({
      scope: labels.scope('target', { app, route, metric }),
      targets: new LazyMap((target) => metrics.culpritTotal.labels(app, route, metric, target)),
    }));
  }

  /** Observes the parts of LCP; a list of another length (another revision) is ignored. */
  observeLcpPhases(parts: readonly number[] | undefined): void {
    if (parts?.length === LCP_PHASES.length) {
      this.observe(this.lcp, this.metrics.lcpPhaseSeconds, LCP_PHASES, parts);
    }
  }

  /** Observes the parts of INP, likewise. */
  observeInpPhases(parts: readonly number[] | undefined): void {
    if (parts?.length === INP_PHASES.length) {
      this.observe(this.inp, this.metrics.inpPhaseSeconds, INP_PHASES, parts);
    }
  }

  private observe(
    kept: (HistogramSeries | undefined)[],
    family: PulseMetrics['lcpPhaseSeconds'],
    names: readonly string[],
    parts: readonly number[],
  ): void {
    for (let i = 0; i < names.length; i++) {
      (kept[i] ??= family.labels(this.app, this.route, names[i])).observe(parts[i]! / MS);
    }
  }
}

/** The diagnosis of one app: its ranking scopes, and its releases, scripts, groups and routes. */
class AppDiagnosis {
  readonly releaseScope: RankedScope;
  readonly scriptScope: RankedScope;
  readonly fingerprintScope: RankedScope;
  readonly releases: LazyMap<string, ReleaseHandles>;
  /** Script label → invoker → series. */
  readonly scripts: LazyMap<string, LazyMap<string, CounterSeries>>;
  /** Fingerprint label → kind → series. */
  readonly groups: LazyMap<string, LazyMap<string, CounterSeries>>;
  readonly routes: LazyMap<string, RouteDiagnosis>;

  constructor(metrics: PulseMetrics, labels: LabelModel, app: string) {
    this.releaseScope = labels.scope('release', { app });
    this.scriptScope = labels.scope('script', { app });
    this.fingerprintScope = labels.scope('fingerprint', { app });
    this.releases = new LazyMap((release) => new ReleaseHandles(metrics, app, release));
    this.scripts = new LazyMap(
      (script) =>
        new LazyMap((invoker) => metrics.scriptBlockingSecondsTotal.labels(app, script, invoker)),
    );
    this.groups = new LazyMap(
      (fingerprint) =>
        new LazyMap((kind) => metrics.errorGroupTotal.labels(app, fingerprint, kind)),
    );
    this.routes = new LazyMap((route) => new RouteDiagnosis(metrics, labels, app, route));
  }
}

/** What the diagnosis of one beacon shares: its app, route and release, and its sighting. */
export interface DiagnosisContext {
  /** The admitted app and route (or `__other__`). */
  app: string;
  route: string;
  diagnosis: AppDiagnosis;
  /** The release label (ranked by the page views each beacon starts), if the beacon has one. */
  release?: string;
  releaseHandles?: ReleaseHandles;
  sighting: Sighting;
}

export class DiagnosisRecorder {
  readonly errorGroups = new ErrorGroups();
  private readonly apps: LazyMap<string, AppDiagnosis>;

  constructor(
    private readonly labels: LabelModel,
    metrics: PulseMetrics,
  ) {
    this.apps = new LazyMap((app) => new AppDiagnosis(metrics, labels, app));
  }

  /**
   * The context of a beacon of the admitted `app` and `route`; its release (ranked by the page
   * views it starts) is resolved here, once per beacon.
   */
  context(
    app: string,
    route: string,
    release: string | undefined,
    views: number,
    sighting: Sighting,
  ): DiagnosisContext {
    const diagnosis = this.apps.get(app);
    const context: DiagnosisContext = { app, route, diagnosis, sighting };
    if (release !== undefined) {
      context.release = this.labels.ranked(diagnosis.releaseScope, release, views, sighting);
      context.releaseHandles = diagnosis.releases.get(context.release);
    }
    return context;
  }

  view(context: DiagnosisContext): void {
    context.releaseHandles?.views().inc();
  }

  page(context: DiagnosisContext, event: PageEvent, score: number | undefined): void {
    const { vitals } = event;
    const release = context.releaseHandles;
    if (release !== undefined) {
      if (score !== undefined) release.score().observe(score);
      for (let index = 0; index < RELEASE_VITALS.length; index++) {
        const vital = vitals[RELEASE_VITALS[index]!];
        if (vital !== undefined) release.vital(index).observe(vital.value / MS);
      }
      if (vitals.CLS !== undefined) release.cls().observe(vitals.CLS.value);
    }
    const route = context.diagnosis.routes.get(context.route);
    route.observeLcpPhases(vitals.LCP?.ph);
    route.observeInpPhases(vitals.INP?.ph);
    if (context.app === OTHER) return;
    for (let index = 0; index < CULPRIT_METRICS.length; index++) {
      const metric = CULPRIT_METRICS[index]!;
      const vital = vitals[metric];
      if (vital === undefined || vital.rating === 'good') continue;
      const culprit = culpritOf(metric, vital);
      if (culprit === undefined) continue;
      const { scope, targets } = route.culprits[index]!;
      targets.get(this.labels.ranked(scope, culprit, 1, context.sighting)).inc();
    }
  }

  long(context: DiagnosisContext, event: LongTaskEvent): void {
    if (event.s === undefined || context.app === OTHER) return;
    const { scriptScope, scripts } = context.diagnosis;
    for (const script of event.s) {
      const seconds = script.d / MS;
      const label = this.labels.ranked(scriptScope, script.u, seconds, context.sighting);
      scripts.get(label).get(script.i).inc(seconds);
    }
  }

  error(context: DiagnosisContext, event: ErrorEvent): void {
    context.releaseHandles?.errors.get(event.kind).inc();
    if (context.app === OTHER) return;
    const { fingerprintScope, groups } = context.diagnosis;
    const fingerprint = this.labels.ranked(fingerprintScope, event.fp, 1, context.sighting);
    groups.get(fingerprint).get(event.kind).inc();
    this.errorGroups.record(
      context.app,
      fingerprint,
      event.kind,
      context.route,
      context.release,
      event.msg,
      context.sighting.now,
    );
  }

  /** Drops the handles of an evicted app or route (its series were removed). */
  forget(label: CappedLabel, app: string, value: string): void {
    if (label === 'app') {
      this.apps.delete(app);
      this.errorGroups.forget(app);
    } else if (label === 'route') this.apps.peek(app)?.routes.delete(value);
  }

  /** Drops the handles of a ranked value that lost its slot (its series were removed). */
  retire(label: RankedLabel, scope: Readonly<Record<string, string>>, value: string): void {
    const diagnosis = this.apps.peek(scope.app!);
    if (diagnosis === undefined) return;
    if (label === 'release') diagnosis.releases.delete(value);
    else if (label === 'script') diagnosis.scripts.delete(value);
    else if (label === 'fingerprint') {
      diagnosis.groups.delete(value);
      this.errorGroups.forget(scope.app!, value);
    } else {
      const metric = CULPRIT_METRICS.indexOf(scope.metric as (typeof CULPRIT_METRICS)[number]);
      diagnosis.routes.peek(scope.route!)?.culprits[metric]?.targets.delete(value);
    }
  }
}
