// @vitest-environment happy-dom
import { type ReactNode } from 'react';
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeClient } from '../../test/react/fakeClient.js';
import { PulseProvider } from './PulseProvider.js';
import { useTiming } from './useTiming.js';
import { useTrack } from './useTrack.js';

afterEach(cleanup);

type Callbacks = { track: ReturnType<typeof useTrack>; time: ReturnType<typeof useTiming> };

describe('useTrack and useTiming', () => {
  it('return the same callbacks on every render, calling track and time', () => {
    const client = createFakeClient();
    const seen: Callbacks[] = [];
    function Checkout({ step }: { step: number }): ReactNode {
      seen.push({ track: useTrack(), time: useTiming() });
      return <span>{step}</span>;
    }
    const view = render(
      <PulseProvider client={client}>
        <Checkout step={1} />
      </PulseProvider>,
    );
    view.rerender(
      <PulseProvider client={client}>
        <Checkout step={2} />
      </PulseProvider>,
    );
    expect(seen).toHaveLength(2);
    expect(seen[1]?.track).toBe(seen[0]?.track);
    expect(seen[1]?.time).toBe(seen[0]?.time);

    seen[1]?.track('checkout');
    seen[1]?.track('basket-value', 42);
    seen[1]?.time('search-results', 123.5);
    expect(client.tracked).toEqual([
      ['checkout', undefined],
      ['basket-value', 42],
    ]);
    expect(client.timed).toEqual([['search-results', 123.5]]);
  });
});
