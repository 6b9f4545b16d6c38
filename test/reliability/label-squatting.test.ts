/**
 * Label squatting over real sockets: one client inventing apps, routes and custom names gets
 * none of them a series of its own, however many it sends, while values that many clients send
 * are admitted and keep their series and their counts. Each client is a source address of
 * 127.0.0.0/8 (Linux accepts any of them), so the collector sees it as a client network of its
 * own, exactly as it sees browsers on the internet (`request.ip`).
 */
import type { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultCollectorOptions,
  exampleBeacon,
  exampleEvents,
  OTHER,
  type Beacon,
  type PulseEvent,
} from '@pulse/collector';
import { beaconAgent, postBeacon } from '../helpers/beaconClient.js';
import { startCollector, type RunningCollector } from '../helpers/collector.js';
import { collapsed } from '../helpers/labelCollapses.js';
import { scrape, type Scrape } from '../helpers/metrics.js';

const { admitAfterClients } = defaultCollectorOptions;
/** The shop's browsers, one address each. */
const CLIENTS = Array.from({ length: 24 }, (_, i) => `127.0.1.${i + 1}`);
const ATTACKER = '127.0.66.6';
const ROUTES = ['/', '/products/:id', '/cart'];
const { event: CHECKOUT, timing: SEARCH } = exampleEvents;
/** What a shop page sends: a view, its vitals, a custom event and a custom timing. */
const PAGE: PulseEvent[] = [exampleEvents.view, exampleEvents.page, CHECKOUT, SEARCH];
/** Beacons per route each client sends while the attacker is at it. */
const ROUNDS = 2;
/** The attack's first part; then `MORE_ROUNDS` rounds of more of everything. */
const FIRST = { apps: 50, routes: 100, names: 50 };
const MORE = { apps: 200, routes: 200, names: 500 };
const MORE_ROUNDS = 10;

const squatApp = (i: number) => `squat-${i}`;
const squatRoute = (i: number) => `/squat-${i}`;
const squatNames = (count: number): PulseEvent[] =>
  Array.from({ length: count }, (_, i) => ({ k: 'event', name: `squat ${i}` }));

/** Sends beacons over keep-alive connections and keeps every answer's status. */
function client(collector: RunningCollector, agent: Agent, statuses: number[]) {
  return async (from: string, events: PulseEvent[], overrides: Partial<Beacon>) => {
    const answer = await postBeacon(collector.url, exampleBeacon(events, overrides), {
      agent,
      from,
    });
    statuses.push(answer.status);
    return answer;
  };
}

/** Starts a collector on loopback sockets, admitting on the default evidence. */
async function collectorWithEvidence(options: Parameters<typeof startCollector>[0] = {}) {
  // The test helper admits on one client's word; these tests are about the default. Every
  // scrape renders afresh, so each reads the beacons sent before it.
  return startCollector({ admitAfterClients, metricsRenderMaxAge: 0, ...options });
}

const pageViews = (metrics: Scrape, app: string, route: string) =>
  metrics.value('pulse_page_views_total', { app, route });

