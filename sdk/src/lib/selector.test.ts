// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { selector } from './selector.js';

describe('selector', () => {
  it('names the element by tag and first class', () => {
    document.body.innerHTML = '<section class="hero"><img class="banner big"></section>';
    expect(selector(document.querySelector('img'))).toBe('img.banner');
    expect(selector(document.querySelector('section'))).toBe('section.hero');
  });

  it('prefers the id, which identifies the element', () => {
    document.body.innerHTML = '<button id="buy" class="primary">Buy</button>';
    expect(selector(document.querySelector('button'))).toBe('button#buy');
  });

  it('is the bare tag without id or class', () => {
    document.body.innerHTML = '<main><p>text</p></main>';
    expect(selector(document.querySelector('p'))).toBe('p');
  });

  it('never reads text, and is at most 100 characters', () => {
    document.body.innerHTML = `<p class="${'c'.repeat(150)}">secret text</p>`;
    const result = selector(document.querySelector('p'))!;
    expect(result).toHaveLength(100);
    expect(result).not.toContain('secret');
  });

  it('gives nothing for missing or non-element nodes', () => {
    expect(selector(null)).toBeUndefined();
    expect(selector(undefined)).toBeUndefined();
    expect(selector(document.createTextNode('x'))).toBeUndefined();
  });
});
