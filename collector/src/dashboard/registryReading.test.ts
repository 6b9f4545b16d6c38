import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { exampleBeacon } from '../beacon/exampleBeacons.js';
import { createCollector } from '../server.js';
import { readRegistry, seriesKey, sumHistograms, type RegistryReading } from './registryReading.js';
import { SERIES } from './seriesNames.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function collectorWithOneBeacon(): Promise<FastifyInstance> {
  app = await createCollector({ processMetrics: false, rateLimit: false, admitAfterClients: 1 });
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

describe('sumHistograms', () => {
  it('merges buckets by bound, also where series have different bounds', () => {
    const series = (app: string, buckets: [number, number][], count: number) => ({
      labels: { app },
      buckets: buckets.map(([le, n]) => ({ le, count: n })),
      count,
      sum: count,
    });
    const reading: RegistryReading = {
      at: 0,
      scalars: new Map(),
      histograms: new Map([
        [
          'h',
          [
            series(
              'a',
              [
                [1, 1],
                [2, 2],
                [Infinity, 3],
              ],
              3,
            ),
            series(
              'a',
              [
                [1, 1],
                [2, 1],
                [Infinity, 1],
              ],
              1,
            ),
            series(
              'b',
              [
                [2, 1],
                [5, 2],
                [Infinity, 2],
              ],
              2,
            ),
          ],
        ],
      ]),
    };
    const total = sumHistograms(reading, 'h', []).get(seriesKey({}, []))!;
    expect(total.count).toBe(6);
    expect(total.buckets).toEqual([
      { le: 1, count: 2 },
      { le: 2, count: 4 },
      { le: 5, count: 2 },
      { le: Infinity, count: 6 },
    ]);
  });
});
