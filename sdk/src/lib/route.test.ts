// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { currentRoute, normaliseRoute } from './route.js';

describe('normaliseRoute', () => {
  it.each([
    ['/orders/81723', '/orders/:id'],
    ['/users/42/orders/7', '/users/:id/orders/:id'],
    ['/items/3f2504e0-4f89-11d3-9a0c-0305e82c3301', '/items/:id'],
    ['/commits/9fceb02d0ae598e95dc970b74767f19372d61af8', '/commits/:id'],
    ['/objects/507f1f77bcf86cd799439011', '/objects/:id'],
    ['/share/aB3xK9mQ2pL7vR4tY8wZ1n', '/share/:id'],
    ['/reset/QmFzZTY0VG9rZW5XaXRob3V0RGlnaXRzSGVyZQ', '/reset/:id'],
    ['/users/jane@example.com', '/users/:id'],
    ['/products', '/products'],
    ['/checkout/payment', '/checkout/payment'],
    ['/blog/how-we-build', '/blog/how-we-build'],
    ['/v2/items', '/v2/items'],
    ['/products/:id', '/products/:id'],
    ['/', '/'],
    ['', '/'],
  ])('%s → %s', (path, route) => {
    expect(normaliseRoute(path)).toBe(route);
  });

  it('never keeps a query string or a fragment', () => {
    expect(normaliseRoute('/search?q=secret&token=abc')).toBe('/search');
    expect(normaliseRoute('/docs#section-2')).toBe('/docs');
    expect(normaliseRoute('/a/12?x=1#y')).toBe('/a/:id');
  });

  it('replaces characters the collector refuses in a route with _', () => {
    // Hash routers and app templates are not escaped by the browser as paths are.
    expect(normaliseRoute('/a b/{slug}/"x"\\y')).toBe('/a_b/_slug_/_x__y');
    expect(normaliseRoute('/café/<tag>/`t`')).toBe('/caf_/_tag_/_t_');
    // Every character the collector allows survives (`@` alone would make the segment an id).
    const allowed = "/ok/:id/~!$&/'()*+/,;=%/[]|^/-_.";
    expect(normaliseRoute(allowed)).toBe(allowed);
    expect(normaliseRoute('/line\nbreak\ttab')).toBe('/line_break_tab');
  });

  it('caps the length at 100 characters', () => {
    const long = '/section'.repeat(30);
    expect(normaliseRoute(long)).toHaveLength(100);
  });
});

describe('currentRoute', () => {
  afterEach(() => history.replaceState(null, '', '/'));

  it('normalises location.pathname by default, ignoring query and hash', () => {
    history.replaceState(null, '', '/orders/991?coupon=x#top');
    expect(currentRoute(undefined)).toBe('/orders/:id');
    expect(currentRoute('path')).toBe('/orders/:id');
  });

  it('keeps hash-mode routes within the collector charset', () => {
    history.replaceState(null, '', '/app/#/tags/{new} "x"\\y');
    expect(currentRoute('hash')).toMatch(/^[A-Za-z0-9/_.:~@!$&'()*+,;=%[\]|^-]+$/);
  });

  it('reads the path inside the fragment in hash mode', () => {
    history.replaceState(null, '', '/app/#/products/42?tab=reviews');
    expect(currentRoute('hash')).toBe('/products/:id');
  });

  it('prefers the template from a route function, falling back to the path', () => {
    history.replaceState(null, '', '/products/42');
    expect(currentRoute(() => '/products/:slug')).toBe('/products/:slug');
    expect(currentRoute(() => undefined)).toBe('/products/:id');
  });
});
