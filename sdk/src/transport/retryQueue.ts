/** First retry waits up to this long (ms); each failure doubles it... */
const BACKOFF_BASE = 1000;
/** ...up to this cap, so an outage costs at most one request a minute per page. */
const BACKOFF_CAP = 60000;

/**
 * A beacon body waiting to go: its own events (what the bound counts: they are what takes memory)
 * and the dropped count it carries (a number, counted again if the body is dropped in turn).
 */
type Item = [body: string, events: number, carried: number];

/**
 * Sends beacon bodies, holding the ones that failed for a later try. While the collector
 * answers, bodies go out as they come. After a failure (network error, 429, 5xx) the queue holds
 * everything for a random time up to 1 s·2^attempt, capped at 60 s ("full jitter", so a fleet of
 * pages that lost the collector together does not come back in step), and at least the server's
 * Retry-After (seconds; the collector exposes the header to CORS), then sends what it holds.
 *
 * The queue holds at most `maxEvents` events: beyond, the oldest bodies are dropped and their
 * events counted, and the count is written into the next body as `dropped` (a body that is
 * dropped in turn adds its own count back, so none is lost or counted twice). Bodies the
 * collector refuses (other 4xx) count as dropped: sending them again cannot help. On page hide
 * everything held goes at once, by sendBeacon: the page may never run again.
 */
export const createRetryQueue = (
  send: (body: string, hiding?: boolean) => Promise<Response | void>,
  maxEvents = 200,
) => {
  const queue: Item[] = [];
  let dropped = 0;
  let attempt = 0;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  /** Drops the oldest bodies until the queue is within its bound. */
  const trim = () => {
    let held = queue.reduce((sum, item) => sum + item[1], 0);
    while (held > maxEvents) {
      const [, events, carried] = queue.shift()!;
      dropped += events + carried;
      held -= events;
    }
  };

  const deliver = (item: Item, hiding?: boolean) =>
    send(item[0], hiding)
      .then((response) => {
        const status = response ? response.status : 200;
        // Retry: the rejection carries the Retry-After header (null when there is none).
        if (status == 429 || status > 499) throw response!.headers.get('retry-after');
        if (status > 399) dropped += item[1] + item[2];
        attempt = 0;
      })
      // `retryAfter` is the header's text, or the network error (NaN as a number). The body is
      // held again one task later, not at once: Chromium rejects the fetches a page has open when
      // it unloads, during pagehide, in the one task that fires pagehide and visibilitychange,
      // although the collector may have counted the request already (a keepalive one goes on
      // without the page). The hide flushes of that task must not send it a second time; a page
      // that lives on retries it as before.
      .catch((retryAfter: string | null | Error) =>
        setTimeout(() => {
          if (stopped) return;
          queue.push(item);
          trim();
          timer ||= setTimeout(
            sendAll,
            Math.max(
              +retryAfter! * 1e3 || 0,
              Math.random() * Math.min(BACKOFF_CAP, BACKOFF_BASE * 2 ** attempt++),
            ),
          );
        }),
      );

  const sendAll = (hiding?: boolean) => {
    clearTimeout(timer);
    timer = undefined;
    queue.splice(0).forEach((item) => deliver(item, hiding));
  };

  /**
   * Takes an open beacon body (or none) with its event count, closes it with the dropped count,
   * and sends what may go now: everything when hiding or healthy, nothing while backing off.
   */
  const push = (body: string | undefined, events: number, hiding?: boolean) => {
    if (stopped) return;
    if (body) {
      queue.push([body + (dropped ? `,"dropped":${dropped}}` : '}'), events, dropped]);
      dropped = 0;
      trim();
    }
    if (hiding || !timer) sendAll(hiding);
  };

  /**
   * Sends nothing more, for good: no retry, what is held is dropped, later pushes are ignored.
   * Called after a last `push(body, n, true)` (client stop), or when the page's
   * Content-Security-Policy blocks the collector. Returns whether it was still sending.
   */
  const stop = () => {
    clearTimeout(timer);
    queue.length = 0;
    return !stopped && (stopped = true);
  };

  /** push and stop: a tuple, so the minifier can shorten the names. */
  return [push, stop] as const;
};
