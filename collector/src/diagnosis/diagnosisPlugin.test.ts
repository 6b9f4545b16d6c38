/**
 * The diagnosis end to end inside one collector: beacons with phases, culprits, blocking
 * scripts, releases and errors in, `/metrics` and the diagnosis API out.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Beacon, PulseEvent } from '@pulse/sdk/protocol';
import { exampleBeacon } from '../beacon/exampleBeacons.js';
import { createCollector } from '../server.js';
import type { DiagnosisReport } from './diagnosisReport.js';
import type { ReleaseComparison } from './releaseComparison.js';

const PAGE_ORIGIN = 'https://shop.example';
let app: FastifyInstance | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** A page view of /product whose LCP is a late image and whose INP is a slow click handler. */
const slowPage = (lcp = 5200): PulseEvent[] => [
  { k: 'view' },
  {
    k: 'page',
    vitals: {
      LCP: { value: lcp, rating: 'poor', target: 'img.hero', ph: [200, lcp - 1400, 600, 600] },
      INP: {
        value: 340,
        rating: 'needs-improvement',
        target: 'button#pay',
        type: 'click',
        ph: [20, 300, 20],
      },
      CLS: { value: 0.3, rating: 'poor', target: 'div#ad' },
    },
    tbt: 400,
  },
  {
    k: 'long',
    kind: 'loaf',
    d: 180,
    s: [
      { u: 'https://tracker.example/t.js', i: 'classic-script', d: 150 },
      { u: `${PAGE_ORIGIN}/app.js`, i: 'event-listener', d: 20 },
      { u: 'https://rum.example/pulse.js', i: 'classic-script', d: 10 },
    ],
  },
];

async function start() {
  app = await createCollector({ admitAfterClients: 1, rateLimit: false, processMetrics: false });
  return app;
}

const send = (target: FastifyInstance, events: PulseEvent[], overrides: Partial<Beacon> = {}) =>
  target.inject({
    method: 'POST',
    url: '/v1/rum',
    headers: { 'content-type': 'text/plain', origin: PAGE_ORIGIN },
    payload: JSON.stringify(exampleBeacon(events, { route: '/product', ...overrides })),
  });

const get = async <T>(target: FastifyInstance, url: string) => {
  const response = await target.pulseAdmin.inject({ url });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<T>();
};

