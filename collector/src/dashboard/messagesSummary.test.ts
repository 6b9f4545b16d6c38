// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { MessageStats, SocketEvent } from '@pulse/sdk/protocol';
import { exampleBeacon, exampleEvents } from '../beacon/exampleBeacons.js';
import { createCollector } from '../server.js';
import { messagesSummary } from './messagesSummary.js';
import { showMessages } from './client/messagesPanel.js';
import { renderPage } from './page.js';
import { readRegistry } from './registryReading.js';
import { SERIES } from './seriesNames.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const stats = (e: string, fields: Partial<MessageStats>): MessageStats => ({
  e,
  in: 0,
  out: 0,
  ok: 0,
  fail: 0,
  lost: 0,
  d: [],
  ...fields,
});

async function messagesOf(msgs: MessageStats[][]) {
  app = await createCollector({ processMetrics: false, rateLimit: false, admitAfterClients: 1 });
  const events: SocketEvent[] = msgs.map((window) => ({ ...exampleEvents.socket, msgs: window }));
  await app.inject({
    method: 'POST',
    url: '/v1/rum',
    headers: { 'content-type': 'text/plain' },
    payload: JSON.stringify(exampleBeacon(events, { app: 'chat' })),
  });
  return messagesSummary(await readRegistry(app.pulse.registry, Object.values(SERIES)), 'chat');
}

/** Two windows: chat:send mostly delivered in 20..80 ms, order with timeouts and losses. */
const windows = [
  [
    stats('chat:send', { out: 10, in: 4, ok: 10, d: [20, 20, 30, 30, 40, 40, 50, 60, 70, 80] }),
    stats('order', { out: 4, ok: 2, fail: 1, lost: 1, d: [400, 600] }),
  ],
  [stats('chat:send', { out: 2, in: 1, ok: 2, d: [20, 30] }), stats('typing', { out: 5 })],
];

describe('the Messages section of the summary', () => {
  it('sums up delivery per event from the pulse_socket_* message series', async () => {
    const messages = await messagesOf(windows);
    expect(messages).toMatchObject({ delivered: 14, failed: 1, lost: 1, in: 5, out: 21 });
    expect(messages.undeliveredShare).toBeCloseTo(2 / 16);
    expect(messages.events.map((event) => event.event)).toEqual(['chat:send', 'order', 'typing']);
    const [chat, order, typing] = messages.events;
    expect(chat).toMatchObject({ delivered: 12, failed: 0, lost: 0, in: 5, out: 12 });
    expect(chat!.undeliveredShare).toBe(0);
    // p75 of 12 times from 20 to 80 ms, read off the buckets as Prometheus would.
    expect(chat!.p75).toBeGreaterThanOrEqual(0.04);
    expect(chat!.p75).toBeLessThanOrEqual(0.075);
    expect(order).toMatchObject({ delivered: 2, failed: 1, lost: 1, undeliveredShare: 0.5 });
    expect(order!.p95).toBeGreaterThan(0.3);
    expect(typing).toMatchObject({ delivered: 0, out: 5, p75: null, undeliveredShare: null });
  });

  it('has no figures, only zeros and nulls, for an app without delivery tracking', async () => {
    const messages = await messagesOf([]);
    expect(messages).toEqual({
      delivered: 0,
      failed: 0,
      lost: 0,
      in: 0,
      out: 0,
      p75: null,
      p95: null,
      undeliveredShare: null,
      events: [],
    });
  });

  it('fills the four cards of the page’s Messages section', async () => {
    const messages = await messagesOf(windows);
    document.documentElement.innerHTML = renderPage({
      pollIntervalMs: 2000,
      ranges: [{ name: '1h', label: '1 hour' }],
      defaultRange: '1h',
      source: 'collector',
    }).replace(/<link[^>]*>/g, '');
    showMessages(document, messages);
    const card = (name: string) => document.querySelector(`[data-figure="${name}"]`)!;
    expect(card('msg-undelivered').querySelector('.value')!.textContent).toBe('12.5%');
    expect(card('msg-undelivered').querySelector('.detail')!.textContent).toContain(
      '1 timed out · 1 lost · chat:send 0.0% · order 50.0%',
    );
    expect(card('msg-count').querySelector('.value')!.textContent).toBe('16');
    expect(card('msg-p95').querySelector('.detail')!.textContent).toContain('order');
  });
});
