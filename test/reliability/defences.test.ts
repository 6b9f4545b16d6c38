/**
 * The collector's defences, each exercised over real sockets against a listening collector:
 * a refusal is a 4xx with a reason in its JSON body, and moves `pulse_rejected_total{reason}`
 * by one on the /metrics page a Prometheus would scrape.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleBeacon, type CollectorOptions } from '@pulse/collector';
import { startCollector, type RunningCollector } from '../helpers/collector.js';
import { scrape } from '../helpers/metrics.js';

const SITE = 'http://shop.example.com';
const KEY = 'k3y-for-tests';
const REQUEST_TIMEOUT = 500;
const RATE_LIMIT = 3;

const beacon = (overrides: Parameters<typeof exampleBeacon>[1] = {}) =>
  JSON.stringify(exampleBeacon(undefined, { key: KEY, ...overrides }));

async function rejected(collector: RunningCollector, reason: string) {
  return (await scrape(collector.adminUrl)).value('pulse_rejected_total', { reason });
}

/** Opens a raw connection, writes `chunks` with `gapMs` between them, returns all it hears. */
function trickle(url: string, chunks: string[], gapMs: number): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = connect(Number(port), '127.0.0.1');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const writeNext = (i: number) => {
      if (i >= chunks.length || socket.destroyed) return;
      socket.write(chunks[i]!);
      timer = setTimeout(() => writeNext(i + 1), gapMs);
    };
    socket.on('connect', () => writeNext(0));
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
  });
}

describe('collector defences over real HTTP', () => {
  let collector: RunningCollector;
  const options: Partial<CollectorOptions> = {
    allowOrigins: [SITE],
    ingestKey: KEY,
    rateLimit: { max: RATE_LIMIT, timeWindow: 60_000 },
    // Clients are told apart by X-Forwarded-For, as behind a load balancer on this host.
    trustProxy: '127.0.0.1',
    requestTimeout: REQUEST_TIMEOUT,
    bodyLimit: 4096,
    maxEventsPerBeacon: 20,
    appCap: 2,
  };

  beforeAll(async () => {
    collector = await startCollector(options);
  });
  afterAll(async () => {
    await collector?.close();
  });

  let clientNumber = 0;
  /** A POST from a fresh client address, so the rate limit of one test leaves the others alone. */
  const post = (body: string, headers: Record<string, string> = {}, client = ++clientNumber) =>
    fetch(`${collector.url}/v1/rum`, {
      method: 'POST',
      headers: {
        'content-type': 'text/plain;charset=UTF-8',
        origin: SITE,
        'x-forwarded-for': `10.0.${Math.floor(client / 250)}.${client % 250}`,
        ...headers,
      },
      body,
    });

  it('accepts a good beacon from an allowed origin with the key', async () => {
    expect((await post(beacon())).status).toBe(204);
  });

  it.each<{
    name: string;
    body: string;
    headers: Record<string, string>;
    status: number;
    reason: string;
  }>([
    {
      name: 'another origin',
      body: beacon(),
      headers: { origin: 'http://evil.example' },
      status: 403,
      reason: 'origin',
    },
    {
      name: 'no ingest key',
      body: JSON.stringify(exampleBeacon()),
      headers: {},
      status: 401,
      reason: 'ingest_key',
    },
    {
      name: 'a wrong ingest key',
      body: beacon({ key: 'guess' }),
      headers: {},
      status: 403,
      reason: 'ingest_key',
    },
    {
      name: 'a body over the limit',
      body: beacon({ route: `/${'a'.repeat(150)}`, events: [] }).replace(
        '"events":[]',
        `"events":[${'{"k":"view"},'.repeat(400)}{"k":"view"}]`,
      ),
      headers: {},
      status: 413,
      reason: 'too_large',
    },
    {
      name: 'more events than allowed',
      body: beacon().replace(
        /"events":\[.*\]/,
        `"events":[${'{"k":"view"},'.repeat(20)}{"k":"view"}]`,
      ),
      headers: {},
      status: 413,
      reason: 'too_many_events',
    },
    {
      name: 'a form body',
      body: 'v=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      status: 415,
      reason: 'content_type',
    },
    {
      name: 'a broken envelope',
      body: beacon({ route: '/a"}' }),
      headers: {},
      status: 400,
      reason: 'schema',
    },
  ])('refuses $name: $status $reason, counted', async ({ body, headers, status, reason }) => {
    const before = await rejected(collector, reason);
    const response = await post(body, headers);
    expect(response.status).toBe(status);
    expect(((await response.json()) as { reason: string }).reason).toBe(reason);
    expect(await rejected(collector, reason)).toBe(before + 1);
  });

  it('rate-limits per client: 429 with Retry-After for one, others unaffected', async () => {
    const noisy = 9_000;
    const before = await rejected(collector, 'rate_limited');
    for (let i = 0; i < RATE_LIMIT; i += 1)
      expect((await post(beacon(), {}, noisy)).status).toBe(204);
    const limited = await post(beacon(), {}, noisy);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { reason: string }).reason).toBe('rate_limited');
    expect(await rejected(collector, 'rate_limited')).toBe(before + 1);
    // A page on another address is still served.
    expect((await post(beacon())).status).toBe(204);
  });

  it('caps the number of apps: later apps share __other__, and each is counted', async () => {
    for (const app of ['one', 'two', 'three', 'four']) {
      expect((await post(beacon({ app }))).status).toBe(204);
    }
    const metrics = await scrape(collector.adminUrl);
    const apps = new Set(metrics.labelSets('pulse_beacons_total').map((labels) => labels.app));
    expect(apps.size).toBeLessThanOrEqual(options.appCap! + 1);
    expect(apps.has('__other__')).toBe(true);
    expect(metrics.value('pulse_label_overflow_total', { label: 'app' })).toBeGreaterThanOrEqual(2);
  });

  it('cuts off headers that trickle in too slowly (slow loris) with 408 timeout', async () => {
    const before = await rejected(collector, 'timeout');
    const header = `POST /v1/rum HTTP/1.1\r\nHost: x\r\n${'X-Slow: 1\r\n'.repeat(20)}`;
    const answer = await trickle(collector.url, header.match(/.{1,12}/gs)!, 100);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('"reason":"timeout"');
    expect(await rejected(collector, 'timeout')).toBe(before + 1);
  });

  it('cuts off a body that trickles in too slowly with 408 timeout', async () => {
    const before = await rejected(collector, 'timeout');
    const body = beacon();
    const head = `POST /v1/rum HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n`;
    const answer = await trickle(collector.url, [head, ...body.match(/.{1,8}/gs)!], 100);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(await rejected(collector, 'timeout')).toBe(before + 1);
  });

  it('stops a never-ending chunked body at the body limit with 413 too_large', async () => {
    const before = await rejected(collector, 'too_large');
    const head = `POST /v1/rum HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const chunk = `400\r\n${'a'.repeat(0x400)}\r\n`;
    const answer = await trickle(collector.url, [head, ...Array<string>(10).fill(chunk)], 10);
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toContain('"reason":"too_large"');
    expect(await rejected(collector, 'too_large')).toBe(before + 1);
  });

  it('is still healthy after all of it', async () => {
    expect((await fetch(`${collector.url}/healthz`)).status).toBe(200);
  });
});
