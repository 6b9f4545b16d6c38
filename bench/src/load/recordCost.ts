import { Registry } from 'prom-client';
import type { Beacon } from '@pulse/sdk/protocol';
import { createPulseMetrics } from '../../../collector/src/series/metrics.js';
import { defaultCollectorOptions } from '../../../collector/src/options.js';
import { createRecording } from '../../../collector/src/record/recording.js';

const CACHE_LINE = 64;

/**
 * Time to record one beacon into series that already exist (an untimed pass recorded them all),
 * with `evictBytes` of unrelated memory written between beacons, one write per cache line. In
 * a server, parsing, HTTP and the other requests do that eviction; here it is controlled, so
 * the difference between 0 and a few MiB is what cold caches cost the recording code.
 */
export function recordMicroseconds(beacons: readonly Beacon[], evictBytes: number, rounds: number) {
  const metrics = createPulseMetrics(new Registry());
  // One client, admitted at once: what is timed is recording into admitted values.
  const { recorder } = createRecording(metrics, {
    ...defaultCollectorOptions,
    admitAfterClients: 1,
    pinnedApps: [],
    pinnedRoutes: [],
    pinnedNames: [],
  });
  const record = (beacon: Beacon) => recorder.record(beacon, { ip: '192.0.2.1' }, 0);
  // Untimed: creates every series and lets the JIT optimise the recording code.
  for (let i = 0; i < rounds; i++) record(beacons[i % beacons.length]!);
  const evict = new Uint8Array(evictBytes);
  let nanoseconds = 0n;
  for (let i = 0; i < rounds; i++) {
    for (let j = 0; j < evict.length; j += CACHE_LINE) evict[j]!++;
    const start = process.hrtime.bigint();
    record(beacons[i % beacons.length]!);
    nanoseconds += process.hrtime.bigint() - start;
  }
  return Number(nanoseconds) / rounds / 1000;
}
