/**
 * A client of the Prometheus HTTP query API (`/api/v1/query`, `/api/v1/query_range`), which
 * Prometheus, VictoriaMetrics, Mimir and Thanos all serve. Hand-written on Node's fetch: the two
 * calls need a form POST and JSON parsing, less than a library's wrapping of them.
 *
 * Credentials go in the Authorization header only (a bearer token, or basic authentication from
 * the options or from the URL's user part) and never into a message or log line: errors name the
 * URL without its user part.
 */
import { SourceUnavailableError } from './summarySource.js';

export interface PrometheusQueryOptions {
  /**
   * The query API's base URL: `http://prometheus:9090`, `http://victoriametrics:8428`,
   * `http://mimir:8080/prometheus`, `http://thanos-query:9090`.
   */
  url: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Basic authentication (with `password`). */
  user?: string;
  password?: string;
  /** How long one query may take, in ms. Default 10,000. */
  timeoutMs?: number;
}

/** One series of an instant query. */
export interface InstantSample {
  metric: Record<string, string>;
  value: number;
}

/** One series of a range query: values by unix second. */
export interface RangeSeries {
  metric: Record<string, string>;
  values: Map<number, number>;
}

type ApiAnswer =
  | {
      status: 'success';
      data:
        | {
            resultType: 'vector';
            result: { metric: Record<string, string>; value: [number, string] }[];
          }
        | { resultType: 'scalar'; result: [number, string] }
        | {
            resultType: 'matrix';
            result: { metric: Record<string, string>; values: [number, string][] }[];
          };
    }
  | { status: 'error'; errorType?: string; error?: string };

export interface PromqlClient {
  /** The URL without credentials, for messages. */
  readonly shownUrl: string;
  /** An instant query at `time` (unix ms). */
  instant(expr: string, time: number): Promise<InstantSample[]>;
  /** A range query from `start` to `end` (unix ms) every `stepSeconds`. */
  range(expr: string, start: number, end: number, stepSeconds: number): Promise<RangeSeries[]>;
}

/** Most queries in flight at once: one poll asks a few dozen, the engine need not take them all. */
const CONCURRENCY = 8;

export function promqlClient(options: PrometheusQueryOptions): PromqlClient {
  const base = new URL(options.url);
  let authorization: string | undefined;
  const user = options.user ?? decodeURIComponent(base.username);
  const password = options.password ?? decodeURIComponent(base.password);
  if (options.token !== undefined && options.token !== '')
    authorization = `Bearer ${options.token}`;
  else if (user !== '') {
    authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }
  // fetch refuses URLs with credentials; they travel in the header instead.
  base.username = '';
  base.password = '';
  const root = base.href.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;

  let running = 0;
  const waiting: (() => void)[] = [];
  async function limited<T>(task: () => Promise<T>): Promise<T> {
    if (running >= CONCURRENCY) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  }

  async function call(
    path: string,
    form: Record<string, string>,
  ): Promise<ApiAnswer & { status: 'success' }> {
    let response: Response;
    try {
      response = await fetch(`${root}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          ...(authorization === undefined ? {} : { authorization }),
        },
        body: new URLSearchParams(form),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const reason =
        (error as Error).name === 'TimeoutError'
          ? `no answer in ${timeoutMs} ms`
          : (error as Error).message;
      throw new SourceUnavailableError(`${root}${path}: ${reason}`);
    }
    let answer: ApiAnswer | undefined;
    try {
      answer = (await response.json()) as ApiAnswer;
    } catch {
      answer = undefined;
    }
    if (answer?.status === 'success') return answer;
    const detail = answer?.status === 'error' ? (answer.error ?? answer.errorType) : undefined;
    throw new SourceUnavailableError(
      `${root}${path} answered ${response.status}${detail === undefined ? '' : `: ${detail}`}`,
    );
  }

  return {
    shownUrl: root,
    instant: (expr, time) =>
      limited(async () => {
        const { data } = await call('/api/v1/query', { query: expr, time: String(time / 1000) });
        if (data.resultType === 'scalar') return [{ metric: {}, value: Number(data.result[1]) }];
        if (data.resultType !== 'vector') return [];
        return data.result.map(({ metric, value }) => ({ metric, value: Number(value[1]) }));
      }),
    range: (expr, start, end, stepSeconds) =>
      limited(async () => {
        const { data } = await call('/api/v1/query_range', {
          query: expr,
          start: String(start / 1000),
          end: String(end / 1000),
          step: String(stepSeconds),
          // VictoriaMetrics otherwise moves start and end to multiples of the step, to cache the
          // answer: the points would no longer be the ones asked for (others ignore it).
          nocache: '1',
        });
        if (data.resultType !== 'matrix') return [];
        return data.result.map(({ metric, values }) => ({
          metric,
          values: new Map(values.map(([at, value]) => [Math.round(at), Number(value)])),
        }));
      }),
  };
}
