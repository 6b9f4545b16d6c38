// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { rebuiltRegion } from './domWrites.js';

describe('rebuiltRegion', () => {
  it('rebuilds only when the data changed, so an unchanged poll writes nothing', () => {
    const root = document.createElement('div');
    let builds = 0;
    const show = rebuiltRegion(root, (data: { items: string[] }) => {
      builds++;
      return data.items.map((item) => {
        const li = document.createElement('li');
        li.textContent = item;
        return li;
      });
    });
    show({ items: ['a', 'b'] });
    const first = root.firstChild;
    show({ items: ['a', 'b'] });
    expect(builds).toBe(1);
    expect(root.firstChild).toBe(first);
    show({ items: ['a'] });
    expect(builds).toBe(2);
    expect(root.textContent).toBe('a');
  });
});
