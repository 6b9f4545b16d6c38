/**
 * Posts beacons of given events to a collector made on first use, and reads its series back: for
 * tests of how events are recorded (and tools that check a collector in-process), as
 * seriesLookup.ts is for reading series.
 */
import type { FastifyInstance } from 'fastify';
import { exampleBeacon } from './exampleBeacons.js';
import { lookupSeries, type SeriesLookup } from '../record/seriesLookup.js';
import { createCollector } from '../server.js';

export interface EventPoster {
  /** Posts one beacon of `events` (the example beacon's context) as `sendBeacon` would. */
  post(events: unknown[]): Promise<{
    response: Awaited<ReturnType<FastifyInstance['inject']>>;
    series: SeriesLookup;
  }>;
  /** Closes the collector, if one was made; the next `post` makes a new one. */
  close(): Promise<void>;
}

/** A poster whose collector admits every value at once and has no rate limit. */
export function eventPoster(): EventPoster {
  let app: FastifyInstance | undefined;
  return {
    async post(events) {
      app ??= await createCollector({
        processMetrics: false,
        rateLimit: false,
        admitAfterClients: 1,
      });
      const response = await app.inject({
        method: 'POST',
        url: '/v1/rum',
        headers: { 'content-type': 'text/plain;charset=UTF-8' },
        payload: JSON.stringify({ ...exampleBeacon([]), events }),
      });
      return { response, series: await lookupSeries(app.pulse.registry) };
    },
    async close() {
      await app?.close();
      app = undefined;
    },
  };
}
