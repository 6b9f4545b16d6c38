import { describe, expect, it } from 'vitest';
import type { WebRtcEvent } from '../protocol.js';
import { callScore } from './callScore.js';

const window = (event: Partial<WebRtcEvent>): WebRtcEvent => ({
  k: 'webrtc',
  states: [],
  ...event,
});

// The worked examples of docs/SCORING.md ("Call quality score").
describe('callScore', () => {
  it('scores a kind from the RTT and the worse jitter and loss of its two directions', () => {
    const event = window({
      rtt: 100,
      audio: {
        in: { packets: 1000, lost: 5, jitter: 13 },
        out: { packets: 1000, lost: 10, jitter: 10 },
      },
    });
    // Le = 100/2 + 2·13 + 10 = 86 ms; R = 93.2 − 86/40 − 2.5·1 = 88.55
    const score = callScore(event, 'audio')!;
    expect(score.r).toBeCloseTo(88.55, 6);
    expect(score.score).toBeCloseTo(95.01, 2);
    expect(score.mos).toBeCloseTo(4.3, 2);
  });

  it('a clean local call scores near 100; a long lossy one far lower', () => {
    const clean = window({ rtt: 2, video: { in: { packets: 900, lost: 0, jitter: 3 } } });
    expect(callScore(clean, 'video')!.score).toBeCloseTo(99.54, 2);
    const poor = window({
      rtt: 300,
      audio: { out: { packets: 500, lost: 25, jitter: 40 } },
    });
    // Le = 150 + 80 + 10 = 240 ms ≥ 160: R = 93.2 − (240 − 120)/10 − 2.5·5 = 68.7
    expect(callScore(poor, 'audio')!.score).toBeCloseTo(73.71, 2);
    expect(callScore(poor, 'audio')!.mos).toBeCloseTo(3.54, 2);
  });

  it('has no score for a kind without packets in the window', () => {
    expect(callScore(window({ rtt: 20 }), 'audio')).toBeUndefined();
    expect(callScore(window({ audio: { in: { packets: 0, lost: 0 } } }), 'audio')).toBeUndefined();
  });
});
