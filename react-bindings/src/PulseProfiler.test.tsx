// @vitest-environment happy-dom
import { StrictMode, type ReactNode } from 'react';
import { cleanup, render } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeClient, type FakeClient } from '../../test/react/fakeClient.js';
import { PulseProfiler } from './PulseProfiler.js';
import { PulseProvider } from './PulseProvider.js';

function Busy({ n }: { n: number }): ReactNode {
  // Some real work, so the measured duration is that of an actual render.
  const items = Array.from({ length: 200 }, (_, i) => <li key={i}>{(i * n) % 7}</li>);
  return <ul>{items}</ul>;
}

const tree = (client: FakeClient, n: number) => (
  <StrictMode>
    <PulseProvider client={client}>
      <PulseProfiler id="product-list" updateWindow={5000}>
        <Busy n={n} />
      </PulseProfiler>
    </PulseProvider>
  </StrictMode>
);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('PulseProfiler', () => {
  it('reports the mount render once as a custom timing named by id', () => {
    const client = createFakeClient();
    render(tree(client, 1));
    expect(client.timed).toHaveLength(1);
    const [name, ms] = client.timed[0] as [string, number];
    expect(name).toBe('product-list');
    expect(ms).toBeGreaterThanOrEqual(0);
  });

  it('aggregates re-renders to the slowest per window and sends the rest on unmount', () => {
    const client = createFakeClient();
    const view = render(tree(client, 1));
    for (let n = 2; n <= 31; n += 1) {
      view.rerender(tree(client, n));
      vi.advanceTimersByTime(200); // 30 re-renders over 6 s
    }
    const updates = () => client.timed.filter(([name]) => name === 'product-list:update');
    // The first re-render, and one after the 5 s window passed.
    expect(updates()).toHaveLength(2);
    view.unmount();
    expect(updates()).toHaveLength(3);
    expect(vi.getTimerCount()).toBe(0);
  });
});
