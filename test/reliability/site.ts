/**
 * The site the page-ending tests browse: pages with the Pulse script tag, each load under an app
 * name of its own (`<case>-<n>`), so every page view can be found on the collector's /metrics,
 * and plain pages without Pulse to navigate to. Unlike test/helpers' `serveHtml` it does not send
 * `Cache-Control: no-store`, which keeps pages out of the back/forward cache.
 *
 * Every Pulse page also measures its own ground truth with PerformanceObserver, as web-vitals
 * defines the values (LCP: the last candidate; CLS: the largest session window of shifts without
 * recent input; INP: the longest interaction, for pages with fewer than 50), restarting after a
 * back/forward-cache restore as web-vitals does. Tests compare what arrives with it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BUSY_SCRIPT } from '../fixtures/page-scripts.js';

export interface Site {
  url: string;
  /** Ids of the control pages whose beacon arrived, with how many times each did. */
  controlBeacons: Map<string, number>;
  close(): Promise<void>;
}

/** What a page measured of itself, in web-vitals units (ms; CLS unitless). */
export interface GroundTruth {
  lcp: number;
  cls: number;
  inp: number;
}

/** Blocking time of the `#buy` click handler: an interaction well above INP's 40 ms floor. */
export const HANDLER_MS = 120;

const TRUTH_SCRIPT = `<script>
  window.truth = { lcp: 0, cls: 0, inp: 0 };
  window.viewStart = 0;
  let session = 0, first = 0, last = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.startTime >= viewStart) truth.lcp = e.startTime;
  }).observe({ type: 'largest-contentful-paint', buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.hadRecentInput || e.startTime < viewStart) continue;
      if (session && e.startTime - last < 1000 && e.startTime - first < 5000) session += e.value;
      else { session = e.value; first = e.startTime; }
      last = e.startTime;
      truth.cls = Math.max(truth.cls, session);
    }
  }).observe({ type: 'layout-shift', buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      if (e.interactionId && e.startTime >= viewStart) truth.inp = Math.max(truth.inp, e.duration);
  }).observe({ type: 'event', buffered: true, durationThreshold: 16 });
  addEventListener('pageshow', (event) => {
    if (!event.persisted) return;
    viewStart = event.timeStamp;
    truth = { lcp: 0, cls: 0, inp: 0 };
    session = 0;
  });
  ${BUSY_SCRIPT}
  /**
   * A layout shift that is not caused by input: a late block above the content grows or shrinks
   * (one block, so repeated shifts keep the content in the viewport, where shifts are counted).
   */
  window.shift = () => {
    let block = document.getElementById('late');
    if (!block) {
      block = document.createElement('div');
      block.id = 'late';
      document.body.prepend(block);
    }
    block.style.height = block.style.height === '120px' ? '60px' : '120px';
  };
</script>`;

const pulsePage = (collector: string, app: string, title: string) => `<!doctype html>
<html><head><meta charset="utf-8"><title>${title}</title><link rel="icon" href="data:,">
${TRUTH_SCRIPT}
<script src="${collector}/pulse.js" data-app="${app}" defer></script>
</head><body>
<h1 style="font-size:48px">${title}: handmade ceramic mug</h1>
<p style="font-size:20px">Stoneware, glazed by hand. Dishwasher safe. Ships in two days.</p>
<button id="buy" style="font-size:20px" onclick="busy(${HANDLER_MS})">Add to basket</button>
<p><a id="next" href="/plain">Continue shopping</a></p>
</body></html>`;

const plainPage = `<!doctype html>
<html><head><meta charset="utf-8"><title>Plain</title><link rel="icon" href="data:,"></head>
<body><h1>A page without Pulse</h1><p><a id="next" href="/plain/other">Other</a></p></body></html>`;

/**
 * The control for what a browser lets leave a closing tab: a page without Pulse that does the
 * least a page can, one `navigator.sendBeacon` at the first moment its `visibilitychange` says
 * hidden, carrying its id, to this site's `/control-beacon`.
 */
const controlPage = (id: string) => `<!doctype html>
<html><head><meta charset="utf-8"><title>Control</title><link rel="icon" href="data:,"></head>
<body><h1 style="font-size:48px">Control: handmade ceramic mug</h1>
<script>document.addEventListener('visibilitychange', () => {
  if (document.hidden) navigator.sendBeacon('/control-beacon', '${id}');
});</script></body></html>`;

/**
 * Serves `/view/<case>` and `/spa/<case>/...` (Pulse pages; SPA pages are the same page under any
 * path below them), `/plain...` (no Pulse) and `/control/<id>` (controlPage). `collector` is read
 * per request, so the collector may start after the site.
 */
export async function serveSite(collector: () => string): Promise<Site> {
  const loads = new Map<string, number>();
  const controlBeacons = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://site').pathname;
    const [, kind, name] = path.split('/');
    if (kind === 'control-beacon') {
      let id = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (id += chunk));
      request.on('end', () => {
        controlBeacons.set(id, (controlBeacons.get(id) ?? 0) + 1);
        response.writeHead(204).end();
      });
      return;
    }
    let body: string | undefined;
    if (kind === 'plain') body = plainPage;
    else if (kind === 'control' && name !== undefined) body = controlPage(name);
    else if ((kind === 'view' || kind === 'spa') && name !== undefined) {
      const n = (loads.get(name) ?? 0) + 1;
      loads.set(name, n);
      body = pulsePage(collector(), `${name}-${n}`, `${kind} ${name}`);
    }
    response.writeHead(body === undefined ? 404 : 200, {
      'content-type': 'text/html; charset=utf-8',
      // Revalidate on reload, but stay eligible for the back/forward cache.
      'cache-control': 'no-cache',
    });
    response.end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    controlBeacons,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
