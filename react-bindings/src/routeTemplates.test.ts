import { describe, expect, it } from 'vitest';
import { routeTemplateMatcher } from './routeTemplates.js';

describe('routeTemplateMatcher', () => {
  it('names paths by Next.js dynamic segments and React Router parameters', () => {
    const routeOf = routeTemplateMatcher(['/', '/products/[id]', '/users/:userId/orders/:id']);
    expect(routeOf('/')).toBe('/');
    expect(routeOf('/products/42')).toBe('/products/[id]');
    expect(routeOf('/products/blue-mug')).toBe('/products/[id]');
    expect(routeOf('/users/7/orders/81723')).toBe('/users/:userId/orders/:id');
  });

  it('matches whole segments only, and nothing for paths no template covers', () => {
    const routeOf = routeTemplateMatcher(['/products/[id]', '/blog']);
    expect(routeOf('/products')).toBeUndefined();
    expect(routeOf('/products/42/reviews')).toBeUndefined();
    expect(routeOf('/products/')).toBeUndefined();
    expect(routeOf('/blogs')).toBeUndefined();
    expect(routeOf('/about')).toBeUndefined();
  });

  it('takes a trailing slash as the same page', () => {
    const routeOf = routeTemplateMatcher(['/', '/products/[id]']);
    expect(routeOf('/products/42/')).toBe('/products/[id]');
    expect(routeOf('/')).toBe('/');
  });

  it('matches catch-all segments: one or more, and optionally none', () => {
    const routeOf = routeTemplateMatcher(['/docs/[...slug]', '/shop/[[...filters]]']);
    expect(routeOf('/docs')).toBeUndefined();
    expect(routeOf('/docs/install')).toBe('/docs/[...slug]');
    expect(routeOf('/docs/guides/react/next')).toBe('/docs/[...slug]');
    expect(routeOf('/shop')).toBe('/shop/[[...filters]]');
    expect(routeOf('/shop/mugs/blue')).toBe('/shop/[[...filters]]');
  });

  it('prefers the most specific template, whatever their order', () => {
    const templates = [
      '/products/[[...rest]]',
      '/products/[...rest]',
      '/products/[id]',
      '/products/new',
      '/products/[id]/reviews',
      '/products',
    ];
    for (const order of [templates, [...templates].reverse()]) {
      const routeOf = routeTemplateMatcher(order);
      expect(routeOf('/products/new')).toBe('/products/new');
      expect(routeOf('/products/42')).toBe('/products/[id]');
      expect(routeOf('/products/42/reviews')).toBe('/products/[id]/reviews');
      expect(routeOf('/products/42/photos')).toBe('/products/[...rest]');
      expect(routeOf('/products')).toBe('/products');
    }
    // Equally specific: the first listed wins.
    expect(routeTemplateMatcher(['/[lang]', '/:page'])('/fr')).toBe('/[lang]');
    expect(routeTemplateMatcher(['/:page', '/[lang]'])('/fr')).toBe('/:page');
  });

  it('leaves out route groups and parallel-route slots, which are not in the URL', () => {
    const routeOf = routeTemplateMatcher(['/(shop)/products/[id]', '/@modal/cart']);
    expect(routeOf('/products/42')).toBe('/products/[id]');
    expect(routeOf('/cart')).toBe('/cart');
    expect(routeOf('/(shop)/products/42')).toBeUndefined();
  });

  it('reports each template with one leading slash and no trailing one', () => {
    const routeOf = routeTemplateMatcher(['products/[id]/', '//cart//']);
    expect(routeOf('/products/42')).toBe('/products/[id]');
    expect(routeOf('/cart')).toBe('/cart');
  });

  it('takes characters special to regular expressions literally', () => {
    const routeOf = routeTemplateMatcher(['/a.b/(x)+', '/c$']);
    expect(routeOf('/a.b/(x)+')).toBe('/a.b/(x)+');
    expect(routeOf('/aXb/(x)+')).toBeUndefined();
    expect(routeOf('/c$')).toBe('/c$');
  });

  it('names nothing without templates', () => {
    expect(routeTemplateMatcher([])('/')).toBeUndefined();
  });
});
