import type { Scrape } from './metrics.js';

/**
 * Sightings of `label` values recorded as `__other__`: past a cap or the ceiling
 * (`pulse_label_overflow_total`), or still waiting for evidence from enough client networks, which
 * a collector that tells the two apart counts in `pulse_label_pending_total` (absent otherwise,
 * so it adds 0).
 */
export const collapsed = (metrics: Scrape, label: string) =>
  metrics.value('pulse_label_overflow_total', { label }) +
  metrics.value('pulse_label_pending_total', { label });
