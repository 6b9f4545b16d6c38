import { setTimeout as sleep } from 'node:timers/promises';
import { median, quantile } from '../stats.js';

/**
 * The `Accept` header Prometheus scrapes with (its default `scrape_protocols`): it asks for
 * OpenMetrics first, so that is the format a Prometheus server makes the collector render.
 */
export const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

/** How to GET: with which `Accept` (none: what `fetch` sends), and how long to wait between. */
export interface GetOptions {
  accept?: string;
  /** Milliseconds from one answer's last byte to the next request. */
  apartMs?: number;
}

/** How long `GET /metrics` takes and what it returns. */
export interface ScrapeResult {
  took: number[];
  medianMs: number;
  p95Ms: number;
  bytes: number;
  /** Sample lines (not comments) in the exposition: series as Prometheus counts them. */
  samples: number;
  /** Distinct metric family names with at least one sample. */
  families: Set<string>;
  /** The last exposition, for `sampleValue`. */
  text: string;
}

const headersOf = (accept: string | undefined): Record<string, string> =>
  accept ? { accept } : {};

/** GETs `url` `times` times in a row, timing each to the last byte; returns the last body. */
export async function timeGets(
  url: string,
  times: number,
  { accept, apartMs = 0 }: GetOptions = {},
): Promise<{ took: number[]; text: string }> {
  const took: number[] = [];
  let text = '';
  for (let i = 0; i < times; i++) {
    if (i > 0 && apartMs > 0) await sleep(apartMs);
    const started = performance.now();
    const response = await fetch(url, { headers: headersOf(accept) });
    text = await response.text();
    took.push(performance.now() - started);
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  }
  return { took, text };
}

/**
 * Scrapes `admin/metrics` (a collector's admin side) `times` times in a row, as Prometheus would,
 * timing each to the last byte.
 */
export async function timeScrapes(
  admin: string,
  times: number,
  options: GetOptions = {},
): Promise<ScrapeResult> {
  const { took, text } = await timeGets(`${admin}/metrics`, times, options);
  const lines = text.split('\n').filter((line) => line && !line.startsWith('#'));
  const families = new Set(
    lines.map((line) => line.replace(/[{ ].*$/, '').replace(/_(bucket|sum|count)$/, '')),
  );
  return {
    took,
    medianMs: median(took),
    p95Ms: quantile(took, 0.95),
    bytes: Buffer.byteLength(text),
    samples: lines.length,
    families,
    text,
  };
}

/** The value of one sample of an exposition, `series` written as in it (`name{label="v"}`). */
export function sampleValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (line === undefined) throw new Error(`no sample ${series} in the scrape`);
  return Number(line.slice(series.length + 1).split(' ')[0]);
}

/** What a scraper running beside a load did. */
export interface ScraperResult {
  scrapes: number;
  failed: number;
  /** Bytes read over every scrape. */
  bytes: number;
}

/**
 * Scrapes `admin/metrics` until `stop` aborts, `pauseMs` after each answer (0: back to back, a
 * client looping on `/metrics`). A scrape in flight when `stop` aborts is finished and counted.
 */
export async function scrapeUntil(
  admin: string,
  stop: AbortSignal,
  { accept, apartMs = 0 }: GetOptions = {},
): Promise<ScraperResult> {
  const result: ScraperResult = { scrapes: 0, failed: 0, bytes: 0 };
  while (!stop.aborted) {
    try {
      const response = await fetch(`${admin}/metrics`, { headers: headersOf(accept) });
      result.bytes += (await response.arrayBuffer()).byteLength;
      if (!response.ok) result.failed++;
    } catch {
      result.failed++;
    }
    result.scrapes++;
    if (apartMs > 0 && !stop.aborted) {
      await sleep(apartMs, undefined, { signal: stop }).catch(() => {});
    }
  }
  return result;
}
