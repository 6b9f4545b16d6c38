// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { errorsContent, type ErrorsAnswer } from './errorsPanel.js';

const group = (overrides: Partial<ErrorsAnswer['groups'][number]>) => ({
  app: 'shop',
  fingerprint: 'a1b2c3',
  kind: 'error',
  count: 3,
  firstSeen: Date.UTC(2026, 0, 5, 9, 30),
  lastSeen: Date.UTC(2026, 0, 5, 10, 0),
  releases: ['1.0.0'],
  routes: ['/cart', '/checkout'],
  newInNewestRelease: false,
  ...overrides,
});

const render = (nodes: Node[]) => {
  const root = document.createElement('div');
  root.append(...nodes);
  return root;
};

describe('the Errors section', () => {
  it('lists each group, marks those new in the newest release, and keeps messages as text', () => {
    const message = '<script>alert(1)</script> is not a function';
    const root = render(
      errorsContent({
        app: 'shop',
        newestRelease: '1.1.0',
        groups: [
          group({ fingerprint: 'newbug', releases: ['1.1.0'], newInNewestRelease: true, message }),
          group({}),
        ],
      }),
    );
    const rows = [...root.querySelectorAll('tbody tr')];
    expect(rows).toHaveLength(2);
    expect(rows[0]!.querySelector('.badge.new')!.textContent).toBe('new in 1.1.0');
    expect(rows[0]!.querySelector('.message')!.textContent).toBe(message);
    expect(root.querySelector('script')).toBeNull();
    // Without a message (the app did not opt in), the fingerprint names the group.
    expect(rows[1]!.querySelector('.message')).toBeNull();
    expect(rows[1]!.querySelector('.badge')).toBeNull();
    const cells = [...rows[1]!.children].map((td) => td.textContent);
    expect(cells[0]).toBe('a1b2c3');
    expect(cells.slice(1, 3)).toEqual(['error', '3']);
    expect(cells.slice(5)).toEqual(['1.0.0', '/cart, /checkout']);
  });

  it('says so when the app has no error', () => {
    const root = render(errorsContent({ app: 'shop', newestRelease: null, groups: [] }));
    expect(root.textContent).toBe('No JavaScript error reported by this app.');
  });
});
