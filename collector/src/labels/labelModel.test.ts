import { describe, expect, it } from 'vitest';
import {
  createLabelModel,
  LabelCeilingError,
  NEW_VALUES_PER_BEACON,
  sightingOf,
  type LabelModelOptions,
} from './labelModel.js';
import { OTHER, type CappedLabel } from '../series/metrics.js';

const COSTS = { app: 100, route: 10, name: 2 };
const MINUTE = 60_000;

function model(options: Partial<LabelModelOptions> = {}) {
  const counts = { overflow: 0, pending: 0, admitted: 0 };
  const evicted: [CappedLabel, string, string][] = [];
  const labels = createLabelModel(
    {
      seriesCeiling: 10_000,
      admitAfterClients: 3,
      labelIdleTimeout: 60 * MINUTE,
      evidenceWindow: 10 * MINUTE,
      evidenceCapacity: 1000,
      appCap: 50,
      routeCap: 100,
      eventNameCap: 50,
      pinnedApps: [],
      pinnedRoutes: [],
      pinnedNames: [],
      ...options,
    },
    COSTS,
    {
      overflow: () => counts.overflow++,
      pending: () => counts.pending++,
      admitted: () => counts.admitted++,
      evicted: (label, app, value) => evicted.push([label, app, value]),
      ranked: {
        pending: () => counts.pending++,
        overflow: () => counts.overflow++,
        admitted: () => counts.admitted++,
        retired: () => {},
      },
    },
  );
  // Each call its own beacon: `send` below shares one sighting between a beacon's values.
  const at = (client: string, now: number) => sightingOf({ ip: client }, now);
  const perCall = {
    accepts: (app: string) => labels.accepts(app),
    app: (app: string, client: string, now: number) => labels.app(app, at(client, now)),
    route: (app: string, route: string, client: string, now: number) =>
      labels.route(app, route, at(client, now)),
    name: (app: string, name: string, client: string, now: number) =>
      labels.name(app, name, at(client, now)),
    sweep: (now: number) => labels.sweep(now),
    get reserved() {
      return labels.reserved;
    },
    model: labels,
  };
  return { labels: perCall, counts, evicted };
}

/** `count` distinct IPv4 clients, one per /24 so no two share anything. */
const clients = (count: number, from = 0) =>
  Array.from({ length: count }, (_, i) => `198.${(from + i) >> 8}.${(from + i) & 255}.1`);

/** The app, route and names of one beacon from `client`, as record.ts asks for them. */
function send(
  labels: ReturnType<typeof model>['labels'],
  client: string,
  now: number,
  beacon: {
    app: string;
    route: string;
    names?: string[];
  },
) {
  const sighting = sightingOf({ ip: client }, now);
  const app = labels.model.app(beacon.app, sighting);
  const route = labels.model.route(app, beacon.route, sighting);
  const names = (beacon.names ?? []).map((name) => labels.model.name(app, name, sighting));
  return { app, route, names };
}

