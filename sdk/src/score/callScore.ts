import type { MediaKind, MediaQuality, WebRtcEvent } from '../protocol.js';
import { connectionScore, type ConnectionScore } from './connectionScore.js';

/** Loss share of one direction's window; undefined when nothing was expected. */
const lossOf = (quality: MediaQuality | undefined) =>
  quality && quality.packets > 0 ? quality.lost / quality.packets : undefined;

/**
 * The call quality score of one media kind in one WebRTC window: the same E-model as a socket's
 * (`connectionScore`), fed with the window's RTT and, of the two directions, the worse jitter and
 * the worse loss (a call is as good as its worse leg). Undefined when the window carried no
 * packets of that kind. docs/SCORING.md has worked examples.
 */
export function callScore(event: WebRtcEvent, kind: MediaKind): ConnectionScore | undefined {
  const media = event[kind];
  const losses = [lossOf(media?.in), lossOf(media?.out)].filter((x) => x !== undefined);
  if (!losses.length) return undefined;
  return connectionScore({
    rtt: event.rtt ?? 0,
    jitter: Math.max(media?.in?.jitter ?? 0, media?.out?.jitter ?? 0),
    loss: Math.max(...losses),
  });
}
