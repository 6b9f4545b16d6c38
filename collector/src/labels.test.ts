import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLabelCaps, normaliseName, normaliseRoute } from './labels.js';
import type { CappedLabel } from './metrics.js';

function caps(appCap = 2, routeCap = 3, eventNameCap = 2) {
  const overflows: CappedLabel[] = [];
  const labels = createLabelCaps({ appCap, routeCap, eventNameCap }, (label) =>
    overflows.push(label),
  );
  return { labels, overflows };
}

describe('normaliseRoute', () => {
  it.each([
    ['/', '/'],
    ['/products/:id', '/products/:id'],
    ['/products/12345', '/products/:id'],
    ['/products/12345/', '/products/:id'],
    ['//a///b', '/a/b'],
    ['/u/3F2504E0-4F89-11D3-9A0C-0305E82C3301', '/u/:id'],
    ['/blob/0123456789abcdef0123', '/blob/:id'],
    ['/about-us', '/about-us'],
    ['/v2/items', '/v2/items'],
    ['/deadbeefdeadbeefdead', '/deadbeefdeadbeefdead'],
    ['products.detail', 'products.detail'],
  ])('%s → %s', (route, expected) => {
    expect(normaliseRoute(route)).toBe(expected);
  });
});

describe('normaliseName', () => {
  it.each([
    ['checkout', 'checkout'],
    ['  Order   Completed ', 'Order Completed'],
    ['   ', '_'],
  ])('%j → %j', (name, expected) => {
    expect(normaliseName(name)).toBe(expected);
  });
});

// The label caps skip normalising a value already admitted, which is right only if normalising
// a normalised value changes nothing.
describe('normalising is idempotent', () => {
  const segment = fc.oneof(
    fc.constantFrom('', '123', 'products', ':id', 'a1b2c3d4e5f6a7b8c9', 'ABCDEF0123456789ab'),
    fc.uuid(),
    fc.string({ maxLength: 12 }),
  );
  it('for routes', () => {
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 6 }), (segments) => {
        const once = normaliseRoute(segments.join('/'));
        expect(normaliseRoute(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });
  it('for names', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (name) => {
        const once = normaliseName(name);
        expect(normaliseName(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('label caps', () => {
  it('admits routes per app up to the cap, then answers __other__ and counts it', () => {
    const { labels, overflows } = caps();
    const routes = ['/a', '/b', '/c', '/d', '/e', '/a'].map((route) => labels.route('shop', route));
    expect(routes).toEqual(['/a', '/b', '/c', '__other__', '__other__', '/a']);
    expect(overflows).toEqual(['route', 'route']);
  });

  it('caps each app separately', () => {
    const { labels } = caps();
    for (const route of ['/a', '/b', '/c']) labels.route('shop', route);
    expect(labels.route('blog', '/d')).toBe('/d');
    expect(labels.route('shop', '/d')).toBe('__other__');
  });

  it('caps apps, and gives apps past the cap one shared __other__ bucket', () => {
    const { labels, overflows } = caps();
    expect(['shop', 'blog', 'admin', 'shop'].map((app) => labels.app(app))).toEqual([
      'shop',
      'blog',
      '__other__',
      'shop',
    ]);
    expect(overflows).toEqual(['app']);
  });

  it('caps custom event names per app', () => {
    const { labels, overflows } = caps();
    expect(['x', 'y', 'z'].map((name) => labels.name('shop', name))).toEqual([
      'x',
      'y',
      '__other__',
    ]);
    expect(overflows).toEqual(['name']);
  });

  it('counts a normalised route once: ids do not use up the cap', () => {
    const { labels, overflows } = caps(1, 1, 1);
    for (let id = 0; id < 1000; id += 1) expect(labels.route('shop', `/p/${id}`)).toBe('/p/:id');
    expect(overflows).toEqual([]);
  });

  it('stays bounded under a flood of distinct apps, routes and names', () => {
    const { labels } = caps(50, 100, 50);
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i += 1) {
      const app = labels.app(`app${i}`);
      seen.add(`${app} ${labels.route(app, `/r${i}x`)} ${labels.name(app, `n${i}`)}`);
    }
    const apps = new Set([...seen].map((key) => key.split(' ')[0]));
    expect(apps.size).toBe(51);
    // Each admitted app sees one route and one name; __other__ fills its own caps, then stops.
    expect(seen.size).toBeLessThanOrEqual(50 + 101);
  });
});
