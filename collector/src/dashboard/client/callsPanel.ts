/// <reference lib="dom" />
/**
 * The _Calls_ section: an app's WebRTC call quality (docs/WEBRTC.md) in six cards: score, MOS
 * distribution, RTT with the relay share, jitter and loss per media kind and direction, and the
 * share of connections that failed.
 */
import type { CallSummary } from '../summarySchema.js';
import { showFigure, type Figure } from './cards.js';
import { formatCount, formatScore, formatSeconds, formatShare, scoreBand } from './format.js';

/** Loss above this share of packets is poor: the PulseSocketLossHigh threshold, 2%. */
const POOR_LOSS = 0.02;
/** Failed connections above this share are poor: the PulseCallConnectionsFailing threshold. */
const POOR_FAILED = 0.05;

const formatMos = (mos: number | null) => (mos === null ? '–' : mos.toFixed(2));
/** MOS bands (G.107 Annex B): 4.3 and up very satisfied, 4.0 satisfied, 3.6 some dissatisfied. */
const mosBand = (mos: number | null) =>
  mos === null ? '' : mos >= 4 ? 'good' : mos > 3.6 ? 'needs-improvement' : 'poor';

/** The worst leg by `pick`, for a card's value; every leg for its detail line. */
function legsFigure(
  calls: CallSummary,
  pick: (leg: CallSummary['legs'][number]) => number | null,
  format: (value: number | null) => string,
  band: (value: number | null) => string,
): Figure {
  const values = calls.legs.map((leg) => ({ leg, value: pick(leg) }));
  const worst = values.reduce<number | null>(
    (max, { value }) => (value !== null && (max === null || value > max) ? value : max),
    null,
  );
  return {
    value: worst,
    text: format(worst),
    detail: values
      .filter(({ value }) => value !== null)
      .map(
        ({ leg, value }) =>
          `${leg.kind} ${leg.direction === 'inbound' ? 'in' : 'out'} ${format(value)}`,
      )
      .join(' · '),
    band: band(worst),
  };
}

/** The MOS histogram as `≤2.6 n · ≤3.1 n · ...`, its non-empty buckets only. */
const mosDistribution = (mos: CallSummary['mos']) =>
  mos.buckets
    .filter((bucket) => bucket.count > 0)
    .map((bucket) => `≤${bucket.to} ${formatCount(bucket.count)}`)
    .join(' · ');

export function showCalls(root: ParentNode, calls: CallSummary): void {
  showFigure(root, 'call-score', {
    value: calls.score.median,
    text: formatScore(calls.score.median),
    detail: `${formatCount(calls.score.samples)} windows · ${formatShare(calls.score.poorShare)} at 50 or less`,
    band: scoreBand(calls.score.median),
  });
  showFigure(root, 'call-mos', {
    value: calls.mos.median,
    text: formatMos(calls.mos.median),
    detail: `${formatShare(calls.mos.lowShare)} at 3.6 or less · ${mosDistribution(calls.mos)}`,
    band: mosBand(calls.mos.median),
  });
  showFigure(root, 'call-rtt', {
    value: calls.rtt.p75,
    text: formatSeconds(calls.rtt.p75),
    detail: `median ${formatSeconds(calls.rtt.median)} · ${formatShare(calls.relayShare)} relayed (TURN)`,
  });
  showFigure(
    root,
    'call-jitter',
    legsFigure(
      calls,
      (leg) => leg.jitter.p75,
      formatSeconds,
      () => '',
    ),
  );
  showFigure(
    root,
    'call-loss',
    legsFigure(
      calls,
      (leg) => leg.loss.mean,
      (value) => formatShare(value, 1),
      (value) => (value !== null && value > POOR_LOSS ? 'poor' : ''),
    ),
  );
  const failed = calls.states.failed ?? 0;
  const outcomes = (calls.states.connected ?? 0) + failed;
  showFigure(root, 'call-failures', {
    value: calls.failedShare,
    text: formatShare(calls.failedShare, 1),
    detail: `${formatCount(failed)} failed of ${formatCount(outcomes)} · ${formatCount(calls.states.disconnected ?? 0)} disconnects`,
    band: calls.failedShare !== null && calls.failedShare > POOR_FAILED ? 'poor' : '',
  });
}
