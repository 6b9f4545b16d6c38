/**
 * The dashboard's HTML: a static skeleton the page script fills in. Every figure has its place
 * from the start, so a live update only changes text, widths and chart data, never the layout.
 */

/** Paths of the dashboard's own files, under one prefix so they cannot clash with the API. */
export const ASSET_PATHS = {
  uplotScript: '/dashboard/uplot.js',
  uplotStyles: '/dashboard/uplot.css',
  styles: '/dashboard/dashboard.css',
  script: '/dashboard/main.js',
} as const;

const VITALS: ReadonlyArray<[name: string, title: string]> = [
  ['LCP', 'Largest Contentful Paint'],
  ['INP', 'Interaction to Next Paint'],
  ['CLS', 'Cumulative Layout Shift'],
  ['FCP', 'First Contentful Paint'],
  ['TTFB', 'Time to First Byte'],
];

/** A figure card: title, main value, and an optional line of detail. */
const card = (figure: string, title: string, attributes = '') => `
  <article class="card" data-figure="${figure}"${attributes}>
    <h3>${title}</h3>
    <p class="value" data-value="">–</p>
    <p class="detail"></p>
  </article>`;

const vitalCard = ([name, title]: [string, string]) => `
  <article class="card vital" data-figure="vital" data-metric="${name}" title="${title}">
    <h3>${name} <small>p75</small></h3>
    <p class="value" data-value="">–</p>
    <div class="ratings" aria-label="Share of page views by rating">
      <span class="good"></span><span class="needs-improvement"></span><span class="poor"></span>
    </div>
    <p class="detail"></p>
  </article>`;

const chart = (id: string, title: string) => `
  <figure class="chart" id="${id}"><figcaption>${title}</figcaption><div class="plot"></div></figure>`;

/** What the page is told by the server: its poll interval, and the ranges its source answers. */
export interface PageSettings {
  pollIntervalMs: number;
  ranges: ReadonlyArray<{ name: string; label: string }>;
  defaultRange: string;
  /** Where the figures come from, for the footer. */
  source: 'collector' | 'prometheus';
}

const SOURCE_NOTES = {
  collector: `Figures of this collector's own series over the chosen range (at most since it started;
<a href="/metrics">/metrics</a> is the same registry). Start it with <code>--prometheus-url</code>
for the whole fleet.`,
  prometheus: `Figures of the whole fleet, read with PromQL from the query engine given by
<code>--prometheus-url</code>.`,
} as const;

