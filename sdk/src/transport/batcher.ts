/**
 * Collects the events of one page-view context and hands them on as one beacon body when they
 * reach `maxEvents` or `maxBytes`, `interval` ms after the first of them, when flushed explicitly
 * (page hide, stop), or when an event of another context arrives: one beacon always describes
 * one page view. Events arrive already serialised (once, when recorded), so a flush only joins
 * strings: no long task at page hide, and the byte count is known without serialising again.
 * The body is handed on open, without its closing brace, so the retry queue can append the
 * dropped count. The timer only runs while events wait, so an idle page has none.
 */
export const createBatcher = (
  send: (body: string | undefined, count: number, hiding?: boolean) => void,
  maxEvents = 20,
  maxBytes = 16384,
  interval = 5000,
) => {
  let header = '';
  let events: string[] = [];
  /** Length of the waiting events, with their commas. */
  let bytes = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * Hands on what waits (possibly nothing: the queue may still hold retries to send on hide).
   * The batch leaves the batcher before it is handed on, and nothing between can throw: a flush
   * cut short (an exception, or the browser ending a handler at unload) never leaves handed-on
   * events here for the next flush to send a second time.
   */
  const flush = (hiding?: boolean) => {
    const batch = events;
    events = [];
    bytes = 0;
    clearTimeout(timer);
    timer = undefined;
    // `[${batch}]` joins with commas: a JSON array of the already-serialised events.
    send(batch[0] && `${header},"events":[${batch}]`, batch.length, hiding);
  };

  /**
   * Adds one serialised event; `context` is the page-view context as JSON without its closing
   * brace (`{"v":1,"app":...`).
   */
  const add = (context: string, event: string) => {
    if (context != header) {
      if (events[0]) flush();
      header = context;
    }
    events.push(event);
    // String length is close enough to bytes for this soft limit (the keepalive budget, a
    // hard one, counts real bytes).
    bytes += event.length + 1;
    if (events.length >= maxEvents || header.length + bytes >= maxBytes) flush();
    else timer ||= setTimeout(flush, interval);
  };

  /** add, flush and stop (clears the timer): a tuple, so the minifier can shorten the names. */
  return [add, flush, () => clearTimeout(timer)] as const;
};
