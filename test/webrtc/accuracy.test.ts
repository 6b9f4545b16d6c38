/**
 * Accuracy of the WebRTC monitor against real UDP impairment, in real Chromium: two
 * RTCPeerConnections in one page call each other with fake audio and video, Chromium, the page
 * server and the collector run in a network namespace, and every UDP packet of the call passes
 * through nfqdelay (lab/netlab.ts), whose per-packet log is the ground truth. The caller is
 * monitored through `/pulse.webrtc.js` with 2 s windows; each scenario measures 8 windows (24
 * with loss) once the call is connected.
 *
 * Bars (issue 19): RTT median within max(5 ms, 10%) of the truth (twice nfqdelay's mean delay:
 * the selected pair's STUN checks cross it both ways); audio loss, inbound and outbound, within
 * 2 points of the share nfqdelay dropped in that direction; jitter of the jittery link above the
 * clean one's (its error against the log's RFC 3550 jitter is printed, and documented in
 * docs/WEBRTC.md); a cut of the network shows as `disconnected`, then `connected` again, in the
 * windows and on /metrics. Needs root, iptables and libnetfilter-queue (test/setup/system-deps.sh).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebRtcEvent } from '@pulse/sdk';
import { parseScrape, type Scrape } from '../helpers/metrics.js';
import { bundleCallRunner, startCall, type CallLine } from './lab/callProcess.js';
import { openNetlab, type Impairment, type LoggedPacket, type Netlab } from './lab/netlab.js';
import { droppedShare, fromPort, meanDelay, median, rfc3550Jitter, toPort } from './groundTruth.js';

const INTERVAL = 2000;
const MEASURED_WINDOWS = 8;

interface Outcome {
  /** The windows recorded after the one in which the call connected. */
  windows: WebRtcEvent[];
  all: WebRtcEvent[];
  /** The caller's UDP port. */
  port: number;
  log: LoggedPacket[];
  metrics: Scrape;
}

const windowsOf = (lines: CallLine[]) =>
  lines.flatMap((line) => (line.t === 'window' ? [line.w] : []));
/** Windows after the one that carried `connected`. */
const connectedWindows = (lines: CallLine[]) => {
  const all = windowsOf(lines);
  const start = all.findIndex((w) => w.states.includes('connected'));
  return start < 0 ? [] : all.slice(start + 1);
};

/** Loss share of one kind and direction over the windows. */
function loss(
  windows: WebRtcEvent[],
  pick: (w: WebRtcEvent) => { packets: number; lost: number } | undefined,
) {
  let packets = 0;
  let lost = 0;
  for (const w of windows) {
    packets += pick(w)?.packets ?? 0;
    lost += pick(w)?.lost ?? 0;
  }
  return lost / Math.max(1, packets);
}

const round = (x: number, places = 2) => Math.round(x * 10 ** places) / 10 ** places;

