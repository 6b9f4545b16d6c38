/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The dashboard page: polls the summary endpoint, and the diagnosis endpoints for the app and
 * route it shows, then writes only what changed. Polling (not SSE) keeps the collector stateless
 * per viewer and works through any proxy; it pauses while the tab is hidden.
 */
import type { AppSummary, RouteSummary, Summary } from '../summarySchema.js';
import { showFigure, showVital } from './cards.js';
import { scoreBars, timeChart } from './charts.js';
import { countriesFeed } from './countriesFeed.js';
import { diagnosisFeed } from './diagnosisFeed.js';
import { rebuiltRegion, required, setOptions, setText } from './domWrites.js';
import { enginesContent } from './enginesPanel.js';
import { errorsContent } from './errorsPanel.js';
import {
  formatBytes,
  formatCount,
  formatRate,
  formatScore,
  formatSeconds,
  formatShare,
  formatWindow,
  scoreBand,
} from './format.js';
import { releasesContent } from './releasesPanel.js';
import { routesTable } from './routesTable.js';
import { whyContent } from './whyPanel.js';
import { showCalls } from './callsPanel.js';
import { showMessages } from './messagesPanel.js';

const SUMMARY_URL = '/api/v1/summary';
const VITALS = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'] as const;

const pollInterval = Number(document.body.dataset.pollInterval) || 2000;
const appSelect = required<HTMLSelectElement>(document, '#app');
const routeSelect = required<HTMLSelectElement>(document, '#route');
const rangeSelect = required<HTMLSelectElement>(document, '#range');
const status = required<HTMLElement>(document, '#status');
const plot = (id: string) => required<HTMLElement>(document, `#${id} .plot`);

/**
 * The chosen app, route and range live in the URL fragment, so a view can be shared as a link.
 * The range picker lists what the server's source answers, its default selected.
 */
const state = (() => {
  const hash = new URLSearchParams(location.hash.slice(1));
  const offered = [...rangeSelect.options].map((option) => option.value);
  const range = hash.get('range') ?? '';
  return {
    app: hash.get('app') ?? '',
    route: hash.get('route') ?? '*',
    range: offered.includes(range) ? range : rangeSelect.value,
  };
})();
rangeSelect.value = state.range;
let latest: Summary | undefined;

const charts = {
  scoreDistribution: scoreBars(plot('chart-score-distribution')),
  scoreMedian: timeChart(
    plot('chart-score-median'),
    [{ label: 'Median score', value: (v) => v.toFixed(0) }],
    [0, 100],
  ),
  socketScore: timeChart(
    plot('chart-socket-score'),
    [{ label: 'Score', value: (v) => v.toFixed(0) }],
    [0, 100],
  ),
  socketLatency: timeChart(plot('chart-socket-latency'), [
    { label: 'RTT p75', value: (v) => `${v.toFixed(0)} ms` },
    { label: 'Jitter p75', value: (v) => `${v.toFixed(0)} ms` },
  ]),
  socketLoss: timeChart(plot('chart-socket-loss'), [
    { label: 'Loss', colour: '#e0382f', value: (v) => `${v.toFixed(1)}%` },
  ]),
  beacons: timeChart(plot('chart-beacons'), [
    { label: 'Beacons/s', value: (v) => v.toFixed(1) },
    { label: 'Rejected/s', colour: '#e0382f', value: (v) => v.toFixed(1) },
  ]),
  heap: timeChart(plot('chart-heap'), [
    { label: 'Heap median', value: (v) => `${v.toFixed(1)} MB` },
  ]),
};
const showWhy = rebuiltRegion(required(document, '#why'), whyContent);
const showEngines = rebuiltRegion(required(document, '#engines'), enginesContent);
const showReleases = rebuiltRegion(required(document, '#releases'), releasesContent);
const showErrors = rebuiltRegion(required(document, '#errors'), errorsContent);
const countries = countriesFeed(
  required(document, '#countries-section'),
  required(document, '#countries'),
);
const diagnosis = diagnosisFeed({
  selecting: ({ route }) =>
    showWhy(route === '*' ? { kind: 'no-route' } : { kind: 'loading', route }),
  answered: ({ route }, { report, releases, errors }) => {
    if (route === '*') showWhy({ kind: 'no-route' });
    else if (report !== undefined) showWhy({ kind: 'report', report });
    if (releases !== undefined) showReleases(releases);
    if (errors !== undefined) showErrors(errors);
  },
});

/** A new choice of app or route: figures at once, its diagnosis as soon as it is read. */
function select(): void {
  render();
  void diagnosis.refresh(state);
  void countries.refresh(state.app);
}

const table = routesTable(required(document, '#routes tbody'), (route) => {
  state.route = route;
  select();
});

