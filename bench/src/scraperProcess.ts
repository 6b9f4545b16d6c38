// A client reading a collector's `/metrics` beside a load, in its own process, so that reading
// megabytes per scrape does not hold up the load generator's event loop in the bench process.
//
//   node scraperProcess.js <admin origin> <pause ms> [accept]
//
// Scrapes until the parent sends `stop`, then sends what it did (ScraperResult) and exits.
import { scrapeUntil } from './load/scrape.js';

const [admin, apart, accept] = process.argv.slice(2) as [string, string, string | undefined];
const stop = new AbortController();
process.once('message', () => stop.abort());
const result = await scrapeUntil(admin, stop.signal, {
  apartMs: Number(apart),
  ...(accept ? { accept } : {}),
});
process.send!(result, () => process.disconnect());
