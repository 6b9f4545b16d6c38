// The memory docs/DASHBOARD.md states for the collector's local history (the dashboard's 1 h and
// 24 h ranges without --prometheus-url): a collector filled by the bench's load to its default
// series ceiling, its registry read and summed down as the history stores it, and as many stored
// readings as the default tiers keep. The figure is the bytes of numbers the readings hold; their
// label keys are shared from one reading to the next and counted once.
import { describe, expect, it } from 'vitest';
import { createCollector } from '@pulse/collector';
import {
  compactBytes,
  compactReading,
  groupedReading,
  type CompactReading,
} from '../../../collector/src/dashboard/compactReading.js';
import { DEFAULT_TIERS } from '../../../collector/src/dashboard/localHistory.js';
import { readRegistry } from '../../../collector/src/dashboard/registryReading.js';
import { SERIES } from '../../../collector/src/dashboard/seriesNames.js';
import { benchCollectorOptions } from '../server/collectorOptions.js';
import { capBeacons } from './capBeacons.js';

/** What docs/DASHBOARD.md promises the stored readings hold at most at the default caps. */
const DOCUMENTED_BYTES = 20 * 1024 * 1024;

describe('the local history at the default caps', () => {
  it('holds its readings in under 20 MiB of numbers, sharing their label keys', async () => {
    const collector = await createCollector({ ...benchCollectorOptions, logger: false });
    try {
      for (const beacon of capBeacons()) {
        const answer = await collector.inject({ method: 'POST', url: '/v1/rum', payload: beacon });
        expect(answer.statusCode).toBe(204);
      }
      const grouped = await groupedReading(
        await readRegistry(collector.pulse.registry, Object.values(SERIES)),
      );
      const kept = DEFAULT_TIERS.reduce((sum, tier) => sum + tier.keep, 0);
      const readings: CompactReading[] = [];
      for (let i = 0; i < kept; i++) readings.push(compactReading(grouped, readings.at(-1)));
      const bytes = readings.reduce((sum, reading) => sum + compactBytes(reading), 0);
      console.info(
        `local history at the caps: ${readings.length} readings of ${compactBytes(readings[0]!)} bytes, ${bytes} in all`,
      );
      expect(bytes).toBeLessThan(DOCUMENTED_BYTES);
      // A reading at the caps is over 100 KB: the figure measures a full registry, not an empty one.
      expect(compactBytes(readings[0]!)).toBeGreaterThan(100_000);
      const [first, last] = [readings[0]!, readings.at(-1)!];
      for (const [name, family] of last.families) {
        expect(family.keys, name).toBe(first.families.get(name)!.keys);
      }
    } finally {
      await collector.close();
    }
  }, 300_000);
});