describe('WebRTC call quality through kernel-level UDP impairment (Chromium)', () => {
  let lab: Netlab;
  const outcomes = new Map<string, Outcome>();
  const figures: Record<string, Record<string, number | number[]>> = {};
  const pageErrors: string[] = [];

  beforeAll(async () => {
    lab = await openNetlab();
    await bundleCallRunner();
  });

  afterAll(async () => {
    await lab?.close();
    console.info(`WebRTC accuracy figures:\n${JSON.stringify(figures, null, 2)}`);
  });

  /** Runs one call through `impairment`; `during` acts on the connected call before measuring. */
  async function scenario(
    name: string,
    impairment: Impairment,
    during?: (call: ReturnType<typeof startCall>) => Promise<void>,
    measured = MEASURED_WINDOWS,
  ): Promise<Outcome> {
    await lab.impair(impairment);
    const call = startCall(lab, `calls-${name}`, INTERVAL);
    try {
      await call.until((lines) =>
        lines.some((line) => line.t === 'state' && line.s === 'connected'),
      );
      await during?.(call);
      await call.until((lines) => connectedWindows(lines).length >= measured, 120_000);
      const { metrics } = await call.finish();
      for (const line of call.lines)
        if (line.t === 'error') pageErrors.push(`${name}: ${line.message}`);
      const port = call.lines.find((line) => line.t === 'state' && line.port)! as { port: number };
      const outcome: Outcome = {
        windows: connectedWindows(call.lines).slice(0, measured),
        all: windowsOf(call.lines),
        port: port.port,
        log: await lab.truth(),
        metrics: parseScrape(metrics),
      };
      outcomes.set(name, outcome);
      return outcome;
    } catch (error) {
      // nfqdelay stops here too, so the next scenario can bind the queue.
      await lab.truth().catch(() => []);
      throw error;
    }
  }

  /** RTT median against twice nfqdelay's mean delay, within max(5 ms, 10%). */
  function checkRtt(name: string, { windows, log }: Outcome) {
    const measured = median(windows.flatMap((w) => (w.rtt === undefined ? [] : [w.rtt])));
    const truth = 2 * meanDelay(log);
    const rtts = windows.flatMap((w) => (w.rtt === undefined ? [] : [w.rtt]));
    figures[name] = { ...figures[name], rttMs: measured, rttTruthMs: round(truth), rtts };
    expect(Math.abs(measured - truth), `${name}: RTT ${measured} vs ${truth}`).toBeLessThanOrEqual(
      Math.max(5, 0.1 * truth),
    );
  }

  function jitterFigures(name: string, { windows, log, port }: Outcome) {
    const measured = median(
      windows.flatMap((w) => (w.audio?.in?.jitter === undefined ? [] : [w.audio.in.jitter])),
    );
    figures[name] = {
      ...figures[name],
      audioInJitterMs: measured,
      linkJitterTruthMs: round(rfc3550Jitter(toPort(log, port))),
    };
    return measured;
  }

  it('clean: RTT near zero, no loss, windows on /metrics', async () => {
    const outcome = await scenario('clean', { delay: 0 });
    checkRtt('clean', outcome);
    jitterFigures('clean', outcome);
    expect(loss(outcome.windows, (w) => w.audio?.in)).toBe(
      droppedShare(toPort(outcome.log, outcome.port)),
    );
    expect(outcome.windows.every((w) => w.cand === 'host')).toBe(true);
    const { metrics } = outcome;
    const app = { app: 'calls-clean' };
    expect(
      metrics.count('pulse_webrtc_rtt_seconds', { ...app, candidate: 'host' }),
    ).toBeGreaterThanOrEqual(MEASURED_WINDOWS);
    expect(
      metrics.count('pulse_webrtc_loss_ratio', { ...app, kind: 'audio', direction: 'inbound' }),
    ).toBeGreaterThanOrEqual(MEASURED_WINDOWS);
    expect(metrics.count('pulse_webrtc_mos', app)).toBeGreaterThanOrEqual(MEASURED_WINDOWS);
    expect(metrics.value('pulse_webrtc_state_changes_total', { ...app, state: 'connected' })).toBe(
      1,
    );
  });

  it('50 ms each way, ±20 ms jitter: RTT within max(5 ms, 10%), jitter above the clean link', async () => {
    const outcome = await scenario('jitter', { delay: 50, jitter: 20, seed: 1 });
    checkRtt('jitter', outcome);
    const jitter = jitterFigures('jitter', outcome);
    expect(jitter).toBeGreaterThan(figures.clean!.audioInJitterMs as number);
    const score = (name: string) => {
      const m = outcomes.get(name)!.metrics;
      return (
        m.sum('pulse_webrtc_score', { kind: 'audio' }) /
        m.count('pulse_webrtc_score', { kind: 'audio' })
      );
    };
    figures.jitter!.audioScore = round(score('jitter'));
    figures.clean!.audioScore = round(score('clean'));
    expect(score('jitter')).toBeLessThan(score('clean'));
  });

  it('5% loss: audio loss in each direction within 2 points of the packets nfqdelay dropped', async () => {
    // Three times the windows: the audio packets are a sample of the direction's (about 50 a
    // second), so their loss share strays from the log's by sampling alone, less the more there
    // are; and the outbound share comes from the far side's RTCP reports, whose lag at the
    // measurement's ends weighs less over a longer one. With 16 a loaded machine once read 2.29
    // points off (outbound).
    const outcome = await scenario('loss', { delay: 0, loss: 0.05, seed: 2 }, undefined, 24);
    const { windows, log, port } = outcome;
    const inbound = loss(windows, (w) => w.audio?.in);
    const outbound = loss(windows, (w) => w.audio?.out);
    const truthIn = droppedShare(toPort(log, port));
    const truthOut = droppedShare(fromPort(log, port));
    figures.loss = {
      audioInLoss: round(inbound, 4),
      audioInTruth: round(truthIn, 4),
      audioOutLoss: round(outbound, 4),
      audioOutTruth: round(truthOut, 4),
      videoInLoss: round(
        loss(windows, (w) => w.video?.in),
        4,
      ),
    };
    expect(Math.abs(inbound - truthIn)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(outbound - truthOut)).toBeLessThanOrEqual(0.02);
    const m = outcome.metrics;
    expect(
      m.sum('pulse_webrtc_loss_ratio', { kind: 'audio', direction: 'inbound' }),
    ).toBeGreaterThan(0);
  });

  it('a cut of the network shows as disconnected, then connected again', async () => {
    const outcome = await scenario('cut', { delay: 0 }, async (call) => {
      await call.until((lines) => connectedWindows(lines).length >= 2);
      await lab.cut();
      try {
        await call.until(
          (lines) => lines.some((line) => line.t === 'state' && line.s === 'disconnected'),
          30_000,
        );
      } finally {
        await lab.restore();
      }
    });
    const states = outcome.all.flatMap((w) => w.states);
    const cut = states.indexOf('disconnected');
    expect(cut).toBeGreaterThan(0);
    expect(states.slice(cut + 1)).toContain('connected');
    const m = outcome.metrics;
    expect(m.value('pulse_webrtc_state_changes_total', { state: 'disconnected' })).toBe(1);
    expect(m.value('pulse_webrtc_state_changes_total', { state: 'connected' })).toBe(2);
    figures.cut = { windowsAfterCut: outcome.all.length, disconnects: 1 };
    expect(pageErrors).toEqual([]);
  });
});
