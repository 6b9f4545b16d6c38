/**
 * How specific one segment of a template is (higher is more specific), as Next.js and React Router
 * rank their routes: a fixed segment, then a parameter (`[id]`, `:id`), then a catch-all
 * (`[...slug]`, one or more segments), then an optional catch-all (`[[...slug]]`, zero or more).
 */
const OPTIONAL_CATCH_ALL = 0;
const CATCH_ALL = 1;
const PARAMETER = 2;
const FIXED = 3;

interface CompiledTemplate {
  /** The template as reported: one leading slash, no trailing one. */
  route: string;
  pattern: RegExp;
  /** Rank of each segment, in order. */
  ranks: number[];
}

/** Where a route group `(shop)` or a parallel-route slot `@modal` sits in a Next.js folder path. */
const NOT_IN_URL = /^\(.*\)$|^@/;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The regular expression source matching one segment, leading slash included, and its rank. */
function compileSegment(segment: string): [source: string, rank: number] {
  if (/^\[\[\.\.\.[^\]]+\]\]$/.test(segment)) return ['(?:/[^/]+)*', OPTIONAL_CATCH_ALL];
  if (/^\[\.\.\.[^\]]+\]$/.test(segment)) return ['(?:/[^/]+)+', CATCH_ALL];
  if (/^\[[^\]]+\]$|^:./.test(segment)) return ['/[^/]+', PARAMETER];
  return [`/${escapeRegExp(segment)}`, FIXED];
}

function compileTemplate(template: string): CompiledTemplate {
  const segments = template.split('/').filter((segment) => segment && !NOT_IN_URL.test(segment));
  const compiled = segments.map(compileSegment);
  return {
    route: `/${segments.join('/')}`,
    // A trailing slash names the same page (Next.js redirects it away by default).
    pattern: new RegExp(`^${compiled.map(([source]) => source).join('')}/?$`),
    ranks: compiled.map(([, rank]) => rank),
  };
}

/**
 * Orders templates most specific first: by the first segment whose rank differs, and a template
 * that is the start of another (`/docs` and `/docs/[[...slug]]`) before it. Ties keep the
 * app's order.
 */
function bySpecificity(a: CompiledTemplate, b: CompiledTemplate): number {
  for (let i = 0; i < Math.min(a.ranks.length, b.ranks.length); i++) {
    if (a.ranks[i] !== b.ranks[i]) return b.ranks[i]! - a.ranks[i]!;
  }
  return a.ranks.length - b.ranks.length;
}

/**
 * Turns route templates written as Next.js names its app/ folders (`/products/[id]`,
 * `/docs/[...slug]`, `/shop/[[...filters]]`; route groups and slots are left out) or as React
 * Router does (`/products/:id`) into a function naming a path by the most specific template
 * that matches it, or undefined when none does. Templates are plain strings so that a Next.js
 * server layout can pass them to the client provider, which builds this function in the browser.
 *
 * Hand-written rather than taken from path-to-regexp: that library knows neither Next.js'
 * bracket segments nor how to rank several templates, and whole segments are all there is to
 * match here, in a few lines that every app using the provider ships.
 */
export function routeTemplateMatcher(
  templates: readonly string[],
): (path: string) => string | undefined {
  const compiled = templates.map(compileTemplate).sort(bySpecificity);
  return (path) => compiled.find(({ pattern }) => pattern.test(path))?.route;
}