describe('label model', () => {
  it('admits an app, route and name once enough client networks sent them, not before', () => {
    const { labels, counts } = model();
    const shop = { app: 'shop', route: '/cart', names: ['checkout'] };
    const [a, b, c] = clients(3);
    expect(send(labels, a!, 0, shop)).toEqual({ app: OTHER, route: OTHER, names: [OTHER] });
    // The same client again is no new evidence.
    expect(send(labels, a!, 1, shop).app).toBe(OTHER);
    expect(send(labels, b!, 2, shop).app).toBe(OTHER);
    // The third network admits the app; its route and name start collecting from there.
    expect(send(labels, c!, 3, shop)).toEqual({ app: 'shop', route: OTHER, names: [OTHER] });
    for (const client of clients(3, 10)) send(labels, client, 4, shop);
    expect(send(labels, a!, 5, shop)).toEqual({ app: 'shop', route: '/cart', names: ['checkout'] });
    expect(counts.admitted).toBe(3);
  });

  it('counts every address of one IPv6 /64 as one client', () => {
    const { labels } = model({ admitAfterClients: 2 });
    for (let i = 1; i < 100; i++) expect(labels.app('shop', `2001:db8:1:2::${i}`, 0)).toBe(OTHER);
    expect(labels.app('shop', '2001:db8:1:3::1', 0)).toBe('shop');
  });

  it('keeps established values when one client floods invented apps, routes and names', () => {
    const { labels, counts } = model();
    const real = { app: 'shop', route: '/products/:id', names: ['add-to-basket'] };
    for (const client of clients(24)) send(labels, client, 0, real);
    const attacker = '203.0.113.66';
    for (let i = 0; i < 20_000; i++) {
      const fake = { app: `app${i}`, route: `/r${i}/x`, names: [`n${i}`, `m${i}`] };
      expect(send(labels, attacker, i, fake)).toEqual({
        app: OTHER,
        route: OTHER,
        names: [OTHER, OTHER],
      });
      // On the real app too: its routes and names are the attacker's to invent.
      const onReal = send(labels, attacker, i, {
        app: 'shop',
        route: `/r${i}/x`,
        names: [`n${i}`],
      });
      expect(onReal).toEqual({ app: 'shop', route: OTHER, names: [OTHER] });
    }
    expect(send(labels, clients(1, 500)[0]!, 30_000, real)).toEqual(real);
    expect(counts.admitted).toBe(3);
    expect(counts.pending).toBeGreaterThanOrEqual(20_000 * 3);
    expect(counts.overflow).toBe(0);
    expect(labels.reserved).toBe(2 * COSTS.app + COSTS.route + COSTS.name);
  });

  it('lets one beacon start collecting evidence for a few new values only', () => {
    const { labels, counts } = model({
      admitAfterClients: 2,
      pinnedApps: ['shop'],
      pinnedRoutes: ['/'],
    });
    const names = Array.from({ length: 50 }, (_, i) => `n${i}`);
    const [first, second, third] = clients(3);
    send(labels, first!, 0, { app: 'shop', route: '/', names });
    // The first beacon started evidence for its first few names only: a second network sending
    // the same 50 names admits those, and starts the next few.
    send(labels, second!, 0, { app: 'shop', route: '/', names });
    expect(counts.admitted).toBe(NEW_VALUES_PER_BEACON);
    send(labels, third!, 0, { app: 'shop', route: '/', names });
    expect(counts.admitted).toBe(2 * NEW_VALUES_PER_BEACON);
  });

  it("admits every new value of a beacon on one client's word when that is all it needs", () => {
    const { labels, counts } = model({ admitAfterClients: 1 });
    const names = Array.from({ length: 10 }, (_, i) => `n${i}`);
    const sent = send(labels, clients(1)[0]!, 0, { app: 'shop', route: '/cart', names });
    expect(sent).toEqual({ app: 'shop', route: '/cart', names });
    expect(counts.pending).toBe(0);
  });

  it('never reserves past the ceiling, however many clients send distinct values', () => {
    const ceiling = 1000;
    const { labels, counts } = model({
      seriesCeiling: ceiling,
      admitAfterClients: 2,
      evidenceCapacity: 500,
    });
    const many = clients(50_000);
    for (let i = 0; i < 100_000; i++) {
      // Two clients per value: every value has the evidence it needs.
      const value = { app: `app${i % 40}`, route: `/r${i}/x`, names: [`n${i}`] };
      send(labels, many[i % many.length]!, i, value);
      send(labels, many[(i + 1) % many.length]!, i, value);
      expect(labels.reserved).toBeLessThanOrEqual(ceiling);
    }
    expect(counts.admitted).toBeGreaterThan(0);
    // Past the ceiling, values with all the evidence they need are refused as overflow.
    expect(counts.overflow).toBeGreaterThan(10_000);
  });

  it('evicts values idle past the timeout, returns their room, and keeps those in use', () => {
    const { labels, evicted } = model({ admitAfterClients: 1 });
    const client = clients(1)[0]!;
    send(labels, client, 0, { app: 'shop', route: '/old', names: ['gone'] });
    send(labels, client, 0, { app: 'shop', route: '/new' });
    send(labels, client, 0, { app: 'blog', route: '/' });
    send(labels, client, 59 * MINUTE, { app: 'shop', route: '/new' });
    const before = labels.reserved;
    labels.sweep(61 * MINUTE);
    expect(evicted).toEqual([
      ['route', 'shop', '/old'],
      ['name', 'shop', 'gone'],
      ['app', 'blog', 'blog'],
    ]);
    expect(labels.reserved).toBe(before - COSTS.route - COSTS.name - COSTS.app - COSTS.route);
    expect(labels.route('shop', '/new', client, 61 * MINUTE)).toBe('/new');
  });

  it('lets new values in once a flood that filled the ceiling has gone idle', () => {
    const ceiling = 100 + 2 * COSTS.app + 5 * COSTS.route;
    const { labels } = model({ seriesCeiling: ceiling, admitAfterClients: 1 });
    const attacker = clients(1)[0]!;
    labels.app('squat', attacker, 0);
    for (let i = 0; i < 10; i++) labels.route('squat', `/s${i}`, attacker, 0);
    expect(labels.app('shop', clients(1, 1)[0]!, MINUTE)).toBe(OTHER);
    labels.sweep(62 * MINUTE);
    expect(labels.app('shop', clients(1, 1)[0]!, 62 * MINUTE)).toBe('shop');
  });

  it('admits pinned apps, routes and names at once, refuses other apps, and never evicts them', () => {
    const { labels, evicted } = model({
      pinnedApps: ['shop'],
      pinnedRoutes: ['/products/:id', '/checkout/'],
      pinnedNames: ['checkout'],
    });
    const client = clients(1)[0]!;
    expect(labels.accepts('shop')).toBe(true);
    expect(labels.accepts('evil')).toBe(false);
    expect(
      send(labels, client, 0, { app: 'shop', route: '/products/123', names: ['checkout'] }),
    ).toEqual({ app: 'shop', route: '/products/:id', names: ['checkout'] });
    expect(labels.route('shop', '/checkout', client, 0)).toBe('/checkout');
    labels.sweep(1000 * MINUTE);
    expect(evicted).toEqual([]);
    expect(labels.app('shop', client, 1000 * MINUTE)).toBe('shop');
    // The pinned routes and names are reserved for shop only: `__other__` has none of its own.
    expect(labels.reserved).toBe(2 * COSTS.app + 2 * COSTS.route + COSTS.name);
  });

  it('refuses a configuration whose pinned values do not fit under the ceiling', () => {
    // __other__ (100) and five apps with their pinned route (5 × 110) need 650.
    expect(() =>
      model({ seriesCeiling: 650, pinnedApps: ['a', 'b', 'c', 'd', 'e'], pinnedRoutes: ['/'] }),
    ).not.toThrow();
    expect(() =>
      model({ seriesCeiling: 500, pinnedApps: ['a', 'b', 'c', 'd', 'e'], pinnedRoutes: ['/'] }),
    ).toThrow(LabelCeilingError);
  });

  it('keeps its evidence table bounded, dropping single-client entries before better ones', () => {
    const { labels } = model({ evidenceCapacity: 100, admitAfterClients: 3 });
    const [a, b, c] = clients(3, 1000);
    labels.app('real', a!, 0);
    labels.app('real', b!, 0);
    const attacker = clients(1)[0]!;
    for (let i = 0; i < 10_000; i++) labels.app(`fake${i}`, attacker, 1);
    // Two networks' worth of evidence survived the flood: the third admits it.
    expect(labels.app('real', c!, 2)).toBe('real');
  });
});

