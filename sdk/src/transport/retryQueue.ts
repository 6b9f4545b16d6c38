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
 *
 * A body is in one place at a time: queued, or in flight (out of the queue before its send
 * starts). So a send cut short at any point, by an exception or by the browser ending a page's
 * handler at unload, cannot make a later flush send a body again.
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

  /**
   * Sends one body that has left the queue. From here it is in flight, held by this call alone,
   * so no flush can send it a second time. It is done once handed over (sendBeacon took it, or
   * the collector answered), and comes back to the queue only from here, after a failure: no
   * answer (a network error, or the sender threw), 429 or 5xx.
   */
  const deliver = async (item: Item, hiding?: boolean) => {
    try {
      const response = await send(item[0], hiding);
      const status = response ? response.status : 200;
      // Retry: the rejection carries the Retry-After header (null when there is none).
      if (status == 429 || status > 499) throw response!.headers.get('retry-after');
      if (status > 399) dropped += item[1] + item[2];
      attempt = 0;
    } catch (retryAfter) {
      // `retryAfter` is the header's text, or the error (NaN as a number). The body is held
      // again one task later, not at once: Chromium rejects the fetches a page has open when it
      // unloads, during pagehide, in the one task that fires pagehide and visibilitychange,
      // although the collector may have counted the request already (a keepalive one goes on
      // without the page). The hide flush of that task must not send it a second time; a page
      // that lives on retries it as before.
      setTimeout(() => {
        if (stopped) return;
        queue.push(item);
        trim();
        timer ||= setTimeout(
          sendAll,
          Math.max(
            +(retryAfter as string) * 1e3 || 0,
            Math.random() * Math.min(BACKOFF_CAP, BACKOFF_BASE * 2 ** attempt++),
          ),
        );
      });
    }
  };

  /**
   * Sends what the queue holds, each body leaving the queue just before its own send: a call
   * cut short between two sends leaves the rest queued for the next one, neither sent twice
   * nor, if the page lives on, lost.
   */
  const sendAll = (hiding?: boolean) => {
    clearTimeout(timer);
    timer = undefined;
    while (queue[0]) deliver(queue.shift()!, hiding);
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
