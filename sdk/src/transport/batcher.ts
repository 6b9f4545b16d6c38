import type { Batch } from './batch.js';

/**
 * Collects serialised events of one page-view context and hands them on as a batch when it
 * reaches `maxEvents` or `maxBytes`, `interval` ms after its first event, when flushed
 * explicitly (page hide, stop), or when an event of another context arrives: one beacon always
 * describes one page view. The timer only runs while events wait, so an idle page has none.
 */
export const createBatcher = (
  send: (batch: Batch | undefined, hiding?: boolean) => void,
  maxEvents: number,
  maxBytes: number,
  interval: number,
) => {
  let header = '';
  let events: string[] = [];
  let bytes = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  /** Sends what waits (possibly nothing: the queue may still hold retries to send on hide). */
  const flush = (hiding?: boolean) => {
    clearTimeout(timer);
    timer = undefined;
    const batch = events.length ? { h: header, e: events, d: 0 } : undefined;
    events = [];
    bytes = 0;
    send(batch, hiding);
  };

  /** Adds one serialised event under the given context header. */
  const add = (contextHeader: string, event: string) => {
    if (contextHeader != header && events.length) flush();
    header = contextHeader;
    events.push(event);
    // Body size ≈ header + events + commas; string length is close enough to bytes for this
    // soft limit (the keepalive budget, a hard one, counts real bytes).
    bytes += event.length + 1;
    if (events.length >= maxEvents || bytes + header.length >= maxBytes) flush();
    else timer ??= setTimeout(flush, interval);
  };

  return { add, flush, stop: () => clearTimeout(timer) };
};