describe('one client squatting on labels, while 24 browsers use the shop', () => {
  let collector: RunningCollector;
  const agent = beaconAgent();
  const statuses: number[] = [];
  let established: Scrape;
  let after: Scrape;
  /** What the attacker sent, counted as it went. */
  const attack = { appBeacons: 0, routeBeacons: 0, nameBeacons: 0, names: 0 };

  beforeAll(async () => {
    // No rate limit: the label model must hold against an attacker the rate limit lets through,
    // such as a patient one sending the same over hours.
    collector = await collectorWithEvidence({ rateLimit: false });
    const send = client(collector, agent, statuses);
    const shopPage = (from: string, route: string) => send(from, PAGE, { app: 'shop', route });

    // The shop is established: every client loads every route once.
    for (const from of CLIENTS) for (const route of ROUTES) await shopPage(from, route);
    established = await scrape(collector.adminUrl);

    const squat = async (apps: number, routes: number, names: number) => {
      for (let i = 0; i < apps; i += 1) {
        await send(ATTACKER, [exampleEvents.view, exampleEvents.page, CHECKOUT], {
          app: squatApp(i),
          route: '/',
        });
        attack.appBeacons += 1;
      }
      for (let i = 0; i < routes; i += 1) {
        await send(ATTACKER, [exampleEvents.view, exampleEvents.page], {
          app: 'shop',
          route: squatRoute(i),
        });
        attack.routeBeacons += 1;
      }
      // Names on the real app and an established route: only the names are invented.
      await send(ATTACKER, squatNames(names), { app: 'shop', route: '/' });
      attack.nameBeacons += 1;
      attack.names += names;
    };
    const browse = async (from: string) => {
      for (let round = 0; round < ROUNDS; round += 1) {
        for (const route of ROUTES) await shopPage(from, route);
      }
    };
    await Promise.all([
      (async () => {
        await squat(FIRST.apps, FIRST.routes, FIRST.names);
        for (let round = 0; round < MORE_ROUNDS; round += 1) {
          await squat(MORE.apps, MORE.routes, MORE.names);
        }
      })(),
      ...CLIENTS.map(browse),
    ]);
    after = await scrape(collector.adminUrl);
  }, 300_000);

  afterAll(async () => {
    agent.destroy();
    await collector?.close();
  });

  const delta = (read: (metrics: Scrape) => number) => read(after) - read(established);

  it('accepts every beacon: they are valid, the model decides their labels', () => {
    const expected =
      CLIENTS.length * ROUTES.length * (1 + ROUNDS) +
      attack.appBeacons +
      attack.routeBeacons +
      attack.nameBeacons;
    expect(statuses.length).toBe(expected);
    expect(statuses.filter((status) => status !== 204)).toEqual([]);
  });

  it("admitted the shop's app, routes and names on the browsers' evidence", () => {
    for (const route of ROUTES) {
      expect(pageViews(established, 'shop', route), route).toBeGreaterThan(0);
    }
    expect(
      established.value('pulse_custom_events_total', { app: 'shop', name: CHECKOUT.name }),
    ).toBeGreaterThan(0);
    expect(
      established.count('pulse_custom_timing_seconds', { app: 'shop', name: SEARCH.name }),
    ).toBeGreaterThan(0);
  });

  it('gives none of the invented apps, routes or names a series', () => {
    expect(after.text).not.toContain('squat');
    const apps = new Set(after.labelSets('pulse_beacons_total').map((labels) => labels.app));
    expect([...apps].sort()).toEqual([OTHER, 'shop']);
    const routes = new Set(
      after
        .labelSets('pulse_page_views_total')
        .filter((labels) => labels.app === 'shop')
        .map((labels) => labels.route),
    );
    expect([...routes].sort()).toEqual([OTHER, ...ROUTES].sort());
    const names = new Set(
      after
        .labelSets('pulse_custom_events_total')
        .filter((labels) => labels.app === 'shop')
        .map((labels) => labels.name),
    );
    expect([...names].sort()).toEqual([OTHER, CHECKOUT.name].sort());
    for (const label of ['app', 'route', 'name']) {
      expect(
        delta((m) => m.value('pulse_label_admissions_total', { label })),
        label,
      ).toBe(0);
    }
  });

  it("keeps the shop's counts exact: its browsers' page views, events and timings", () => {
    const perRoute = CLIENTS.length * ROUNDS;
    for (const route of ROUTES) {
      expect(
        delta((m) => pageViews(m, 'shop', route)),
        route,
      ).toBe(perRoute);
    }
    const pages = perRoute * ROUTES.length;
    expect(
      delta((m) => m.value('pulse_custom_events_total', { app: 'shop', name: CHECKOUT.name })),
    ).toBe(pages * CHECKOUT.value!);
    expect(
      delta((m) => m.count('pulse_custom_timing_seconds', { app: 'shop', name: SEARCH.name })),
    ).toBe(pages);
    // The attacker's beacons on the shop count for the shop, under its `__other__` route.
    expect(delta((m) => m.value('pulse_beacons_total', { app: 'shop' }))).toBe(
      pages + attack.routeBeacons + attack.nameBeacons,
    );
    expect(delta((m) => pageViews(m, 'shop', OTHER))).toBe(attack.routeBeacons);
    expect(delta((m) => m.value('pulse_custom_events_total', { app: 'shop', name: OTHER }))).toBe(
      attack.names,
    );
    expect(delta((m) => m.value('pulse_beacons_total', { app: OTHER }))).toBe(attack.appBeacons);
  });

  it('counts every invented value sent as a collapse into __other__', () => {
    expect(delta((m) => collapsed(m, 'app'))).toBe(attack.appBeacons);
    expect(delta((m) => collapsed(m, 'route'))).toBe(attack.routeBeacons);
    expect(delta((m) => collapsed(m, 'name'))).toBe(attack.names);
  });
});

