import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { GetOptions, ScraperResult } from './scrape.js';

// esbuild bundles every entry into dist/, so the scraper script sits beside this code.
const SCRIPT = fileURLToPath(new URL('./scraperProcess.js', import.meta.url));

/** A scraper running in its own process until `stop()`, which returns what it did. */
export interface Scraper {
  stop(): Promise<ScraperResult>;
}

/** Starts scraping `admin/metrics` in a child process (scraperProcess.ts), as `scrapeUntil` does. */
export function startScraper(admin: string, { accept, apartMs = 0 }: GetOptions = {}): Scraper {
  const child = fork(SCRIPT, [admin, String(apartMs), ...(accept ? [accept] : [])], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const result = once(child, 'message') as Promise<[ScraperResult]>;
  const exited = once(child, 'exit');
  return {
    async stop() {
      child.send('stop');
      const [done] = await result;
      await exited;
      return done;
    },
  };
}