appSelect.addEventListener('change', () => {
  state.app = appSelect.value;
  state.route = '*';
  select();
});
routeSelect.addEventListener('change', () => {
  state.route = routeSelect.value;
  select();
});
rangeSelect.addEventListener('change', () => {
  state.range = rangeSelect.value;
  // The figures shown are the old range's until the new one answers: fetch it now.
  latest = undefined;
  schedule(0, true);
});
setText(
  required(document, '#snippet'),
  `<script src="${location.origin}/pulse.js" data-app="shop" defer></script>`,
);

const scale = (values: ReadonlyArray<number | null>, factor: number) =>
  values.map((value) => (value === null ? null : value * factor));

function render(): void {
  const summary = latest;
  if (summary === undefined) return;
  required<HTMLElement>(document, '#empty').hidden = summary.apps.length > 0;
  setOptions(
    appSelect,
    summary.apps.map((app) => [app.app, app.app]),
  );
  const app = summary.apps.find((one) => one.app === state.app) ?? summary.apps[0];
  state.app = app?.app ?? '';
  appSelect.value = state.app;
  setOptions(routeSelect, [
    ['*', 'All routes'],
    ...(app?.routes ?? []).map((route): [string, string] => [route.route, route.route]),
  ]);
  const route = app?.routes.find((one) => one.route === state.route) ?? app?.overall;
  state.route = route?.route ?? '*';
  routeSelect.value = state.route;
  const hash = new URLSearchParams({
    app: state.app,
    route: state.route,
    range: state.range,
  }).toString();
  if (location.hash.slice(1) !== hash) history.replaceState(null, '', `#${hash}`);

  showHealth(summary);
  for (const scope of document.querySelectorAll('.scope')) {
    setText(
      scope,
      app === undefined ? '' : `${app.app} · ${state.route === '*' ? 'all routes' : state.route}`,
    );
  }
  for (const scope of document.querySelectorAll('.app-scope')) setText(scope, state.app);
  if (route !== undefined) showRoute(route);
  table.update(app, state.route);
  if (app !== undefined) showApp(summary, app);
}

function showHealth(summary: Summary): void {
  const { collector } = summary;
  showFigure(document, 'beacons-per-second', {
    value: collector.beaconsPerSecond,
    text: formatRate(collector.beaconsPerSecond),
    detail: `${formatCount(collector.beacons)} beacons, ${formatCount(collector.events)} events`,
  });
  const pageViews = summary.apps.reduce((sum, app) => sum + app.overall.pageViews, 0);
  showFigure(document, 'page-views', {
    value: pageViews,
    text: formatCount(pageViews),
    detail: `${summary.apps.length} app${summary.apps.length === 1 ? '' : 's'}`,
  });
  const reasons = Object.entries(collector.rejectedByReason)
    .filter(([, count]) => count > 0)
    .map(([reason, count]) => `${reason} ${formatCount(count)}`);
  showFigure(document, 'rejected', {
    value: collector.rejected,
    text: formatCount(collector.rejected),
    detail: reasons.join(' · ') || 'none',
    band: collector.rejected > 0 ? 'needs-improvement' : '',
  });
  const overflow = Object.entries(collector.labelOverflowByLabel)
    .filter(([, count]) => count > 0)
    .map(([label, count]) => `${label} ${formatCount(count)}`);
  showFigure(document, 'label-overflow', {
    value: collector.labelOverflow,
    text: formatCount(collector.labelOverflow),
    detail: overflow.join(' · ') || 'within caps',
    band: collector.labelOverflow > 0 ? 'needs-improvement' : '',
  });
  charts.beacons.setData([
    summary.timeline.t,
    collector.timeline.beaconsPerSecond,
    collector.timeline.rejectedPerSecond,
  ]);
}

/** Figures of the selected route (or all routes). */
function showRoute(route: RouteSummary): void {
  showFigure(document, 'score-median', {
    value: route.score.median,
    text: formatScore(route.score.median),
    detail: `${formatCount(route.score.samples)} scored page views`,
    band: scoreBand(route.score.median),
  });
  showFigure(document, 'score-poor', {
    value: route.score.poorShare,
    text: formatShare(route.score.poorShare),
    detail: 'of scored page views',
    band: route.score.poorShare !== null && route.score.poorShare > 0.25 ? 'poor' : '',
  });
  showFigure(document, 'errors', {
    value: route.errors,
    text: formatCount(route.errors),
    detail: `${formatCount(route.pageViews)} page views`,
    band: route.errors > 0 ? 'poor' : '',
  });
  charts.scoreDistribution.update(route.score);
  for (const metric of VITALS) showVital(document, metric, route.vitals[metric]);
  showEngines(route);
  const kinds = Object.entries(route.longTasks.byKind).map(
    ([kind, count]) => `${kind} ${formatCount(count)}`,
  );
  showFigure(document, 'long-tasks', {
    value: route.longTasks.samples,
    text: formatCount(route.longTasks.samples),
    detail: kinds.join(' · ') || 'none recorded',
  });
  showFigure(document, 'long-task-p75', {
    value: route.longTasks.p75,
    text: formatSeconds(route.longTasks.p75),
    detail: `mean ${formatSeconds(route.longTasks.mean)}`,
  });
  showFigure(document, 'tbt-p75', {
    value: route.tbt.p75,
    text: formatSeconds(route.tbt.p75),
    detail: `${formatCount(route.tbt.samples)} page views`,
    band:
      route.tbt.p75 === null
        ? ''
        : route.tbt.p75 <= 0.2
          ? 'good'
          : route.tbt.p75 <= 0.6
            ? 'needs-improvement'
            : 'poor',
  });
}

