import { assertAllAccepted, fire, type LoadResult } from './fire.js';
import { PROMETHEUS_ACCEPT, type ScraperResult } from './scrape.js';
import { startScraper } from './scraper.js';
import type { ChildCollector } from '../server/childServer.js';
import type { ServerStats } from '../server/protocol.js';

/**
 * What reads `/metrics` while beacons arrive: nothing (the baseline), Prometheus (its `Accept`,
 * a new scrape `PROMETHEUS_APART_MS` after the last, so every scrape finds the shared render
 * expired and renders anew), or one client looping on it back to back (a curl loop).
 */
export const SCRAPE_PATTERNS = ['none', 'prometheus', 'loop'] as const;
export type ScrapePattern = (typeof SCRAPE_PATTERNS)[number];

/** Longer than the collector's default `metricsRenderMaxAge` (1 s): each scrape renders. */
export const PROMETHEUS_APART_MS = 1200;

/** How often the collector's memory is read during a window. */
const RSS_EVERY_MS = 250;

/** One window of fixed-rate ingest with a scrape pattern beside it. */
export interface UnderScrapes {
  pattern: ScrapePattern;
  load: LoadResult;
  scraper: ScraperResult;
  /** The collector's event-loop delay over the window (beyond the 10 ms sampling), ms. */
  loopDelayMaxMs: number;
  loopDelayP99Ms: number;
  /** Highest RSS read during the window, bytes. */
  rssMax: number;
}

/**
 * Beacons to `collector` as fast as it answers them on `connections` keep-alive connections,
 * for `seconds`, while `pattern` reads `/metrics` from a process of its own: throughput, the
 * answers' latency and longest gap (from the load generator: with every connection waiting on
 * an answer, a gap is time the collector answered nothing), the collector's event-loop delay
 * and RSS (read inside it). Unbounded rather than at a fixed rate because autocannon's rate is
 * a budget per second, sent in a burst at the start of each second, which would show as gaps
 * and queueing of its own. The load must be answered 2xx throughout.
 */
export async function ingestUnderScrapes(
  collector: ChildCollector,
  bodies: readonly string[],
  pattern: ScrapePattern,
  { seconds, connections }: { seconds: number; connections: number },
): Promise<UnderScrapes> {
  const scraper =
    pattern === 'none'
      ? undefined
      : startScraper(
          collector.admin,
          pattern === 'prometheus'
            ? { accept: PROMETHEUS_ACCEPT, apartMs: PROMETHEUS_APART_MS }
            : {},
        );
  await collector.resetDelay();
  let rssMax = 0;
  const reading = setInterval(() => {
    void collector.stats().then((stats) => (rssMax = Math.max(rssMax, stats.rss)));
  }, RSS_EVERY_MS);
  let load: LoadResult;
  let stats: ServerStats;
  let scraped: ScraperResult = { scrapes: 0, failed: 0, bytes: 0 };
  try {
    load = await fire(collector.origin, '/v1/rum', bodies, { seconds, connections, gaps: true });
    // Read before the scraper stops: the delay is that of the load's window only.
    stats = await collector.stats();
  } finally {
    clearInterval(reading);
    if (scraper) scraped = await scraper.stop();
  }
  const { delay, rss } = stats;
  assertAllAccepted(`collector, scrapes: ${pattern}`, load);
  if (scraped.failed) throw new Error(`${scraped.failed} of ${scraped.scrapes} scrapes failed`);
  return {
    pattern,
    load,
    scraper: scraped,
    loopDelayMaxMs: delay.max,
    loopDelayP99Ms: delay.p99,
    rssMax: Math.max(rssMax, rss),
  };
}
