import { beaconBody, type Batch } from './batch.js';
import { REJECTED, type SendResult } from './sender.js';

/** First retry waits up to this long (ms); each failure doubles it... */
const BACKOFF_BASE = 1000;
/** ...up to this cap, so an outage costs at most one request a minute per page. */
const BACKOFF_CAP = 60000;

/**
 * Sends batches one at a time, in order, holding the ones that failed for a later try.
 * One request in flight is plenty for a RUM page (a batch every few seconds) and makes the
 * retry rules simple: after a failure (network error, 429, 5xx) the queue waits a random time up
 * to 1 s·2^attempt, capped at 60 s ("full jitter", so a fleet of pages that lost the collector
 * together does not come back in step), or at least the server's Retry-After, then tries the same
 * batch again; everything behind it waits.
 *
 * The queue holds at most `maxEvents` events: beyond, the oldest batches are dropped and their
 * events counted, and
 * the count rides on the next beacon as `dropped` (kept with that beacon if it fails too, so it
 * is neither lost nor counted twice). Batches the collector refuses (other 4xx) count as dropped.
 * On page hide everything queued goes at once, by sendBeacon: the page may never run again.
 */
export const createRetryQueue = (
  send: (body: string, hiding?: boolean) => Promise<SendResult>,
  maxEvents: number,
) => {
  const queue: Batch[] = [];
  let dropped = 0;
  let attempt = 0;
  let busy = false;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  /** Drops whole batches, oldest first, until the queue is within its bound. */
  const trim = () => {
    let held = queue.reduce((sum, batch) => sum + batch.e.length, 0);
    while (held > maxEvents) {
      const oldest = queue.shift()!;
      held -= oldest.e.length;
      dropped += oldest.e.length + oldest.d;
    }
  };

  /** Sends one batch; resolves to the delay before retrying it, or undefined when done with it. */
  const deliver = (batch: Batch, hiding?: boolean) => {
    batch.d += dropped;
    dropped = 0;
    return send(beaconBody(batch), hiding)
      .catch(() => 0)
      .then((result) => {
        if (result >= 0) {
          queue.unshift(batch);
          trim();
          return Math.max(
            result,
            Math.random() * Math.min(BACKOFF_CAP, BACKOFF_BASE * 2 ** attempt++),
          );
        }
        if (result == REJECTED) dropped += batch.e.length + batch.d;
        attempt = 0;
      });
  };

  const next = () => {
    const batch = !busy && queue.shift();
    if (batch) {
      busy = true;
      void deliver(batch).then((delay) => {
        const resume = () => {
          busy = false;
          next();
        };
        if (delay == undefined) resume();
        else if (!stopped) timer = setTimeout(resume, delay);
      });
    }
  };

  return {
    /** Takes a new batch (or none, to send what waits) and sends what may go now. */
    push: (batch: Batch | undefined, hiding?: boolean) => {
      if (batch) {
        queue.push(batch);
        trim();
      }
      if (hiding) {
        clearTimeout(timer);
        busy = false;
        while (queue.length) void deliver(queue.shift()!, true);
      } else next();
    },
    /** Schedules no further retry (after a last `push(batch, true)`). */
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
};
