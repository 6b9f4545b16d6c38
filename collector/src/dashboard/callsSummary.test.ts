// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { WebRtcEvent } from '@pulse/sdk/protocol';
import { callScore } from '@pulse/sdk/score';
import { exampleBeacon } from '../beacon/exampleBeacons.js';
import { createCollector } from '../server.js';
import { callsSummary } from './callsSummary.js';
import { showCalls } from './client/callsPanel.js';
import { renderPage } from './page.js';
import { readRegistry } from './registryReading.js';
import { SERIES } from './seriesNames.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const window = (event: Partial<WebRtcEvent>): WebRtcEvent => ({
  k: 'webrtc',
  states: [],
  ...event,
});
/** A clean audio call window over a direct path, and a lossy one through a TURN relay. */
const clean = window({
  rtt: 40,
  cand: 'host',
  audio: { in: { packets: 500, lost: 0, jitter: 4 }, out: { packets: 500, lost: 0, jitter: 5 } },
  states: ['checking', 'connecting', 'connected'],
});
const relayed = window({
  rtt: 250,
  cand: 'relay',
  audio: { in: { packets: 500, lost: 50, jitter: 30 } },
  video: { in: { packets: 1000, lost: 20, jitter: 12 } },
  states: ['disconnected', 'failed'],
});

async function callsOf(events: WebRtcEvent[]) {
  app = await createCollector({ processMetrics: false, rateLimit: false, admitAfterClients: 1 });
  await app.inject({
    method: 'POST',
    url: '/v1/rum',
    headers: { 'content-type': 'text/plain' },
    payload: JSON.stringify(exampleBeacon(events, { app: 'meet' })),
  });
  return callsSummary(await readRegistry(app.pulse.registry, Object.values(SERIES)), 'meet');
}

describe('the Calls section of the summary', () => {
  it('sums up an app’s calls from the pulse_webrtc_* series', async () => {
    const calls = await callsOf([clean, relayed]);
    expect(calls.score.samples).toBe(3); // clean audio, relayed audio, relayed video
    expect(calls.mos.samples).toBe(2);
    // One MOS per window from audio: the relayed call's 10% loss costs it 25 R points.
    expect(callScore(relayed, 'audio')!.mos).toBeLessThanOrEqual(3.6);
    expect(calls.mos.lowShare).toBe(0.5);
    expect(calls.relayShare).toBe(0.5);
    expect(calls.rtt.samples).toBe(2);
    expect(calls.legs.map((leg) => `${leg.kind} ${leg.direction}`)).toEqual([
      'audio inbound',
      'audio outbound',
      'video inbound',
    ]);
    const audioIn = calls.legs[0]!;
    expect(audioIn.loss.mean).toBeCloseTo(0.05);
    expect(audioIn.jitter.samples).toBe(2);
    expect(calls.states).toEqual({
      checking: 1,
      connecting: 1,
      connected: 1,
      disconnected: 1,
      failed: 1,
    });
    expect(calls.failedShare).toBe(0.5);
  });

  it('has no figures, only zeros and nulls, for an app without calls', async () => {
    const calls = await callsOf([]);
    expect(calls).toMatchObject({
      score: { samples: 0, median: null },
      mos: { samples: 0, median: null, lowShare: null },
      relayShare: null,
      legs: [],
      states: {},
      failedShare: null,
    });
  });

  it('fills the six cards of the page’s Calls section', async () => {
    const calls = await callsOf([clean, relayed]);
    document.documentElement.innerHTML = renderPage({
      pollIntervalMs: 2000,
      ranges: [{ name: '1h', label: '1 hour' }],
      defaultRange: '1h',
      source: 'collector',
      // The page's stylesheets are not what is tested, and this DOM does not load them.
    }).replace(/<link[^>]*>/g, '');
    showCalls(document, calls);
    const card = (name: string) => document.querySelector(`[data-figure="${name}"]`)!;
    const text = (name: string) => card(name).querySelector('.value')!.textContent;
    expect(text('call-failures')).toBe('50.0%');
    expect(card('call-failures').querySelector('.detail')!.textContent).toContain('1 failed of 2');
    // Worst leg by mean loss per window: audio inbound, 0% and 10% in its two windows.
    expect(card('call-loss').querySelector('.value')!.getAttribute('data-value')).toBe('0.05');
    expect(card('call-loss').querySelector('.detail')!.textContent).toBe(
      'audio in 5.0% · audio out 0.0% · video in 2.0%',
    );
    expect(card('call-rtt').querySelector('.detail')!.textContent).toContain('50% relayed');
    expect(text('call-mos')).not.toBe('–');
  });
});