describe('ranked labels of the diagnosis (release, target, script, fingerprint)', () => {
  it('admits a release, culprit, script or error group only on evidence from several networks', () => {
    const {
      labels: { model: labels },
    } = model({ admitAfterClients: 3 });
    const [a, b, c] = clients(3, 1000);
    const attacker = clients(1)[0]!;
    const see = (label: 'release' | 'target', value: string, client: string, weight = 1) =>
      labels.ranked(
        labels.scope(
          label,
          label === 'release' ? { app: 'shop' } : { app: 'shop', route: '/', metric: 'LCP' },
        ),
        value,
        weight,
        sightingOf({ ip: client }, 0),
      ).value;
    for (const client of [a!, b!, c!]) labels.app('shop', sightingOf({ ip: client }, 0));
    // One address, however heavy and however often: nothing.
    for (let i = 0; i < 100; i++) expect(see('target', 'div#fake', attacker, 1000)).toBe(OTHER);
    for (let i = 0; i < 100; i++) expect(see('release', `9.9.${i}`, attacker, 1000)).toBe(OTHER);
    expect(labels.held('target', { app: 'shop', route: '/', metric: 'LCP' })).toEqual([]);
    // Three networks: admitted, and held.
    expect(see('target', 'img.hero', a!)).toBe(OTHER);
    expect(see('target', 'img.hero', b!)).toBe(OTHER);
    expect(see('target', 'img.hero', c!)).toBe('img.hero');
    expect(see('target', 'img.hero', attacker)).toBe('img.hero');
    expect(labels.held('target', { app: 'shop', route: '/', metric: 'LCP' })).toEqual(['img.hero']);
  });

  it('has no scopes under __other__: its releases and culprits collapse with it', () => {
    const {
      labels: { model: labels },
    } = model({ admitAfterClients: 1 });
    const sighting = sightingOf({ ip: '192.0.2.1' }, 0);
    expect(labels.ranked(labels.scope('release', { app: OTHER }), '1.0.0', 1, sighting).value).toBe(
      OTHER,
    );
  });

  it('retires the ranked values of an evicted route with it, so they can start over', () => {
    const {
      labels: { model: labels },
    } = model({ admitAfterClients: 1 });
    const at = (now: number) => sightingOf({ ip: '192.0.2.1' }, now);
    labels.app('shop', at(0));
    labels.route('shop', '/old', at(0));
    const scope = { app: 'shop', route: '/old', metric: 'INP' };
    const target = labels.scope('target', scope);
    expect(labels.ranked(target, 'click button#pay', 1, at(0)).value).toBe('click button#pay');
    // The culprit was seen lately, but its route not for an hour and a half.
    labels.ranked(target, 'click button#pay', 1, at(85 * MINUTE));
    labels.app('shop', at(90 * MINUTE));
    labels.sweep(90 * MINUTE);
    // The route went idle and was evicted: its culprits went with it.
    expect(labels.held('target', scope)).toEqual([]);
  });
});
