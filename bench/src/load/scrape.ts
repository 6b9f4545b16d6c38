import { median, quantile } from '../stats.js';

/** How long `GET /metrics` takes and what it returns. */
export interface ScrapeResult {
  medianMs: number;
  p95Ms: number;
  bytes: number;
  /** Sample lines (not comments) in the exposition. */
  samples: number;
  /** Distinct metric family names with at least one sample. */
  families: Set<string>;
}

/** GETs `url` `times` times in a row, timing each to the last byte; returns the last body. */
export async function timeGets(
  url: string,
  times: number,
): Promise<{ took: number[]; text: string }> {
  const took: number[] = [];
  let text = '';
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    const response = await fetch(url);
    text = await response.text();
    took.push(performance.now() - started);
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  }
  return { took, text };
}

/** Scrapes `origin/metrics` `times` times in a row, as Prometheus would, timing each to the last byte. */
export async function timeScrapes(origin: string, times: number): Promise<ScrapeResult> {
  const { took, text } = await timeGets(`${origin}/metrics`, times);
  const lines = text.split('\n').filter((line) => line && !line.startsWith('#'));
  const families = new Set(
    lines.map((line) => line.replace(/[{ ].*$/, '').replace(/_(bucket|sum|count)$/, '')),
  );
  return {
    medianMs: median(took),
    p95Ms: quantile(took, 0.95),
    bytes: Buffer.byteLength(text),
    samples: lines.length,
    families,
  };
}
