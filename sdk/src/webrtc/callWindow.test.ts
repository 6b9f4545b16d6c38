import { describe, expect, it } from 'vitest';
import { callWindow, type StatsEntry } from './callWindow.js';

/** A fake `RTCStatsReport`: entries keyed by id, as the browser's. */
const statsReport = (...entries: StatsEntry[]) =>
  new Map(entries.map((entry) => [entry.id!, entry]));

/** A call's stats as Chromium reports them, at `t` seconds with the given cumulative counters. */
function callStats(
  t: number,
  counters: {
    stunAnswers?: number;
    stunRttTotal?: number;
    audioReceived?: number;
    audioLost?: number;
    audioJitter?: number;
    audioSent?: number;
    audioRemoteLost?: number;
    audioRemoteJitter?: number;
    samples?: number;
    concealed?: number;
    videoReceived?: number;
    videoLost?: number;
    framesDecoded?: number;
    framesDropped?: number;
    freezes?: number;
    freezeSeconds?: number;
    candidateType?: string;
  } = {},
) {
  const c = counters;
  return statsReport(
    { id: 'T01', type: 'transport', selectedCandidatePairId: 'CP1' },
    {
      id: 'CP1',
      type: 'candidate-pair',
      localCandidateId: 'L1',
      state: 'succeeded',
      nominated: true,
      currentRoundTripTime: 0.5,
      responsesReceived: c.stunAnswers ?? 0,
      totalRoundTripTime: c.stunRttTotal ?? 0,
      availableOutgoingBitrate: 300000,
    },
    { id: 'L1', type: 'local-candidate', candidateType: c.candidateType ?? 'host' },
    {
      id: 'IA',
      type: 'inbound-rtp',
      kind: 'audio',
      timestamp: t * 1000,
      packetsReceived: c.audioReceived ?? 0,
      packetsLost: c.audioLost ?? 0,
      jitter: c.audioJitter ?? 0,
      totalSamplesReceived: c.samples ?? 0,
      concealedSamples: c.concealed ?? 0,
    },
    { id: 'OA', type: 'outbound-rtp', kind: 'audio', packetsSent: c.audioSent ?? 0 },
    {
      id: 'RA',
      type: 'remote-inbound-rtp',
      kind: 'audio',
      localId: 'OA',
      packetsLost: c.audioRemoteLost ?? 0,
      jitter: c.audioRemoteJitter ?? 0,
      totalRoundTripTime: 0,
      roundTripTimeMeasurements: 0,
    },
    {
      id: 'IV',
      type: 'inbound-rtp',
      kind: 'video',
      timestamp: t * 1000,
      packetsReceived: c.videoReceived ?? 0,
      packetsLost: c.videoLost ?? 0,
      jitter: 0.004,
      framesDecoded: c.framesDecoded ?? 0,
      framesDropped: c.framesDropped ?? 0,
      freezeCount: c.freezes ?? 0,
      totalFreezesDuration: c.freezeSeconds ?? 0,
    },
  );
}

describe('callWindow', () => {
  it('reads a window from the growth of the counters between two reports', () => {
    const before = callStats(10, {
      stunAnswers: 4,
      stunRttTotal: 0.4,
      audioReceived: 500,
      audioLost: 0,
      audioSent: 500,
      samples: 480_000,
      videoReceived: 1000,
      framesDecoded: 300,
    });
    const now = callStats(20, {
      stunAnswers: 8,
      stunRttTotal: 0.84, // 4 answers, 440 ms in all: 110 ms each
      audioReceived: 975, // 475 received and 25 lost: 5% of 500
      audioLost: 25,
      audioJitter: 0.0123,
      audioSent: 1000,
      audioRemoteLost: 10, // 10 of 500 sent: 2%
      audioRemoteJitter: 0.02,
      samples: 960_000,
      concealed: 24_000, // 5% of 480,000
      videoReceived: 2000,
      videoLost: 0,
      framesDecoded: 600, // 300 frames in 10 s
      framesDropped: 3,
      freezes: 1,
      freezeSeconds: 0.5,
      candidateType: 'relay',
    });
    expect(callWindow(before, now, ['connected'])).toEqual({
      k: 'webrtc',
      rtt: 110,
      cand: 'relay',
      bw: 300000,
      states: ['connected'],
      audio: {
        in: { packets: 500, lost: 25, jitter: 12.3 },
        out: { packets: 500, lost: 10, jitter: 20 },
        conceal: 0.05,
      },
      video: {
        in: { packets: 1000, lost: 0, jitter: 4 },
        fps: 30,
        dropped: 3,
        freezes: 1,
        freezeMs: 500,
      },
    });
  });

  it("falls back to the pair's current RTT when no check was answered in the window", () => {
    const report = callStats(1, { stunAnswers: 3, stunRttTotal: 0.3 });
    expect(callWindow(report, report, []).rtt).toBe(500);
  });

  it("falls back to the remote receivers' RTCP round trips without a candidate pair", () => {
    const at = (measurements: number, total: number) =>
      statsReport({
        id: 'RA',
        type: 'remote-inbound-rtp',
        kind: 'audio',
        localId: 'OA',
        packetsLost: 0,
        totalRoundTripTime: total,
        roundTripTimeMeasurements: measurements,
      });
    expect(callWindow(at(2, 0.1), at(6, 0.42), []).rtt).toBe(80);
  });

  it('averages the STUN and RTCP round trips of the window together', () => {
    const at = (stun: number, stunTotal: number, rtcp: number, rtcpTotal: number) => {
      const report = callStats(1, { stunAnswers: stun, stunRttTotal: stunTotal });
      const remote = report.get('RA')!;
      report.set('RA', {
        ...remote,
        roundTripTimeMeasurements: rtcp,
        totalRoundTripTime: rtcpTotal,
      });
      return report;
    };
    // 2 STUN answers, 200 ms in all, and 2 RTCP round trips, 240 ms: 110 ms each on average.
    expect(callWindow(at(1, 0.1, 3, 0.3), at(3, 0.3, 5, 0.54), []).rtt).toBe(110);
  });

  it('counts from zero without an earlier report, and never more lost than expected', () => {
    const window = callWindow(undefined, callStats(5, { audioSent: 10, audioRemoteLost: 50 }), []);
    expect(window.audio?.out).toEqual({ packets: 10, lost: 10, jitter: 0 });
    expect(window.video?.fps).toBeUndefined();
  });

  it('treats a counter that went back (a restarted stream) as no growth', () => {
    const before = callStats(1, { audioReceived: 900, audioLost: 40 });
    const now = callStats(2, { audioReceived: 100, audioLost: 2 });
    expect(callWindow(before, now, []).audio?.in).toEqual({ packets: 0, lost: 0, jitter: 0 });
  });

  it('leaves out what the report does not have: no pair, no media, unknown kinds and types', () => {
    const odd = statsReport(
      { id: 'X', type: 'inbound-rtp', kind: 'data', packetsReceived: 5 },
      { id: 'P', type: 'candidate-pair', selected: true, localCandidateId: 'C', jitter: 'a' },
      { id: 'C', type: 'local-candidate', candidateType: 'weird' },
    );
    expect(callWindow(undefined, odd, ['failed'])).toEqual({ k: 'webrtc', states: ['failed'] });
  });
});