/** App-wide figures: memory, socket quality and the time charts. */
function showApp(summary: Summary, app: AppSummary): void {
  const { socket, timeline, memory } = app;
  showFigure(document, 'heap-median', {
    value: memory.median,
    text: formatBytes(memory.median),
    detail: `p75 ${formatBytes(memory.p75)} · ${formatCount(memory.samples)} page views`,
  });
  const lastOf = (values: ReadonlyArray<number | null>) => values.at(-1) ?? null;
  const window = `last ${formatWindow(summary.timeline.rateWindowSeconds)}`;
  showFigure(document, 'socket-score', {
    value: socket.score.median,
    text: formatScore(socket.score.median),
    detail: `${window}: ${formatScore(lastOf(timeline.socketScoreMedian))} · ${formatCount(socket.score.samples)} reports`,
    band: scoreBand(socket.score.median),
  });
  showFigure(document, 'socket-rtt', {
    value: socket.rtt.p75,
    text: formatSeconds(socket.rtt.p75),
    detail: `${window}: ${formatSeconds(lastOf(timeline.rttP75))}`,
  });
  showFigure(document, 'socket-jitter', {
    value: socket.jitter.p75,
    text: formatSeconds(socket.jitter.p75),
    detail: `${window}: ${formatSeconds(lastOf(timeline.jitterP75))}`,
  });
  showFigure(document, 'socket-loss', {
    value: socket.loss.mean,
    text: formatShare(socket.loss.mean, 1),
    detail: `${window}: ${formatShare(lastOf(timeline.lossMean), 1)} · ${formatCount(socket.reconnects)} reconnects`,
    band: socket.loss.mean !== null && socket.loss.mean > 0.02 ? 'poor' : '',
  });
  const t = summary.timeline.t;
  charts.scoreMedian.setData([t, timeline.scoreMedian]);
  charts.socketScore.setData([t, timeline.socketScoreMedian]);
  charts.socketLatency.setData([t, scale(timeline.rttP75, 1000), scale(timeline.jitterP75, 1000)]);
  charts.socketLoss.setData([t, scale(timeline.lossMean, 100)]);
  charts.heap.setData([t, scale(timeline.heapMedian, 1e-6)]);
  showCalls(document, app.calls);
  showMessages(document, app.messages);
}

async function poll(): Promise<void> {
  try {
    const range = state.range;
    const response = await fetch(`${SUMMARY_URL}?range=${encodeURIComponent(range)}`, {
      cache: 'no-store',
    });
    if (!response.ok) throw new Error(`summary answered ${response.status}`);
    const summary = (await response.json()) as Summary;
    // An answer for a range the viewer has left meanwhile is dropped.
    if (range !== state.range) return;
    latest = summary;
    render();
    await diagnosis.refresh(state);
    await countries.refresh(state.app);
    status.classList.remove('offline');
    const source = latest.range.source === 'prometheus' ? 'fleet' : 'this collector';
    setText(status, `Live · ${source} · ${new Date(latest.generatedAt).toLocaleTimeString()}`);
    document.body.dataset.updates = String(Number(document.body.dataset.updates ?? 0) + 1);
  } catch {
    // The collector (or its query engine) restarting is normal; say so and keep polling.
    status.classList.add('offline');
    setText(
      status,
      document.body.dataset.source === 'prometheus'
        ? 'Collector or query engine unreachable, retrying…'
        : 'Collector unreachable, retrying…',
    );
  }
}

/** True while a poll is in flight or waiting for its timer: never two loops at once. */
let scheduled = false;
/** The pending timer, which a new choice of range replaces by an immediate poll. */
let timer: ReturnType<typeof setTimeout> | undefined;
let polling = false;
/** A new range was chosen while a poll was in flight: poll again as soon as it ends. */
let pollAgain = false;
function schedule(delay: number, now = false): void {
  if (now && scheduled && !polling) {
    clearTimeout(timer);
    scheduled = false;
  }
  if (scheduled) {
    // A poll in flight for the old range: its answer is dropped and the loop asks again at once.
    if (now) pollAgain = true;
    return;
  }
  scheduled = true;
  timer = setTimeout(() => {
    polling = true;
    void poll().then(() => {
      polling = false;
      scheduled = false;
      const again = pollAgain;
      pollAgain = false;
      if (document.visibilityState === 'visible') schedule(again ? 0 : pollInterval);
    });
  }, delay);
}
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') schedule(0);
});
schedule(0);
