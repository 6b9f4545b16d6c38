// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tabSession } from './tabSession.js';

describe('tabSession', () => {
  beforeEach(() => sessionStorage.clear());
  afterEach(() => vi.restoreAllMocks());

  it('decides sampling once per tab session and keeps the id', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.3);
    const [id, sampled] = tabSession(0.5);
    expect(sampled).toBe(true);
    expect(id).toMatch(/^[a-z0-9]{6,}$/);
    // Later pages of the tab agree, whatever the dice and the rate say now.
    vi.spyOn(Math, 'random').mockReturnValue(0.9);
    expect(tabSession(0.5)).toEqual([id, true]);
    expect(tabSession(0)).toEqual([id, true]);
  });

  it('keeps a "not sampled" decision for the whole session too', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.7);
    expect(tabSession(0.5)[1]).toBe(false);
    vi.spyOn(Math, 'random').mockReturnValue(0.1);
    expect(tabSession(0.5)[1]).toBe(false);
  });

  it('samples everything by default and when the rate is not a number', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.99);
    expect(tabSession()[1]).toBe(true);
    sessionStorage.clear();
    expect(tabSession(NaN)[1]).toBe(true);
    sessionStorage.clear();
    expect(tabSession(0)[1]).toBe(false);
  });

  it('works without storage (privacy modes): each page decides alone', () => {
    vi.spyOn(Storage.prototype, 'getItem').mockImplementation(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    vi.spyOn(window, 'sessionStorage', 'get').mockImplementation(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    const [id, sampled] = tabSession(1);
    expect(id).toMatch(/^[a-z0-9]{6,}$/);
    expect(sampled).toBe(true);
  });
});
