import { once } from 'node:events';
import { Agent, request, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { exampleBeacon, exampleEvents } from './exampleBeacons.js';
import { REFUSED_EVENTS_HEADER } from '../http/headers.js';
import type { CollectorOptions } from '../options.js';
import { REJECT_REASONS, type RejectReason } from '../http/rejection.js';
import { lookupSeries } from '../record/seriesLookup.js';
import { createCollector } from '../server.js';

const SITE = 'https://shop.example.com';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function collector(options: Partial<CollectorOptions> = {}) {
  app = await createCollector({
    processMetrics: false,
    rateLimit: false,
    admitAfterClients: 1,
    ...options,
  });
  return app;
}

function post(
  target: FastifyInstance,
  body: unknown,
  {
    contentType = 'text/plain;charset=UTF-8',
    headers = {},
    remoteAddress,
  }: { contentType?: string; headers?: Record<string, string>; remoteAddress?: string } = {},
) {
  return target.inject({
    method: 'POST',
    url: '/v1/rum',
    ...(remoteAddress === undefined ? {} : { remoteAddress }),
    headers: { 'content-type': contentType, ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function rejected(target: FastifyInstance, reason: RejectReason) {
  return (await lookupSeries(target.pulse.registry)).value('pulse_rejected_total', { reason });
}

describe('POST /v1/rum accepts beacons', () => {
  it('answers 204 to a text/plain beacon (sendBeacon) and records it', async () => {
    const target = await collector();
    const response = await post(target, exampleBeacon());
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    const series = await lookupSeries(target.pulse.registry);
    expect(series.value('pulse_beacons_total', { app: 'shop' })).toBe(1);
    expect(series.value('pulse_events_total', { app: 'shop' })).toBe(
      Object.keys(exampleEvents).length,
    );
  });

  it('answers 204 to an application/json beacon (fetch keepalive)', async () => {
    const target = await collector();
    const response = await post(target, exampleBeacon(), { contentType: 'application/json' });
    expect(response.statusCode).toBe(204);
  });

  it('accepts a version 1 beacon (no engine, TBT always sent) from SDKs not yet upgraded', async () => {
    const target = await collector();
    const { engine: _none, ...older } = exampleBeacon([exampleEvents.page], { v: 1 });
    expect(_none).toBe('chromium');
    expect((await post(target, older)).statusCode).toBe(204);
    const series = await lookupSeries(target.pulse.registry);
    expect(series.count('pulse_page_score', { app: 'shop', engine: 'other' })).toBe(1);
    expect(series.count('pulse_total_blocking_time_seconds', { app: 'shop' })).toBe(1);
  });

  it('accepts a beacon with no events (only a dropped count)', async () => {
    const target = await collector();
    const response = await post(target, exampleBeacon([], { dropped: 12 }));
    expect(response.statusCode).toBe(204);
    const series = await lookupSeries(target.pulse.registry);
    expect(series.value('pulse_sdk_dropped_events_total', { app: 'shop' })).toBe(12);
  });

  it('allows listed origins and requests without an Origin header', async () => {
    const target = await collector({ allowOrigins: [SITE] });
    const listed = await post(target, exampleBeacon(), { headers: { origin: SITE } });
    expect(listed.statusCode).toBe(204);
    expect(listed.headers['access-control-allow-origin']).toBe(SITE);
    expect((await post(target, exampleBeacon())).statusCode).toBe(204);
  });

  it('answers the CORS preflight of a JSON fetch from a listed origin', async () => {
    const target = await collector({ allowOrigins: [SITE] });
    const response = await target.inject({
      method: 'OPTIONS',
      url: '/v1/rum',
      headers: {
        origin: SITE,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe(SITE);
    expect(String(response.headers['access-control-allow-methods'])).toContain('POST');
  });

  it('accepts the ingest key in the body or in the x-pulse-key header', async () => {
    const target = await collector({ ingestKey: 's3cret-key' });
    expect((await post(target, exampleBeacon(undefined, { key: 's3cret-key' }))).statusCode).toBe(
      204,
    );
    const viaHeader = await post(target, exampleBeacon(), {
      headers: { 'x-pulse-key': 's3cret-key' },
    });
    expect(viaHeader.statusCode).toBe(204);
  });
});

describe('POST /v1/rum records and answers the beacons of a turn together', () => {
  it('records every beacon of a burst and answers each 204, with its events in the series', async () => {
    const target = await collector();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => post(target, exampleBeacon())),
    );
    expect(responses.map((response) => response.statusCode)).toEqual(Array(20).fill(204));
    const series = await lookupSeries(target.pulse.registry);
    expect(series.value('pulse_beacons_total', { app: 'shop' })).toBe(20);
    expect(series.value('pulse_events_total', { app: 'shop' })).toBe(
      20 * Object.keys(exampleEvents).length,
    );
  });

  it('records a beacon whose client left before its answer, and answers the next one', async () => {
    const target = await collector();
    await target.listen({ port: 0, host: '127.0.0.1' });
    const { port } = target.server.address() as AddressInfo;
    const body = JSON.stringify(exampleBeacon());
    // A client that resets its connection as soon as the request is out: the beacon's answer,
    // due at the end of the turn, finds its socket destroyed.
    const gone = connect(port, '127.0.0.1');
    await once(gone, 'connect');
    await new Promise<void>((resolve) =>
      gone.end(
        `POST /v1/rum HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        resolve,
      ),
    );
    gone.resetAndDestroy();
    const beacons = async () =>
      (await lookupSeries(target.pulse.registry)).value('pulse_beacons_total', { app: 'shop' });
    await expect.poll(beacons, { timeout: 5000 }).toBe(1);
    const next = await fetch(`http://127.0.0.1:${port}/v1/rum`, { method: 'POST', body });
    expect(next.status).toBe(204);
    expect(await beacons()).toBe(2);
  });
  it('ends the connection of a beacon answered while the collector closes, so the close does not wait on it', async () => {
    const target = await collector({ keepAliveTimeout: 60_000 });
    await target.listen({ port: 0, host: '127.0.0.1' });
    const { port } = target.server.address() as AddressInfo;
    let closed: Promise<void> | undefined;
    // Node calls this after fastify's own listener, in the read that queued the beacon: the close
    // starts before the beacon is answered at the end of the turn.
    target.server.once('request', () => {
      closed = target.close();
    });
    const agent = new Agent({ keepAlive: true });
    const body = JSON.stringify(exampleBeacon());
    const answer = await new Promise<IncomingMessage>((resolve, reject) =>
      request(
        {
          host: '127.0.0.1',
          port,
          path: '/v1/rum',
          method: 'POST',
          headers: { 'content-type': 'text/plain' },
          agent,
        },
        (response) => resolve(response.resume()),
      )
        .on('error', reject)
        .end(body),
    );
    agent.destroy();
    expect(answer.statusCode).toBe(204);
    expect(answer.headers.connection).toBe('close');
    // Kept alive, the connection would hold the close for the 60 s keep-alive timeout, past the
    // test's own timeout.
    await closed;
    app = undefined;
  });
});

describe('POST /v1/rum checks events one by one', () => {
  const good = [exampleEvents.view, exampleEvents.long, exampleEvents.event];
  const bad = [
    { ...exampleEvents.long, d: -5 },
    { k: 'fid', d: 3 },
    { ...exampleEvents.event, name: 'x{y="1"}' },
    null,
    'view',
  ];

  it('records the good events of a mixed batch, drops and counts each bad one', async () => {
    const target = await collector();
    const response = await post(target, { ...exampleBeacon(), events: [...bad, ...good] });
    expect(response.statusCode).toBe(204);
    expect(response.headers['x-pulse-refused-events']).toBe(String(bad.length));
    const series = await lookupSeries(target.pulse.registry);
    expect(series.value('pulse_beacons_total', { app: 'shop' })).toBe(1);
    expect(series.value('pulse_events_total', { app: 'shop' })).toBe(good.length);
    expect(series.value('pulse_page_views_total', { app: 'shop' })).toBe(1);
    expect(series.count('pulse_long_task_seconds', { app: 'shop' })).toBe(1);
    expect(series.value('pulse_custom_events_total', { app: 'shop', name: 'checkout' })).toBe(2);
    expect(series.value('pulse_rejected_total', { reason: 'event_schema' })).toBe(bad.length);
    expect(series.value('pulse_rejected_total', { reason: 'schema' })).toBe(0);
  });

  it('answers a fully valid beacon without the refused-events header', async () => {
    const target = await collector();
    const response = await post(target, exampleBeacon());
    expect(response.headers['x-pulse-refused-events']).toBeUndefined();
  });

  it('refuses a beacon whose events are all bad with 400 event_schema, one count per event', async () => {
    const target = await collector();
    const response = await post(target, { ...exampleBeacon(), events: bad, dropped: 4 });
    expect(response.statusCode).toBe(400);
    const body = response.json<{ reason: string; message: string }>();
    expect(body.reason).toBe('event_schema');
    expect(body.message).toBe(
      `body/events/0/d: Expected number to be greater or equal to 0 (${bad.length} of ${bad.length} events refused)`,
    );
    const series = await lookupSeries(target.pulse.registry);
    expect(series.value('pulse_rejected_total', { reason: 'event_schema' })).toBe(bad.length);
    // The SDK counts a refused beacon's events (and the dropped count it carried) as dropped and
    // reports them again, so recording its `dropped` here would count them twice.
    expect(series.value('pulse_sdk_dropped_events_total')).toBe(0);
    expect(series.value('pulse_beacons_total')).toBe(0);
  });

  it('still refuses the whole beacon when its envelope is bad, whatever its events', async () => {
    const target = await collector();
    const response = await post(target, { ...exampleBeacon(), route: '/a b' });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ reason: string }>().reason).toBe('schema');
    const notAnArray = await post(target, { ...exampleBeacon(), events: { k: 'view' } });
    expect(notAnArray.json<{ message: string }>().message).toBe('body/events: Expected array');
    expect((await lookupSeries(target.pulse.registry)).value('pulse_beacons_total')).toBe(0);
  });
});

describe('POST /v1/rum refuses bad input with a 4xx and a counted reason', () => {
  const valid = exampleBeacon();
  const withEvent = (event: unknown) => ({ ...valid, events: [event] });
  const withPage = (page: Record<string, unknown>) => withEvent({ ...exampleEvents.page, ...page });

  const cases: {
    name: string;
    body: unknown;
    reason: RejectReason;
    status: number;
    contentType?: string;
    options?: Partial<CollectorOptions>;
    headers?: Record<string, string>;
  }[] = [
    { name: 'malformed JSON', body: '{"v":1,', reason: 'malformed_json', status: 400 },
    { name: 'an empty body', body: '', reason: 'malformed_json', status: 400 },
    // Poisoning keys are plain unknown fields to the closed schema: refused before any copy.
    {
      name: 'a __proto__ key',
      body: '{"v":1,"__proto__":{"polluted":true}}',
      reason: 'schema',
      status: 400,
    },
    {
      name: 'an escaped __proto__ key in a beacon',
      body: JSON.stringify(valid).replace('{', '{"\\u005f_proto__":{"polluted":true},'),
      reason: 'schema',
      status: 400,
    },
    {
      name: 'a constructor key in a beacon',
      body: JSON.stringify(valid).replace('{', '{"constructor":{"prototype":{"polluted":true}},'),
      reason: 'schema',
      status: 400,
    },
    {
      name: 'a __proto__ key in an event',
      body: JSON.stringify(withEvent(JSON.parse('{"k":"view","__proto__":{"polluted":true}}'))),
      reason: 'event_schema',
      status: 400,
    },
    { name: 'a JSON array', body: [valid], reason: 'schema', status: 400 },
    { name: 'JSON null', body: 'null', reason: 'schema', status: 400 },
    {
      name: 'a string where a number goes',
      body: withPage({ tbt: '12' }),
      reason: 'event_schema',
      status: 400,
    },
    {
      name: 'a number where a string goes',
      body: { ...valid, app: 42 },
      reason: 'schema',
      status: 400,
    },
    {
      name: 'an unknown top-level field',
      body: { ...valid, extra: 1 },
      reason: 'schema',
      status: 400,
    },
    {
      name: 'an unknown event field',
      body: withEvent({ ...exampleEvents.long, stack: 'at x' }),
      reason: 'event_schema',
      status: 400,
    },
    {
      name: 'an unknown event kind',
      body: withEvent({ k: 'fid', d: 3 }),
      reason: 'event_schema',
      status: 400,
    },
    {
      name: 'a missing field',
      body: { ...valid, route: undefined },
      reason: 'schema',
      status: 400,
    },
    {
      name: 'a negative duration',
      body: withEvent({ ...exampleEvents.long, d: -5 }),
      reason: 'event_schema',
      status: 400,
    },
    {
      name: 'Infinity (1e999)',
      body: JSON.stringify(withPage({ tbt: 1 })).replace('"tbt":1', '"tbt":1e999'),
      reason: 'event_schema',
      status: 400,
    },
    { name: 'a huge duration', body: withPage({ tbt: 1e12 }), reason: 'event_schema', status: 400 },
    {
      name: 'a loss ratio above 1',
      body: withEvent({ ...exampleEvents.socket, loss: 1.5 }),
      reason: 'event_schema',
      status: 400,
    },
    {
      name: 'a fractional count',
      body: withEvent({ ...exampleEvents.socket, probes: 2.5 }),
      reason: 'event_schema',
      status: 400,
    },
    {
      name: 'a negative custom value',
      body: withEvent({ ...exampleEvents.event, value: -1 }),
      reason: 'event_schema',
      status: 400,
    },
    {
      name: 'label injection `"}` in a route',
      body: { ...valid, route: '/a"} evil{x="1' },
      reason: 'schema',
      status: 400,
    },
    {
      name: 'a newline in a route',
      body: { ...valid, route: '/a\n# TYPE x counter' },
      reason: 'schema',
      status: 400,
    },
    {
      name: 'a backslash in a route',
      body: { ...valid, route: '/a\\b' },
      reason: 'schema',
      status: 400,
    },
    {
      name: 'a space in a route',
      body: { ...valid, route: '/a b' },
      reason: 'schema',
      status: 400,
    },
    {
      name: 'a query string in a route',
      body: { ...valid, route: '/a?email=x' },
      reason: 'schema',
      status: 400,
    },
    {
      name: 'a control character in an app',
      body: { ...valid, app: 'shop\u0000' },
      reason: 'schema',
      status: 400,
    },
    {
      name: 'braces in an event name',
      body: withEvent({ k: 'event', name: 'x{y}' }),
      reason: 'event_schema',
      status: 400,
    },
    {
      name: 'an over-long route',
      body: { ...valid, route: `/${'a'.repeat(300)}` },
      reason: 'schema',
      status: 400,
    },
    {
      name: 'an unknown device',
      body: { ...valid, device: 'fridge' },
      reason: 'schema',
      status: 400,
    },
    { name: 'another protocol version', body: { ...valid, v: 3 }, reason: 'version', status: 400 },
    { name: 'a version string', body: { ...valid, v: '1' }, reason: 'version', status: 400 },
    {
      name: 'too many events',
      body: exampleBeacon(Array.from({ length: 11 }, () => exampleEvents.view)),
      reason: 'too_many_events',
      status: 413,
      options: { maxEventsPerBeacon: 10 },
    },
    {
      name: 'an oversized body',
      body: exampleBeacon([{ k: 'error', kind: 'error', fp: 'x', msg: 'm'.repeat(200) }]),
      reason: 'too_large',
      status: 413,
      options: { bodyLimit: 256 },
    },
    {
      name: 'a form body',
      body: 'v=1',
      reason: 'content_type',
      status: 415,
      contentType: 'application/x-www-form-urlencoded',
    },
    {
      name: 'a multipart body',
      body: '--x--',
      reason: 'content_type',
      status: 415,
      contentType: 'multipart/form-data; boundary=x',
    },
    {
      name: 'a missing ingest key',
      body: valid,
      reason: 'ingest_key',
      status: 401,
      options: { ingestKey: 's3cret-key' },
    },
    {
      name: 'a wrong ingest key',
      body: { ...valid, key: 'guess' },
      reason: 'ingest_key',
      status: 403,
      options: { ingestKey: 's3cret-key' },
    },
    {
      name: 'a disallowed origin',
      body: valid,
      reason: 'origin',
      status: 403,
      options: { allowOrigins: [SITE] },
      headers: { origin: 'https://evil.example.net' },
    },
    {
      name: 'an opaque (null) origin',
      body: valid,
      reason: 'origin',
      status: 403,
      options: { allowOrigins: [SITE] },
      headers: { origin: 'null' },
    },
  ];

  it.each(cases)('$name → $status $reason', async (c) => {
    const target = await collector(c.options);
    const before = await rejected(target, c.reason);
    const response = await post(target, c.body, {
      contentType: c.contentType,
      headers: c.headers,
    });
    expect(response.statusCode).toBe(c.status);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const body = response.json<{ error: string; reason: string; message: string }>();
    expect(body.reason).toBe(c.reason);
    expect(body.error).toEqual(expect.any(String));
    expect(body.message.length).toBeGreaterThan(0);
    expect(await rejected(target, c.reason)).toBe(before + 1);
    // Nothing of a refused beacon is recorded.
    expect((await lookupSeries(target.pulse.registry)).value('pulse_beacons_total')).toBe(0);
  });

  it('records the good events beside a poisoned one and pollutes no prototype', async () => {
    const target = await collector();
    const poisoned = '{"k":"view","__proto__":{"polluted":true},"constructor":{"polluted":true}}';
    const body = JSON.stringify(valid).replace('"events":[', `"events":[${poisoned},`);
    const response = await post(target, body);
    expect(response.statusCode).toBe(204);
    expect(response.headers[REFUSED_EVENTS_HEADER]).toBe('1');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const series = await lookupSeries(target.pulse.registry);
    expect(series.value('pulse_beacons_total')).toBe(1);
    expect(series.value('pulse_rejected_total', { reason: 'event_schema' })).toBe(1);
  });

  it('reads a body that starts with a byte-order mark', async () => {
    const target = await collector();
    expect((await post(target, `\uFEFF${JSON.stringify(valid)}`)).statusCode).toBe(204);
  });

  it('names where a schema problem is', async () => {
    const target = await collector();
    const response = await post(target, withEvent({ ...exampleEvents.long, d: -5 }));
    expect(response.json<{ message: string }>().message).toBe(
      'body/events/0/d: Expected number to be greater or equal to 0 (1 of 1 events refused)',
    );
    const unknownKind = await post(target, withEvent({ k: 'fid' }));
    expect(unknownKind.json<{ message: string }>().message).toMatch(
      /^body\/events\/0\/k: expected one of view, page/,
    );
    const unsafeRoute = await post(target, { ...valid, route: '/a b' });
    expect(unsafeRoute.json<{ message: string }>().message).toMatch(/^body\/route: /);
  });

  it('rate-limits a client with 429 and Retry-After, counted as rate_limited', async () => {
    const target = await collector({ rateLimit: { max: 2, timeWindow: 60_000 } });
    const accepted = await post(target, valid);
    expect(accepted.statusCode).toBe(204);
    // Accepted beacons carry no rate-limit headers: no page could read them (not CORS-exposed).
    expect(Object.keys(accepted.headers).filter((name) => name.startsWith('x-ratelimit'))).toEqual(
      [],
    );
    expect((await post(target, valid)).statusCode).toBe(204);
    const limited = await post(target, valid);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['x-ratelimit-limit'])).toBe(2);
    expect(limited.json<{ reason: string }>().reason).toBe('rate_limited');
    expect(await rejected(target, 'rate_limited')).toBe(1);
  });

  it('rate-limits a whole IPv6 /64 as one client, and other networks apart', async () => {
    const target = await collector({ rateLimit: { max: 2, timeWindow: 60_000 } });
    const from = (remoteAddress: string) => post(target, valid, { remoteAddress });
    expect((await from('2001:db8:7:8::1')).statusCode).toBe(204);
    expect((await from('2001:db8:7:8:ffff::2')).statusCode).toBe(204);
    expect((await from('2001:db8:7:8::3')).statusCode).toBe(429);
    expect((await from('2001:db8:7:9::1')).statusCode).toBe(204);
    expect((await from('192.0.2.1')).statusCode).toBe(204);
    expect((await from('192.0.2.2')).statusCode).toBe(204);
  });

  it('lets a cross-origin page read Retry-After of a 429 (CORS-exposed)', async () => {
    const target = await collector({
      allowOrigins: [SITE],
      rateLimit: { max: 1, timeWindow: 60_000 },
    });
    await post(target, valid, { headers: { origin: SITE } });
    const limited = await post(target, valid, { headers: { origin: SITE } });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['access-control-allow-origin']).toBe(SITE);
    const exposed = String(limited.headers['access-control-expose-headers']).split(/,\s*/);
    expect(exposed).toContain('retry-after');
    expect(exposed).toContain('x-pulse-refused-events');
  });

  it('starts every reason at 0, so the series exist before the first rejection', async () => {
    const target = await collector();
    const series = await lookupSeries(target.pulse.registry);
    const reasons = series.labelSets('pulse_rejected_total').map((labels) => labels.reason);
    expect(reasons.sort()).toEqual([...REJECT_REASONS].sort());
  });

  it('keeps good beacons flowing after bad ones', async () => {
    const target = await collector();
    await post(target, '{"broken');
    await post(target, { ...valid, route: '/x"}' });
    expect((await post(target, valid)).statusCode).toBe(204);
    const series = await lookupSeries(target.pulse.registry);
    expect(series.value('pulse_beacons_total', { app: 'shop' })).toBe(1);
  });

  it('only answers POST on the beacon path', async () => {
    const target = await collector();
    const response = await target.inject({ method: 'GET', url: '/v1/rum' });
    expect(response.statusCode).toBe(404);
  });
});
