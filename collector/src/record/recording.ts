/**
 * The label model and the recorder, wired together: the model's decisions counted in
 * `pulse_label_*_total{label}`, its evictions removing series (and what the diagnosis keeps of
 * an app), and each release's first sighting exported. One place, so the ingest route, the tests and the bench record alike.
 */
import { createLabelModel, type LabelModel, type LabelModelOptions } from '../labels/labelModel.js';
import type { PulseMetrics } from '../series/metrics.js';
import { createBeaconRecorder, type BeaconRecorder } from './record.js';
import { labelCosts } from './seriesHandles.js';
import { PageOrigins } from '../diagnosis/pageOrigins.js';

export interface Recording {
  labels: LabelModel;
  recorder: BeaconRecorder;
  /** Where the admitted apps' pages are served from (`configuredOrigins` first). */
  pageOrigins: PageOrigins;
}

export function createRecording(
  metrics: PulseMetrics,
  options: LabelModelOptions,
  configuredOrigins: readonly string[] = [],
): Recording {
  const pageOrigins = new PageOrigins(configuredOrigins);
  const count = (family: PulseMetrics['labelOverflowTotal']) => (label: string) =>
    family.inc({ label });
  const labels = createLabelModel(options, labelCosts(metrics), {
    overflow: count(metrics.labelOverflowTotal),
    pending: count(metrics.labelPendingTotal),
    admitted: count(metrics.labelAdmissionsTotal),
    evicted: (label, app, value) => {
      recorder.forget(label, app, value);
      if (label === 'app') pageOrigins.forget(app);
      metrics.labelEvictionsTotal.inc({ label });
    },
    ranked: {
      pending: count(metrics.labelPendingTotal),
      overflow: count(metrics.labelOverflowTotal),
      admitted: (label, scope, value, firstSeen) => {
        metrics.labelAdmissionsTotal.inc({ label });
        if (label === 'release') {
          const release = { app: scope.app!, release: value };
          metrics.releaseFirstSeenTimestampSeconds.set(release, Math.floor(firstSeen / 1000));
        }
      },
      retired: (label, scope, value) => {
        recorder.retire(label, scope, value);
        metrics.labelEvictionsTotal.inc({ label });
      },
    },
  });
  const recorder = createBeaconRecorder(metrics, labels);
  return { labels, recorder, pageOrigins };
}