describe('the diagnosis API', () => {
  it('names the dominating phase, the culprits with their share, and the advice', async () => {
    const target = await start();
    for (let i = 0; i < 8; i++) expect((await send(target, slowPage())).statusCode).toBe(204);
    const report = await get<DiagnosisReport>(
      target,
      `/api/v1/diagnosis?app=${exampleBeacon().app}&route=/product`,
    );
    const lcp = report.vitals.find((vital) => vital.metric === 'LCP')!;
    expect(lcp.rating).toBe('poor');
    expect(lcp.dominatingPhase).toBe('load_delay');
    // The mean phases come along, in seconds, for the dashboard's bar of them.
    expect(lcp.phases!.load_delay).toBeCloseTo(3.8, 9);
    expect(lcp.phases!.ttfb).toBeCloseTo(0.2, 9);
    expect(lcp.culprits).toEqual([{ target: 'img.hero', share: 1 }]);
    expect(lcp.advice.map((advice) => advice.rule)).toContain('lcp-load-delay-image');
    const inp = report.vitals.find((vital) => vital.metric === 'INP')!;
    expect(inp.dominatingPhase).toBe('processing');
    expect(inp.culprits[0]).toEqual({ target: 'click button#pay', share: 1 });
    expect(report.vitals.find((vital) => vital.metric === 'CLS')!.culprits[0]!.target).toBe(
      'div#ad',
    );
    // The tracker runs on another origin than the page's: third party, and advised on.
    const tracker = report.scripts.find((script) => script.script.includes('tracker'))!;
    expect(tracker).toMatchObject({ invoker: 'classic-script', thirdParty: true });
    expect(tracker.seconds).toBeCloseTo(8 * 0.15, 6);
    expect(report.scripts.find((script) => script.script.endsWith('/app.js'))!.thirdParty).toBe(
      false,
    );
    // Pulse's own script, from the collector's origin, is listed but never called third party.
    expect(report.scripts.find((script) => script.script.endsWith('/pulse.js'))!.thirdParty).toBe(
      false,
    );
    expect(report.scriptAdvice.map((advice) => advice.rule)).toEqual(['third-party-blocking']);
  });

  it('records phases that add up to the vital, per route, on /metrics', async () => {
    const target = await start();
    await send(target, slowPage(5000));
    const text = (await target.pulseAdmin.inject({ url: '/metrics' })).body;
    const sum = (phase: string) =>
      Number(
        new RegExp(
          `^pulse_lcp_phase_seconds_sum\\{[^}]*route="/product",phase="${phase}"\\} (\\S+)`,
          'm',
        ).exec(text)![1],
      );
    const parts = ['ttfb', 'load_delay', 'load_duration', 'render_delay'].map(sum);
    expect(parts.reduce((a, b) => a + b, 0)).toBeCloseTo(5, 9);
    expect(text).toMatch(/^pulse_culprit_total\{[^}]*metric="INP",target="click button#pay"\} 1$/m);
  });

  it('compares the newest release with the previous one', async () => {
    const target = await start();
    for (let i = 0; i < 4; i++) await send(target, slowPage(2000), { release: '1.0.0' });
    // Later, 1.1.0: slower, and an error on every page view.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    for (let i = 0; i < 4; i++) {
      await send(
        target,
        [...slowPage(6000), { k: 'error', kind: 'error', fp: 'newbug', msg: 'x is undefined' }],
        { release: '1.1.0' },
      );
    }
    const releases = await get<ReleaseComparison>(
      target,
      `/api/v1/releases?app=${exampleBeacon().app}`,
    );
    expect(releases.releases).toEqual(['1.1.0', '1.0.0']);
    expect(releases.newest).toMatchObject({
      release: '1.1.0',
      pageViews: 4,
      errors: 4,
      errorRate: 1,
    });
    expect(releases.previous).toMatchObject({ release: '1.0.0', pageViews: 4, errors: 0 });
    expect(releases.delta!.errorRate).toBe(1);
    expect(releases.delta!.p75.LCP).toBeGreaterThan(2);
    expect(releases.delta!.score).toBeLessThan(0);

    const errors = await get<{
      groups: {
        fingerprint: string;
        newInNewestRelease: boolean;
        message?: string;
        releases: string[];
        routes: string[];
      }[];
    }>(target, `/api/v1/errors?app=${exampleBeacon().app}`);
    expect(errors.groups).toEqual([
      expect.objectContaining({
        fingerprint: 'newbug',
        releases: ['1.1.0'],
        routes: ['/product'],
        message: 'x is undefined',
        newInNewestRelease: true,
      }),
    ]);
  });

  it('marks no error group new while only one release was ever seen', async () => {
    const target = await start();
    await send(target, [{ k: 'error', kind: 'error', fp: 'oldbug' }], { release: '1.0.0' });
    const errors = await get<{ groups: { newInNewestRelease: boolean }[] }>(
      target,
      `/api/v1/errors?app=${exampleBeacon().app}`,
    );
    expect(errors.groups.map((group) => group.newInNewestRelease)).toEqual([false]);
  });

  it('answers a query without app or route with 400', async () => {
    const target = await start();
    expect((await target.pulseAdmin.inject({ url: '/api/v1/diagnosis?app=shop' })).statusCode).toBe(
      400,
    );
    expect((await target.pulseAdmin.inject({ url: '/api/v1/releases' })).statusCode).toBe(400);
    // The internet-facing side has no such route.
    expect((await target.inject({ url: '/api/v1/diagnosis?app=shop&route=/' })).statusCode).toBe(
      404,
    );
  });
});
