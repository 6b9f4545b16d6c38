import { describe, expect, it } from 'vitest';
import { ScrapeWatermark, awaitLastScrape, type ShutdownLog } from './scrapeWatermark.js';

/** A logger that keeps what it was given. */
function recordingLog() {
  const lines: { level: 'info' | 'warn'; details: Record<string, unknown>; message: string }[] = [];
  const log: ShutdownLog = {
    info: (details, message) => lines.push({ level: 'info', details: { ...details }, message }),
    warn: (details, message) => lines.push({ level: 'warn', details: { ...details }, message }),
  };
  return { log, lines };
}

const answer = (watermark: ScrapeWatermark, times: number) => {
  for (let i = 0; i < times; i++) watermark.answered();
};

/** A watermark that was scraped once, after which `unscraped` more beacons were answered. */
const scrapedThenAnswered = (unscraped: number) => {
  const watermark = new ScrapeWatermark();
  answer(watermark, 1);
  watermark.sent(watermark.stamp());
  answer(watermark, unscraped);
  return watermark;
};

describe('ScrapeWatermark', () => {
  it('counts answers until a scrape sent in full reads them', () => {
    const watermark = new ScrapeWatermark();
    answer(watermark, 3);
    expect(watermark.unscraped).toBe(3);
    const stamp = watermark.stamp();
    answer(watermark, 2);
    watermark.sent(stamp);
    expect(watermark.unscraped).toBe(2);
    expect(watermark.everScraped).toBe(true);
    watermark.sent(watermark.stamp());
    expect(watermark.unscraped).toBe(0);
  });

  it('is not moved back by a render older than one already read', () => {
    const watermark = new ScrapeWatermark();
    const old = watermark.stamp();
    answer(watermark, 4);
    watermark.sent(watermark.stamp());
    watermark.sent(old);
    expect(watermark.unscraped).toBe(0);
  });

  it('does not let a cached render older than the last answer count as the last scrape', async () => {
    const watermark = new ScrapeWatermark();
    answer(watermark, 5);
    // A render starts, a beacon is answered while the render is cached, then the ingest side
    // closes: serving that render again must not end the wait, or the last beacon is lost.
    const cached = watermark.stamp();
    watermark.answered();
    const waiting = watermark.untilScraped(50);
    expect(watermark.outdated(cached)).toBe(true);
    watermark.sent(cached);
    expect(await waiting).toBe(false);
    expect(watermark.unscraped).toBe(1);
  });

  it('ends the wait at the scrape that reads the last answer', async () => {
    const watermark = new ScrapeWatermark();
    answer(watermark, 2);
    const waiting = watermark.untilScraped(10_000);
    const current = watermark.stamp();
    expect(watermark.outdated(current)).toBe(false);
    watermark.sent(current);
    expect(await waiting).toBe(true);
  });

  it('calls no render outdated while nothing waits: the shared cache keeps serving', async () => {
    const watermark = new ScrapeWatermark();
    const old = watermark.stamp();
    answer(watermark, 3);
    expect(watermark.outdated(old)).toBe(false);
    const waiting = watermark.untilScraped(10);
    expect(watermark.outdated(old)).toBe(true);
    await waiting;
    expect(watermark.outdated(old)).toBe(false);
  });

  it('waits for nothing when every answer was read', async () => {
    const watermark = new ScrapeWatermark();
    expect(await watermark.untilScraped(60_000)).toBe(true);
    answer(watermark, 1);
    watermark.sent(watermark.stamp());
    expect(await watermark.untilScraped(60_000)).toBe(true);
  });
});

describe('awaitLastScrape', () => {
  it('waits for nothing when every answer was read, and says so', async () => {
    const watermark = new ScrapeWatermark();
    answer(watermark, 2);
    watermark.sent(watermark.stamp());
    const { log, lines } = recordingLog();
    // Waiting the 60 s would fail the test on vitest's 5 s timeout.
    await awaitLastScrape(watermark, 60_000, log);
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', details: { waitedMs: 0, unscrapedAtClose: 0 } }),
    ]);
  });

  it('does not wait for a scraper that never came, and warns with what it leaves', async () => {
    const watermark = new ScrapeWatermark();
    answer(watermark, 7);
    const { log, lines } = recordingLog();
    // Waiting the 60 s would fail the test on vitest's 5 s timeout.
    await awaitLastScrape(watermark, 60_000, log);
    expect(lines).toEqual([
      expect.objectContaining({ level: 'warn', details: { unscrapedBeacons: 7 } }),
    ]);
  });

  it('warns with the beacons left unread when no scrape comes within the wait', async () => {
    const watermark = scrapedThenAnswered(3);
    const { log, lines } = recordingLog();
    await awaitLastScrape(watermark, 20, log);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn', details: { unscrapedBeacons: 3 } });
    expect(lines[0]!.details.waitedMs).toBeGreaterThanOrEqual(19);
  });

  it('returns once a scrape read every answer, and says so', async () => {
    const watermark = scrapedThenAnswered(2);
    const { log, lines } = recordingLog();
    const waiting = awaitLastScrape(watermark, 60_000, log);
    setTimeout(() => watermark.sent(watermark.stamp()), 5);
    await waiting;
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'info',
        details: expect.objectContaining({ unscrapedAtClose: 2 }),
      }),
    ]);
  });
});
