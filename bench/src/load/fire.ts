import autocannon from 'autocannon';

/** One autocannon run against a beacon endpoint. */
export interface LoadResult {
  /** Mean requests per second over the run. */
  requestsPerSecond: number;
  /** Latency percentiles, ms. */
  p50: number;
  p99: number;
  max: number;
  /** Longest time between two answers in a row, ms; only when asked for (`gaps`). */
  longestGapMs?: number;
  /** Requests answered 2xx, otherwise, and not answered (errors, timeouts). */
  ok: number;
  non2xx: number;
  errors: number;
  seconds: number;
}

/** How to load the endpoint: for a duration or a number of requests, optionally at a fixed rate. */
export interface FireOptions {
  seconds?: number;
  amount?: number;
  connections?: number;
  /** Requests per second over all connections; unbounded when absent. */
  rate?: number;
  /**
   * Also time the gaps between answers: at a fixed rate, the longest one is the longest time
   * the server answered nothing (or this process read nothing, which shares the cores).
   */
  gaps?: boolean;
}

/**
 * POSTs `bodies` (cycled, in order) to `origin` + `path` as `text/plain`, the content type
 * `navigator.sendBeacon` uses. Keep-alive connections, no pipelining, like browsers.
 */
export async function fire(
  origin: string,
  path: string,
  bodies: readonly string[],
  { seconds, amount, connections = 10, rate, gaps = false }: FireOptions,
): Promise<LoadResult> {
  const options: autocannon.Options = {
    url: origin,
    connections,
    pipelining: 1,
    ...(amount ? { amount } : { duration: seconds ?? 10 }),
    ...(rate ? { overallRate: rate } : {}),
    requests: bodies.map((body) => ({
      method: 'POST' as const,
      path,
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body,
    })),
  };
  let last: number | undefined;
  let longestGapMs = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const run = autocannon(options, (error: unknown, done) =>
      error ? reject(error as Error) : resolve(done),
    );
    if (gaps) {
      run.on('response', () => {
        const now = performance.now();
        if (last !== undefined) longestGapMs = Math.max(longestGapMs, now - last);
        last = now;
      });
    }
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    ...(gaps ? { longestGapMs } : {}),
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    seconds: result.duration,
  };
}

/** Fails loudly when a load run was not all 2xx: a figure made of rejections means nothing. */
export function assertAllAccepted(what: string, result: LoadResult): void {
  if (result.non2xx || result.errors) {
    throw new Error(
      `${what}: ${result.non2xx} non-2xx answers and ${result.errors} errors out of ${result.ok + result.non2xx + result.errors}`,
    );
  }
}
