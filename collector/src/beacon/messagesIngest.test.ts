import { afterEach, describe, expect, it } from 'vitest';
import { MAX_DELIVERY_SAMPLES, MAX_MESSAGE_EVENTS } from '@pulse/sdk/protocol';
import { exampleEvents } from './exampleBeacons.js';
import { eventPoster } from './eventPoster.js';

const poster = eventPoster();
afterEach(() => poster.close());
const { post } = poster;

const message = { e: 'chat:send', in: 1, out: 1, ok: 1, fail: 0, lost: 0, d: [20] };
const withMsgs = (msgs: unknown) => ({ ...exampleEvents.socket, msgs });

describe('the messages of a socket window at POST /v1/rum', () => {
  it('are recorded per event name', async () => {
    const { response, series } = await post([withMsgs([message])]);
    expect(response.statusCode).toBe(204);
    expect(series.count('pulse_socket_delivery_seconds', { app: 'shop', event: 'chat:send' })).toBe(
      1,
    );
  });

  it.each([
    ['an event name with a newline (label injection)', withMsgs([{ ...message, e: 'a\nb' }])],
    ['an event name with a quote', withMsgs([{ ...message, e: 'a"}' }])],
    ['an empty event name', withMsgs([{ ...message, e: '' }])],
    ['an event name over 64 characters', withMsgs([{ ...message, e: 'x'.repeat(65) }])],
    [
      'more event names than a window holds',
      withMsgs(
        Array.from({ length: MAX_MESSAGE_EVENTS + 1 }, (_, i) => ({ ...message, e: `e${i}` })),
      ),
    ],
    [
      'more delivery times than a window holds',
      withMsgs([{ ...message, d: Array.from({ length: MAX_DELIVERY_SAMPLES + 1 }, () => 1) }]),
    ],
    ['a negative delivery time', withMsgs([{ ...message, d: [-5] }])],
    ['a count that is not an integer', withMsgs([{ ...message, fail: 0.5 }])],
    ['an unknown field', withMsgs([{ ...message, sneaky: 1 }])],
    ['msgs that is not a list', withMsgs({ e: 'chat:send' })],
  ])('refuses %s with 400 and counts it', async (_, event) => {
    const { response, series } = await post([event]);
    expect(response.statusCode).toBe(400);
    expect(response.json<{ reason: string }>().reason).toBe('event_schema');
    expect(series.value('pulse_rejected_total', { reason: 'event_schema' })).toBe(1);
    expect(series.labelSets('pulse_socket_messages_total')).toEqual([]);
  });
});
