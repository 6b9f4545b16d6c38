import { afterEach, describe, expect, it } from 'vitest';
import type { WebRtcEvent } from '@pulse/sdk/protocol';
import { callScore } from '@pulse/sdk/score';
import { exampleEvents } from './exampleBeacons.js';
import { eventPoster } from './eventPoster.js';

const poster = eventPoster();
afterEach(() => poster.close());
const { post } = poster;

const call = exampleEvents.webrtc;
const withCall = (change: Record<string, unknown>) => ({ ...call, ...change });

describe('a WebRTC window at POST /v1/rum', () => {
  it('is recorded into the pulse_webrtc_* series with its fixed labels', async () => {
    const { response, series } = await post([call, call]);
    expect(response.statusCode).toBe(204);
    const app = { app: 'shop' };
    expect(series.count('pulse_webrtc_rtt_seconds', { ...app, candidate: 'srflx' })).toBe(2);
    expect(series.sum('pulse_webrtc_rtt_seconds', { candidate: 'srflx' })).toBeCloseTo(0.1684);
    const leg = (kind: string, direction: string) => ({ ...app, kind, direction });
    expect(series.sum('pulse_webrtc_jitter_seconds', leg('audio', 'inbound'))).toBeCloseTo(0.0122);
    expect(series.sum('pulse_webrtc_jitter_seconds', leg('video', 'outbound'))).toBeCloseTo(0.016);
    expect(series.sum('pulse_webrtc_loss_ratio', leg('video', 'inbound'))).toBeCloseTo(0.01);
    expect(series.sum('pulse_webrtc_loss_ratio', leg('audio', 'outbound'))).toBeCloseTo(0.004);
    const audio = callScore(call, 'audio')!;
    expect(series.sum('pulse_webrtc_score', { ...app, kind: 'audio' })).toBeCloseTo(
      2 * audio.score,
    );
    expect(series.count('pulse_webrtc_score', { kind: 'video' })).toBe(2);
    // One MOS per window, from audio.
    expect(series.sum('pulse_webrtc_mos', app)).toBeCloseTo(2 * audio.mos);
    expect(series.value('pulse_webrtc_state_changes_total', { ...app, state: 'connected' })).toBe(
      2,
    );
    expect(series.value('pulse_events_total', { ...app, kind: 'webrtc' })).toBe(2);
  });

  it('records no jitter, loss or score for a kind without packets, and no RTT without a candidate', async () => {
    const quiet: WebRtcEvent = {
      k: 'webrtc',
      rtt: 40,
      video: { in: { packets: 0, lost: 0, jitter: 0 } },
      states: ['disconnected', 'connected'],
    };
    const { series } = await post([quiet]);
    expect(series.count('pulse_webrtc_rtt_seconds')).toBe(0);
    expect(series.count('pulse_webrtc_jitter_seconds')).toBe(0);
    expect(series.count('pulse_webrtc_loss_ratio')).toBe(0);
    expect(series.count('pulse_webrtc_score')).toBe(0);
    expect(series.count('pulse_webrtc_mos')).toBe(0);
    expect(series.value('pulse_webrtc_state_changes_total', { state: 'disconnected' })).toBe(1);
  });

  it.each([
    ['an unknown candidate type', withCall({ cand: 'turn' })],
    ['an unknown state', withCall({ states: ['connected', 'weird'] })],
    ['a state label injection', withCall({ states: ['failed"} 1\nx{'] })],
    ['too many states', withCall({ states: Array(101).fill('connected') })],
    ['a negative RTT', withCall({ rtt: -1 })],
    ['an RTT over an hour', withCall({ rtt: 3_600_001 })],
    ['a bandwidth that is not a number', withCall({ bw: 'fast' })],
    [
      'a loss count that is not an integer',
      withCall({ audio: { in: { packets: 10, lost: 0.5 } } }),
    ],
    ['a concealment share over 1', withCall({ audio: { conceal: 1.5 } })],
    ['an unknown media kind', withCall({ data: { in: { packets: 1, lost: 0 } } })],
    ['an unknown field in a leg', withCall({ video: { in: { packets: 1, lost: 0, kind: 'x' } } })],
    ['no states list', { k: 'webrtc' }],
  ])('refuses %s with 400 and counts it', async (_, event) => {
    const { response, series } = await post([event]);
    expect(response.statusCode).toBe(400);
    expect(response.json<{ reason: string }>().reason).toBe('event_schema');
    expect(series.value('pulse_rejected_total', { reason: 'event_schema' })).toBe(1);
    expect(series.count('pulse_webrtc_score')).toBe(0);
    expect(series.value('pulse_webrtc_state_changes_total')).toBe(0);
  });
});
