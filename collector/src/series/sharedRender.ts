/**
 * One `/metrics` render shared by every scrape that asks for it while it runs or within
 * `maxAgeMs` after it finished.
 *
 * Why: at the series ceiling a render is a few MB of text and tens of milliseconds of the event
 * loop. Rendered per request, a client looping on `/metrics` (or several Prometheus replicas
 * scraping at once) multiplies that cost and holds a copy of the text per request in flight, so
 * memory and ingest latency grow with the number of scrapers. Shared, the cost is at most one
 * render per `maxAgeMs` whatever the number of scrapers, and every response streams the same
 * pieces. Prometheus scrapes every 15 s or so, far above the default age of 1 s, so a scrape
 * still reads figures no older than a second.
 */
export interface SharedRender<T> {
  /** The current render: the one in flight, a finished one younger than `maxAgeMs`, or a new one. */
  get(): Promise<T>;
  /**
   * A new render whatever the current one's age, shared from then on like any other: for a scrape
   * that must read figures newer than the current render's (scrapeWatermark.ts).
   */
  renew(): Promise<T>;
}

export function sharedRender<T>(
  render: () => Promise<T>,
  maxAgeMs: number,
  now: () => number = Date.now,
): SharedRender<T> {
  let current: Promise<T> | undefined;
  /** When the current render finished; undefined while it runs. */
  let finishedAt: number | undefined;
  const renew = () => {
    finishedAt = undefined;
    const started = render().then(
      (value) => {
        if (current === started) finishedAt = now();
        return value;
      },
      (error: unknown) => {
        // A failed render is not kept: the next scrape tries again.
        if (current === started) current = undefined;
        throw error;
      },
    );
    current = started;
    return started;
  };
  return {
    get() {
      const fresh =
        current !== undefined && (finishedAt === undefined || now() - finishedAt < maxAgeMs);
      return fresh ? current! : renew();
    },
    renew,
  };
}
