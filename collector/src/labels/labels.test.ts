import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseName, normaliseRoute } from './labels.js';

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
