import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SCRIPT_INVOKER_TYPES } from '../protocol.js';
import { blockingScripts, scriptUrl } from './blockingScripts.js';

const PAGE = 'https://shop.example.com/products/42?ref=mail&email=a@b.c#reviews';

const script = (sourceURL: string, duration: number, invokerType = 'classic-script') =>
  ({ sourceURL, duration, invokerType }) as never;

beforeEach(() => {
  vi.stubGlobal('location', { href: PAGE });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('scriptUrl', () => {
  it('keeps origin and path, never query or fragment', () => {
    expect(scriptUrl('https://cdn.example.com/js/app.js?v=3&token=s3cret#x')).toBe(
      'https://cdn.example.com/js/app.js',
    );
    expect(scriptUrl('https://cdn.example.com:8443/a.js#frag')).toBe(
      'https://cdn.example.com:8443/a.js',
    );
    expect(scriptUrl('https://cdn.example.com?q=1')).toBe('https://cdn.example.com');
    expect(scriptUrl('chrome-extension://abcdef/content.js')).toBe(
      'chrome-extension://abcdef/content.js',
    );
  });

  it('keeps only the scheme of a URL without a host: its path is content or a per-page id', () => {
    expect(scriptUrl('data:text/javascript,alert("card 4111")')).toBe('data:');
    expect(scriptUrl('blob:https://shop.example.com/6f1c2a9e')).toBe('blob:');
  });

  it('escapes what the wire charset lacks and bounds the length', () => {
    expect(scriptUrl("https://a.example/o'neil.js")).toBe('https://a.example/o%27neil.js');
    expect(scriptUrl('x-app://host/a\\b c"{}.js')).toBe('x-app://host/a%5Cb%20c%22%7B%7D.js');
    expect(scriptUrl(`https://a.example/${'a'.repeat(300)}.js`)).toHaveLength(200);
  });

  it('gives nothing for what is not a URL', () => {
    expect(scriptUrl('')).toBe('');
    expect(scriptUrl('not a url')).toBe('');
  });
});

describe('blockingScripts', () => {
  it('lists at most the 3 longest scripts, longest first', () => {
    const scripts = [
      script('https://a.example/1.js', 10),
      script('https://a.example/2.js', 80.6),
      script('https://a.example/3.js', 30),
      script('https://a.example/4.js', 55),
    ];
    expect(blockingScripts({ scripts })).toEqual([
      { u: 'https://a.example/2.js', i: 'classic-script', d: 81 },
      { u: 'https://a.example/4.js', i: 'classic-script', d: 55 },
      { u: 'https://a.example/3.js', i: 'classic-script', d: 30 },
    ]);
    // The browser's list is left as it was.
    expect(scripts.map(({ duration }) => duration)).toEqual([10, 80.6, 30, 55]);
  });

  it('calls scripts in the page itself, or without an address, inline', () => {
    const scripts = [
      script(PAGE, 60, 'event-listener'),
      script('https://shop.example.com/products/42?other=query', 50),
      script('', 40, 'resolve-promise'),
    ];
    expect(blockingScripts({ scripts })!.map(({ u }) => u)).toEqual(['inline', 'inline', 'inline']);
  });

  it('keeps the known invokers and sends any other as other', () => {
    const invokers = [...SCRIPT_INVOKER_TYPES, 'other', 'future-invoker', 'classic-script-x'];
    const invoked = invokers.map(
      (invoker) =>
        blockingScripts({ scripts: [script('https://a.example/a.js', 60, invoker)] })![0]!.i,
    );
    expect(invoked).toEqual([...SCRIPT_INVOKER_TYPES, 'other', 'other', 'other']);
  });

  it('gives nothing where the browser lists no scripts', () => {
    expect(blockingScripts({})).toBeUndefined();
    expect(blockingScripts({ scripts: [] })).toBeUndefined();
  });
});
