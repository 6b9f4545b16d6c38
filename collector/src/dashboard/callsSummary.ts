/**
 * The _Calls_ section of the summary: an app's WebRTC call quality from the `pulse_webrtc_*`
 * series of a reading (either source's: the registry or PromQL, grouped as summaryGrouping.ts
 * says).
 */
import { histogramQuantile } from './histogramQuantile.js';
import { quantiles, scoreSummary } from './histogramFigures.js';
import {
  seriesKey,
  sumHistograms,
  sumScalars,
  totalHistogram,
  type RegistryReading,
} from './registryReading.js';
import { SERIES } from './seriesNames.js';
import type { CallSummary } from './summarySchema.js';

/** MOS at or below this: some users dissatisfied (ITU-T G.107 Annex B), a bucket bound. */
const LOW_MOS = 3.6;
const KINDS = ['audio', 'video'];
const DIRECTIONS = ['inbound', 'outbound'];

export function callsSummary(reading: RegistryReading, app: string): CallSummary {
  const mos = totalHistogram(reading, SERIES.webrtcMos, { app });
  const rtt = sumHistograms(reading, SERIES.webrtcRtt, ['candidate'], { app });
  const rttWindows = [...rtt.values()].reduce((sum, series) => sum + series.count, 0);
  const relay = rtt.get(seriesKey({ candidate: 'relay' }, ['candidate']))?.count ?? 0;
  const legKey = ['kind', 'direction'];
  const jitter = sumHistograms(reading, SERIES.webrtcJitter, legKey, { app });
  const loss = sumHistograms(reading, SERIES.webrtcLoss, legKey, { app });
  const legs: CallSummary['legs'] = [];
  for (const kind of KINDS) {
    for (const direction of DIRECTIONS) {
      const key = seriesKey({ kind, direction }, legKey);
      if (!jitter.has(key) && !loss.has(key)) continue;
      legs.push({
        kind,
        direction,
        jitter: quantiles(jitter.get(key)),
        loss: quantiles(loss.get(key)),
      });
    }
  }
  const states = Object.fromEntries(
    [...sumScalars(reading, SERIES.webrtcStates, ['state'], { app }).values()].map((series) => [
      series.labels.state ?? '',
      series.value,
    ]),
  );
  const outcomes = (states.connected ?? 0) + (states.failed ?? 0);
  const lowMos = mos?.buckets.find((bucket) => bucket.le === LOW_MOS)?.count ?? 0;
  return {
    score: scoreSummary(totalHistogram(reading, SERIES.webrtcScore, { app })),
    mos: {
      samples: mos?.count ?? 0,
      median: mos === undefined || mos.count === 0 ? null : histogramQuantile(0.5, mos.buckets),
      buckets: scoreSummary(mos).buckets,
      lowShare: mos === undefined || mos.count === 0 ? null : lowMos / mos.count,
    },
    rtt: quantiles(totalHistogram(reading, SERIES.webrtcRtt, { app })),
    relayShare: rttWindows > 0 ? relay / rttWindows : null,
    legs,
    states,
    failedShare: outcomes > 0 ? (states.failed ?? 0) / outcomes : null,
  };
}
