import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { exampleBeacon } from '../beacon/exampleBeacons.js';
import { createCollector } from '../server.js';
import { readRegistry } from './registryReading.js';
import { SERIES } from './seriesNames.js';
import { summarize } from './summarize.js';

const TIMING = { pollIntervalMs: 2000, snapshotIntervalMs: 5000, rateWindowMs: 30_000 };
const ROUTES = 25;

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** A collector that has seen one beacon on each of `routes` routes, `/r-a` to `/r-y`. */
async function collectorWithRoutes(routes: number): Promise<FastifyInstance> {
  app = await createCollector({ processMetrics: false, rateLimit: false, admitAfterClients: 1 });
  for (let i = 0; i < routes; i++) {
    await app.inject({
      method: 'POST',
      url: '/v1/rum',
      headers: { 'content-type': 'text/plain' },
      // Letters, not digits: route normalisation would fold digits into `:id`.
      payload: JSON.stringify(
        exampleBeacon(undefined, { route: `/r-${String.fromCharCode(97 + i)}` }),
      ),
    });
  }
  return app;
}

describe('summarize', () => {
  it('lets other work run while it groups series and summarises routes', async () => {
    const { pulse } = await collectorWithRoutes(ROUTES);
    const reading = await readRegistry(pulse.registry, Object.values(SERIES));
    let finished = false;
    let turns = 0;
    const countTurns = () => {
      if (finished) return;
      turns += 1;
      setImmediate(countTurns);
    };
    setImmediate(countTurns);
    const summary = await summarize(reading, [], TIMING);
    finished = true;
    // Every route is there, whatever turn it was summarised in.
    expect(summary.apps.map((one) => one.app)).toEqual(['shop']);
    expect(summary.apps[0]!.routes).toHaveLength(ROUTES);
    // Done in one turn, the counter would not have run at all; it runs once per turn handed back.
    expect(turns).toBeGreaterThan(ROUTES / 10);
  });
});
