import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { exampleBeacon } from '../exampleBeacons.js';
import { createCollector } from '../server.js';
import { readRegistry } from './registryReading.js';
import { SERIES } from './seriesNames.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function collectorWithOneBeacon(): Promise<FastifyInstance> {
  app = await createCollector({ processMetrics: false, rateLimit: false });
  await app.inject({
    method: 'POST',
    url: '/v1/rum',
    headers: { 'content-type': 'text/plain' },
    payload: JSON.stringify(exampleBeacon()),
  });
  return app;
}

describe('readRegistry', () => {
  it('reads the named families only, histograms with cumulative buckets', async () => {
    const { pulse } = await collectorWithOneBeacon();
    const reading = await readRegistry(pulse.registry, [SERIES.beacons, SERIES.pageScore, 'nope']);
    expect([...reading.scalars.keys()]).toEqual([SERIES.beacons]);
    expect([...reading.histograms.keys()]).toEqual([SERIES.pageScore]);
    expect(reading.scalars.get(SERIES.beacons)).toEqual([{ labels: { app: 'shop' }, value: 1 }]);
    const [score] = reading.histograms.get(SERIES.pageScore)!;
    expect(score!.count).toBe(1);
    expect(score!.buckets.at(-1)).toEqual({ le: Infinity, count: 1 });
    // Cumulative: never decreasing towards +Inf.
    const counts = score!.buckets.map((bucket) => bucket.count);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
  });

  it('lets other work run between families', async () => {
    const { pulse } = await collectorWithOneBeacon();
    let finished = false;
    const read = readRegistry(pulse.registry, Object.values(SERIES)).then(() => (finished = true));
    const ranDuringRead = new Promise<boolean>((resolve) => setImmediate(() => resolve(!finished)));
    await read;
    expect(await ranDuringRead).toBe(true);
  });
});
