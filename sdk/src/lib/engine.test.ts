import { afterEach, describe, expect, it, vi } from 'vitest';
import { engine } from './engine.js';

/** A browser that parses exactly these CSS properties and observes these entry types. */
const browser = (properties: string[], entryTypes: string[]) => {
  vi.stubGlobal('CSS', { supports: (property: string) => properties.includes(property) });
  vi.stubGlobal('PerformanceObserver', { supportedEntryTypes: entryTypes });
};

afterEach(() => vi.unstubAllGlobals());

describe('engine', () => {
  it('tells the engines apart by their features', () => {
    // Gecko parses -moz- and -webkit- properties, and has no Long Tasks API.
    browser(['-moz-appearance', '-webkit-appearance'], ['event', 'paint']);
    expect(engine()).toBe('firefox');
    browser(['-webkit-appearance'], ['event', 'longtask', 'long-animation-frame']);
    expect(engine()).toBe('chromium');
    browser(['-webkit-appearance'], ['event', 'paint']);
    expect(engine()).toBe('webkit');
    browser([], ['event']);
    expect(engine()).toBe('other');
  });

  it('is other, not an exception, where PerformanceObserver is missing', () => {
    vi.stubGlobal('CSS', { supports: () => false });
    vi.stubGlobal('PerformanceObserver', undefined);
    expect(engine()).toBe('other');
  });
});