describe('admission on evidence from several client networks', () => {
  let collector: RunningCollector;
  const agent = beaconAgent();
  const statuses: number[] = [];

  beforeAll(async () => {
    collector = await collectorWithEvidence();
  });
  afterAll(async () => {
    agent.destroy();
    await collector?.close();
  });

  it('admits an app once five addresses sent it, then its route and name once five more did', async () => {
    const send = client(collector, agent, statuses);
    const from = (i: number) => `127.0.2.${i + 1}`;
    const blog = (i: number) =>
      send(from(i), [exampleEvents.view, { k: 'event', name: 'subscribe' }], {
        app: 'blog',
        route: '/posts/:slug',
      });
    const seen = async () => {
      const metrics = await scrape(collector.adminUrl);
      return {
        app: metrics.value('pulse_beacons_total', { app: 'blog' }),
        route: pageViews(metrics, 'blog', '/posts/:slug'),
        name: metrics.value('pulse_custom_events_total', { app: 'blog', name: 'subscribe' }),
        admitted: metrics.value('pulse_label_admissions_total', { label: 'app' }),
      };
    };

    // One address sending it again and again is one client.
    for (let repeat = 0; repeat < 20; repeat += 1) await blog(0);
    for (let i = 1; i < admitAfterClients - 1; i += 1) await blog(i);
    expect(await seen()).toEqual({ app: 0, route: 0, name: 0, admitted: 0 });

    // The fifth address admits the app; its route and name start collecting evidence there.
    await blog(admitAfterClients - 1);
    expect(await seen()).toEqual({ app: 1, route: 0, name: 0, admitted: 1 });
    for (let i = admitAfterClients; i < 2 * admitAfterClients - 1; i += 1) await blog(i);
    expect(await seen()).toEqual({ app: admitAfterClients, route: 1, name: 1, admitted: 1 });
    expect(statuses.filter((status) => status !== 204)).toEqual([]);
  });
});

describe('an allow-list of apps', () => {
  let collector: RunningCollector;
  const agent = beaconAgent();

  beforeAll(async () => {
    collector = await collectorWithEvidence({ apps: ['shop'] });
  });
  afterAll(async () => {
    agent.destroy();
    await collector?.close();
  });

  it('records the listed app at once and refuses others with 403, reason app, however many send them', async () => {
    const send = client(collector, agent, []);
    const shop = await send('127.0.3.1', PAGE, { app: 'shop' });
    expect(shop.status).toBe(204);
    const refused = [];
    for (let i = 0; i < admitAfterClients + 1; i += 1) {
      refused.push(await send(`127.0.3.${i + 2}`, PAGE, { app: 'blog' }));
    }
    for (const answer of refused) {
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.body)).toMatchObject({ reason: 'app' });
    }
    const metrics = await scrape(collector.adminUrl);
    expect(metrics.value('pulse_rejected_total', { reason: 'app' })).toBe(refused.length);
    // Pinned: its own series from the first beacon, no evidence needed.
    expect(metrics.value('pulse_beacons_total', { app: 'shop' })).toBe(1);
    expect(metrics.text).not.toContain('blog');
  });
});
