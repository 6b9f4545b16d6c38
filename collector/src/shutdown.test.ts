/**
 * Closing a collector over real sockets: the ingest listener closes first, and with
 * `awaitLastScrape` the admin listener keeps serving /metrics until a scrape has read every
 * answered beacon, even when the shared render cache holds a render older than the last one.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { exampleBeacon } from './beacon/exampleBeacons.js';
import { createCollector } from './server.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** A collector listening on loopback; its logs, when asked for, land in `logs`. */
async function listening(logs?: Record<string, unknown>[]) {
  const logger =
    logs === undefined
      ? false
      : {
          level: 'info',
          stream: new Writable({
            write(chunk: Buffer, _encoding, done) {
              logs.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
              done();
            },
          }),
        };
  app = await createCollector({
    processMetrics: false,
    // Long enough that every scrape of a test would share one render, were it not refused.
    metricsRenderMaxAge: 60_000,
    logger,
  });
  const ingestUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  const adminUrl = await app.pulseAdmin.listen({ port: 0, host: '127.0.0.1' });
  return { app, ingestUrl, adminUrl };
}

const post = async (ingestUrl: string, times: number) => {
  for (let i = 0; i < times; i++) {
    const response = await fetch(`${ingestUrl}/v1/rum`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(exampleBeacon()),
    });
    expect(response.status).toBe(204);
  }
};

/** `pulse_beacons_total` summed over its apps, as a scrape of `adminUrl` reads it. */
const scrapedBeacons = async (adminUrl: string) => {
  const text = await (await fetch(`${adminUrl}/metrics`)).text();
  return [...text.matchAll(/^pulse_beacons_total\{[^}]*\} (\d+)$/gm)].reduce(
    (sum, match) => sum + Number(match[1]),
    0,
  );
};

/** Resolves once `url` no longer takes connections. */
async function untilRefused(url: string) {
  for (;;) {
    const refused = await fetch(`${url}/healthz`).then(
      () => false,
      () => true,
    );
    if (refused) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const settles = (promise: Promise<unknown>) => {
  const state = { settled: false };
  void promise.finally(() => (state.settled = true));
  return state;
};

describe('closing a collector', () => {
  it('keeps /metrics open after the ingest side closed until a scrape read every beacon', async () => {
    const { app, ingestUrl, adminUrl } = await listening();
    await post(ingestUrl, 3);
    expect(await scrapedBeacons(adminUrl)).toBe(3);
    // Answered after the cached render: a scrape of that render would miss them.
    await post(ingestUrl, 2);

    app.pulseShutdown.awaitLastScrape(30_000);
    const closing = app.close();
    const close = settles(closing);
    await untilRefused(ingestUrl);
    const head = await fetch(`${adminUrl}/metrics`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(close.settled).toBe(false);

    expect(await scrapedBeacons(adminUrl)).toBe(5);
    await closing;
    await expect(fetch(`${adminUrl}/metrics`)).rejects.toThrow();
  });

  it('closes both listeners at once when no last scrape was asked for', async () => {
    const { app, ingestUrl, adminUrl } = await listening();
    await post(ingestUrl, 1);
    expect(await scrapedBeacons(adminUrl)).toBe(1);
    await post(ingestUrl, 1);
    await app.close();
    await expect(fetch(`${adminUrl}/metrics`)).rejects.toThrow();
  });

  it('gives up after the wait and logs the beacons no scrape read', async () => {
    const logs: Record<string, unknown>[] = [];
    const { app, ingestUrl, adminUrl } = await listening(logs);
    await post(ingestUrl, 1);
    expect(await scrapedBeacons(adminUrl)).toBe(1);
    await post(ingestUrl, 4);
    app.pulseShutdown.awaitLastScrape(200);
    await app.close();
    const warning = logs.find((line) => line.unscrapedBeacons !== undefined);
    expect(warning).toMatchObject({ level: 40, unscrapedBeacons: 4 });
    expect(warning!.waitedMs).toBeGreaterThanOrEqual(199);
  });
});