/** The page, with the settings its script reads from its body and range picker. */
export function renderPage(settings: PageSettings): string {
  const rangeOptions = settings.ranges
    .map(
      ({ name, label }) =>
        `<option value="${name}"${name === settings.defaultRange ? ' selected' : ''}>${label}</option>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pulse · live dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${ASSET_PATHS.uplotStyles}">
<link rel="stylesheet" href="${ASSET_PATHS.styles}">
<script src="${ASSET_PATHS.uplotScript}" defer></script>
<script type="module" src="${ASSET_PATHS.script}"></script>
</head>
<body data-poll-interval="${settings.pollIntervalMs}" data-source="${settings.source}">
<header>
  <h1>Pulse</h1>
  <label>App <select id="app"></select></label>
  <label>Route <select id="route"><option value="*">All routes</option></select></label>
  <label>Range <select id="range">${rangeOptions}</select></label>
  <span id="status" role="status">Connecting…</span>
</header>
<main>
  <p id="empty" hidden>No beacons yet. Add <code id="snippet"></code> to a page and open it:
    figures appear here within seconds.</p>

  <section aria-labelledby="h-health">
    <h2 id="h-health">Collector</h2>
    <div class="cards">
      ${card('beacons-per-second', 'Beacons / s')}
      ${card('page-views', 'Page views')}
      ${card('rejected', 'Rejected')}
      ${card('label-overflow', 'Label overflow')}
    </div>
  </section>

  <section aria-labelledby="h-experience">
    <h2 id="h-experience">Page experience <small class="scope"></small></h2>
    <div class="cards">
      ${card('score-median', 'Median score')}
      ${card('score-poor', 'Scoring 50 or less')}
      ${card('errors', 'JS errors')}
    </div>
    <div class="charts">
      ${chart('chart-score-distribution', 'Page score distribution (page views per score band)')}
      ${chart('chart-score-median', 'Median page score, all routes (rate window)')}
    </div>
  </section>

  <section aria-labelledby="h-vitals">
    <h2 id="h-vitals">Core Web Vitals <small class="scope"></small></h2>
    <div class="cards">${VITALS.map(vitalCard).join('')}</div>
  </section>

  <section aria-labelledby="h-engines">
    <h2 id="h-engines">Browser engines <small class="scope"></small></h2>
    <div id="engines" class="panel"></div>
  </section>

  <section aria-labelledby="h-countries" id="countries-section" hidden>
    <h2 id="h-countries">Countries <small class="app-scope"></small></h2>
    <div id="countries" class="panel"></div>
  </section>

  <section aria-labelledby="h-routes">
    <h2 id="h-routes">Routes, worst experience first</h2>
    <div class="table-wrap">
      <table id="routes">
        <thead><tr>
          <th scope="col">Route</th><th scope="col">Views</th><th scope="col">Median score</th>
          <th scope="col">Poor</th><th scope="col">LCP</th><th scope="col">INP</th>
          <th scope="col">CLS</th><th scope="col">TBT</th><th scope="col">Long tasks</th>
        </tr></thead>
        <tbody></tbody>
      </table>
    </div>
  </section>

  <section aria-labelledby="h-why" id="why-section">
    <h2 id="h-why">Why <small class="scope"></small></h2>
    <div id="why" class="panel" aria-live="polite"></div>
  </section>

  <section aria-labelledby="h-releases">
    <h2 id="h-releases">Releases <small class="app-scope"></small></h2>
    <div id="releases" class="panel"></div>
  </section>

  <section aria-labelledby="h-errors">
    <h2 id="h-errors">Errors <small class="app-scope"></small></h2>
    <div id="errors" class="panel"></div>
  </section>

  <section aria-labelledby="h-main-thread">
    <h2 id="h-main-thread">Main thread and memory <small class="scope"></small></h2>
    <div class="cards">
      ${card('long-tasks', 'Long tasks')}
      ${card('long-task-p75', 'Long task p75')}
      ${card('tbt-p75', 'Total blocking time p75')}
      ${card('heap-median', 'JS heap median')}
    </div>
  </section>

  <section aria-labelledby="h-socket">
    <h2 id="h-socket">Socket quality</h2>
    <div class="cards">
      ${card('socket-score', 'Connection score')}
      ${card('socket-rtt', 'RTT p75')}
      ${card('socket-jitter', 'Jitter p75')}
      ${card('socket-loss', 'Loss')}
    </div>
    <div class="charts">
      ${chart('chart-socket-score', 'Connection score, median')}
      ${chart('chart-socket-latency', 'RTT and jitter, p75 (ms)')}
      ${chart('chart-socket-loss', 'Probe loss (%)')}
    </div>
  </section>

  <section aria-labelledby="h-calls">
    <h2 id="h-calls">Calls</h2>
    <div class="cards">
      ${card('call-score', 'Call score median')}
      ${card('call-mos', 'MOS median')}
      ${card('call-rtt', 'Call RTT p75')}
      ${card('call-jitter', 'Jitter p75, worst leg')}
      ${card('call-loss', 'Packet loss, worst leg')}
      ${card('call-failures', 'Connections failed')}
    </div>
  </section>

  <section aria-labelledby="h-messages">
    <h2 id="h-messages">Messages</h2>
    <div class="cards">
      ${card('msg-p75', 'Delivery time p75')}
      ${card('msg-p95', 'Delivery time p95')}
      ${card('msg-undelivered', 'Not delivered')}
      ${card('msg-count', 'Acknowledged emits')}
    </div>
  </section>

  <section aria-labelledby="h-traffic">
    <h2 id="h-traffic">Traffic</h2>
    <div class="charts">
      ${chart('chart-beacons', 'Beacons and rejects per second')}
      ${chart('chart-heap', 'JS heap median (MB)')}
    </div>
    <p id="rejects" class="detail"></p>
  </section>
</main>
<footer>${SOURCE_NOTES[settings.source]} JSON at
<a href="/api/v1/summary">/api/v1/summary</a>; the Why, Releases and Errors panels read this
collector's /api/v1/diagnosis, /api/v1/releases and /api/v1/errors.</footer>
</body>
</html>
`;
}
