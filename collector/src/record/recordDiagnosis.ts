/**
 * The series that explain a score (SPEC.md "Diagnosis"): per release, the phases of LCP and INP,
 * the culprits of poor vitals, the scripts that blocked the main thread, and error groups.
 *
 * Every release, culprit target, script and fingerprint passes through the label model's
 * ranking (labels/rankedLabels.ts), so only the heaviest few of each scope have series of their
 * own. As in seriesHandles.ts, the series and ranking scopes of an app, a route and a release
 * are found once and kept (a page event writes a dozen of them): looked up by label values on
 * every beacon, they made recording three times as slow. A ranked value's series hang on its
 * slot in the ranking (`Slot.handle`), so a sighting is one Map lookup, not one for the ranking
 * and another for the series; the ranking drops them when the value loses its slot, the
 * recorder when an app or route is evicted (`forget`), so a later sighting makes them anew.
 * A release's series, and a route's phases, keep a handle each rather than a block of their own
 * as in seriesHandles.ts: measured with recordCost.ts (median of 4 alternating runs), the
 * phases in the route's block were no faster (8.1 µs per bench beacon warm and 11.1 at 4 MiB
 * evicted, against 7.9 and 11.3), and the release's block cost more than it saved.
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
import { ERROR_KINDS, SCRIPT_INVOKERS } from '../beacon/schema.js';
import { ErrorGroups, type ErrorGroup } from './errorGroups.js';
import { LazyMap } from './lazyMap.js';

const MS = 1000;

/** Vitals recorded per release, in the order of `ReleaseSeries.vital(index)`. */
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
class ReleaseSeries {
  private viewsSeries?: CounterSeries;
  private scoreSeries?: HistogramSeries;
  private clsSeries?: HistogramSeries;
  private readonly vitalSeries: (HistogramSeries | undefined)[] = [];
  private readonly errorSeries: (CounterSeries | undefined)[] = [];

  constructor(
    private readonly metrics: PulseMetrics,
    private readonly app: string,
    private readonly release: string,
  ) {}

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

  error(kind: ErrorEvent['kind']): CounterSeries {
    return (this.errorSeries[ERROR_KINDS.indexOf(kind)] ??=
      this.metrics.releaseJsErrorsTotal.labels(this.app, this.release, kind));
  }
}

/** What a script's slot keeps: its counter per invoker, in `SCRIPT_INVOKERS` order. */
type ScriptSeries = (CounterSeries | undefined)[];

/** What a fingerprint's slot keeps: its counter per kind (`ERROR_KINDS` order), and its group. */
interface GroupHandles {
  kinds: (CounterSeries | undefined)[];
  group?: ErrorGroup;
}

/** The culprits of one metric on one route: its ranking scope, each target's counter on its slot. */
interface CulpritHandles {
  scope: RankedScope<CounterSeries>;
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

/** The diagnosis of one app: its ranking scopes (whose slots keep the series), and its routes. */
class AppDiagnosis {
  readonly releaseScope: RankedScope<ReleaseSeries>;
  readonly scriptScope: RankedScope<ScriptSeries>;
  readonly fingerprintScope: RankedScope<GroupHandles>;
  readonly routes: LazyMap<string, RouteDiagnosis>;

  constructor(metrics: PulseMetrics, labels: LabelModel, app: string) {
    this.releaseScope = labels.scope('release', { app });
    this.scriptScope = labels.scope('script', { app });
    this.fingerprintScope = labels.scope('fingerprint', { app });
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
  releaseSeries?: ReleaseSeries;
  sighting: Sighting;
}

export class DiagnosisRecorder {
  readonly errorGroups = new ErrorGroups();
  private readonly apps: LazyMap<string, AppDiagnosis>;

  constructor(
    private readonly labels: LabelModel,
    private readonly metrics: PulseMetrics,
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
      const slot = this.labels.ranked(diagnosis.releaseScope, release, views, sighting);
      context.release = slot.value;
      context.releaseSeries = slot.handle ??= new ReleaseSeries(this.metrics, app, slot.value);
    }
    return context;
  }

  view(context: DiagnosisContext): void {
    context.releaseSeries?.views().inc();
  }

  page(context: DiagnosisContext, event: PageEvent, score: number | undefined): void {
    const { vitals } = event;
    const release = context.releaseSeries;
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
      const { scope } = route.culprits[index]!;
      const slot = this.labels.ranked(scope, culprit, 1, context.sighting);
      (slot.handle ??= this.metrics.culpritTotal.labels(
        context.app,
        context.route,
        metric,
        slot.value,
      )).inc();
    }
  }

  long(context: DiagnosisContext, event: LongTaskEvent): void {
    if (event.s === undefined || context.app === OTHER) return;
    const { scriptScope } = context.diagnosis;
    for (const script of event.s) {
      const seconds = script.d / MS;
      const slot = this.labels.ranked(scriptScope, script.u, seconds, context.sighting);
      const invokers = (slot.handle ??= []);
      const invoker = SCRIPT_INVOKERS.indexOf(script.i);
      (invokers[invoker] ??= this.metrics.scriptBlockingSecondsTotal.labels(
        context.app,
        slot.value,
        script.i,
      )).inc(seconds);
    }
  }

  error(context: DiagnosisContext, event: ErrorEvent): void {
    context.releaseSeries?.error(event.kind).inc();
    if (context.app === OTHER) return;
    const { app, sighting } = context;
    const slot = this.labels.ranked(context.diagnosis.fingerprintScope, event.fp, 1, sighting);
    const handles = (slot.handle ??= { kinds: [] });
    (handles.kinds[ERROR_KINDS.indexOf(event.kind)] ??= this.metrics.errorGroupTotal.labels(
      app,
      slot.value,
      event.kind,
    )).inc();
    handles.group ??= this.errorGroups.group(app, slot.value, sighting.now);
    this.errorGroups.count(
      handles.group,
      event.kind,
      context.route,
      context.release,
      event.msg,
      sighting.now,
    );
  }

  /** Drops the handles of an evicted app or route (its series were removed). */
  forget(label: CappedLabel, app: string, value: string): void {
    if (label === 'app') {
      this.apps.delete(app);
      this.errorGroups.forget(app);
    } else if (label === 'route') this.apps.peek(app)?.routes.delete(value);
  }

  /**
   * A ranked value lost its slot (its series were removed, and the ranking dropped the handles
   * kept on the slot): its error group goes too.
   */
  retire(label: RankedLabel, scope: Readonly<Record<string, string>>, value: string): void {
    if (label === 'fingerprint') this.errorGroups.forget(scope.app!, value);
  }
}
