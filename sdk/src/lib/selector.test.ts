// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { selector } from './selector.js';

describe('selector', () => {
  it('names up to three levels with tag and first class', () => {
    document.body.innerHTML =
      '<main class="page"><section class="hero wide"><div><img class="banner big"></div></section></main>';
    expect(selector(document.querySelector('img'))).toBe('section.hero>div>img.banner');
  });

  it('stops at an id, which anchors the selector', () => {
    document.body.innerHTML = '<div id="cart"><button class="buy">Buy</button></div>';
    expect(selector(document.querySelector('button'))).toBe('div#cart>button.buy');
  });

  it('never reads text, and is at most 100 characters', () => {
    document.body.innerHTML = `<p class="${'c'.repeat(150)}">secret text</p>`;
    const result = selector(document.querySelector('p'))!;
    expect(result.length).toBeLessThanOrEqual(100);
    expect(result).not.toContain('secret');
  });

  it('gives nothing for missing or non-element nodes', () => {
    expect(selector(null)).toBeUndefined();
    expect(selector(undefined)).toBeUndefined();
    expect(selector(document.createTextNode('x'))).toBeUndefined();
  });
});
