/**
 * How far `/metrics` scrapes have read what this collector answered: the condition of a lossless
 * shutdown (docs/RELIABILITY.md, "Restarts").
 *
 * Counters live in memory until a scrape reads them, so a replica that exits between two scrapes
 * takes what it answered since the last one with it. Answers are numbered as they are given (a
 * beacon is recorded synchronously before its answer); a render of `/metrics` is stamped with the
 * number reached when it starts, and reads the registry only afterwards, so it holds every answer
 * up to its stamp; a response handed to the scraper in full raises the watermark to its render's
 * stamp. Once the ingest listener is closed and the watermark has reached the last answer, the
 * collector can exit without losing anything it answered.
 *
 * Stamped at its start, not its end: a render takes several event-loop turns (renderMetrics.ts),
 * and beacons answered meanwhile may or may not be in it. A render served again from the shared
 * cache (sharedRender.ts) keeps its own older stamp, so it never passes for a newer one.
 */
export class ScrapeWatermark {
  private answers = 0;
  private read = 0;
  private scrapedOnce = false;
  private awaiting = false;
  private readonly waiters = new Set<() => void>();

  /** One more answer given on the ingest side: a beacon recorded, or refused and counted. */
  answered(): void {
    this.answers += 1;
  }

  /** The stamp of a render of `/metrics` starting now: every answer so far is in it. */
  stamp(): number {
    return this.answers;
  }

  /** A response carrying the render stamped `stamp` was handed to its scraper in full. */
  sent(stamp: number): void {
    this.scrapedOnce = true;
    if (stamp <= this.read) return;
    this.read = stamp;
    if (this.unscraped === 0) for (const wake of [...this.waiters]) wake();
  }

  /** Answers given that no scrape sent in full has read yet. */
  get unscraped(): number {
    return this.answers - this.read;
  }

  /** Whether any scrape was ever sent in full: whether anyone is there to wait for. */
  get everScraped(): boolean {
    return this.scrapedOnce;
  }

  /**
   * True for a render that misses answers while the last scrape is awaited. Serving it would
   * not let the collector exit, and at a 15 s scrape interval the next scrape is 15 s away, so
   * such a scrape gets a new render instead. At other times any render is served: the cache is
   * what keeps scrapers from costing a render each.
   */
  outdated(stamp: number): boolean {
    return this.awaiting && stamp < this.answers;
  }

  /**
   * Resolves true once a scrape sent in full has read every answer given so far, false if none
   * did within `timeoutMs`. Meant for after the ingest side stopped answering, so the target
   * does not move.
   */
  async untilScraped(timeoutMs: number): Promise<boolean> {
    if (this.unscraped === 0) return true;
    this.awaiting = true;
    let wake = () => {};
    let timer: NodeJS.Timeout | undefined;
    try {
      return await new Promise<boolean>((resolve) => {
        wake = () => resolve(true);
        this.waiters.add(wake);
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
    } finally {
      clearTimeout(timer);
      this.waiters.delete(wake);
      this.awaiting = this.waiters.size > 0;
    }
  }
}

/**
 * What `awaitLastScrape` logs through: a fastify (pino) logger will do. Its `unscrapedBeacons`
 * are the beacons answered (accepted or refused) that no scrape has read.
 */
export interface ShutdownLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

const READ_EVERYTHING = 'a scrape read every answered beacon; closing';

/**
 * The step of a shutdown between closing the ingest listener and closing the admin listener:
 * waits until a scrape has read every answer, at most `waitMs`, and logs how it ended. A
 * collector never scraped since it started does not wait: no scraper is there to come (a
 * collector read only through its dashboard), and waiting would hold every stop for `waitMs`.
 */
export async function awaitLastScrape(
  watermark: ScrapeWatermark,
  waitMs: number,
  log: ShutdownLog,
): Promise<void> {
  const unscraped = watermark.unscraped;
  if (unscraped === 0) {
    log.info({ waitedMs: 0, unscrapedAtClose: 0 }, READ_EVERYTHING);
    return;
  }
  if (!watermark.everScraped) {
    log.warn(
      { unscrapedBeacons: unscraped },
      'never scraped since start: exiting without waiting for a scrape',
    );
    return;
  }
  const started = Date.now();
  const scraped = await watermark.untilScraped(waitMs);
  const waitedMs = Date.now() - started;
  if (scraped) {
    log.info({ waitedMs, unscrapedAtClose: unscraped }, READ_EVERYTHING);
  } else {
    log.warn(
      { waitedMs, unscrapedBeacons: watermark.unscraped },
      'no scrape read every answered beacon within the shutdown scrape wait; they may be lost',
    );
  }
}
