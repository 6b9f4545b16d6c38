// @vitest-environment happy-dom
import { StrictMode, useState, type ReactNode } from 'react';
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ErrorEvent as PulseErrorEvent } from '@pulse/sdk';
import { createFakeClient, type FakeClient } from '../../test/react/fakeClient.js';
import { PulseErrorBoundary, type PulseErrorFallbackProps } from './PulseErrorBoundary.js';
import { PulseProvider } from './PulseProvider.js';
import { usePulseRoute } from './usePulseRoute.js';

let failing = true;
function Product({ id }: { id: number }): ReactNode {
  if (failing)
    throw new TypeError(`Cannot read properties of undefined (reading 'price') for ${id}`);
  return <p>product {id}</p>;
}

const Fallback = ({ reset }: PulseErrorFallbackProps) => (
  <button type="button" onClick={reset}>
    retry
  </button>
);

/** The errors the client recorded, once the boundary's microtask (see componentDidCatch) ran. */
const errors = async (client: FakeClient) => {
  await Promise.resolve();
  return client.recorded.filter((event): event is PulseErrorEvent => event.k === 'error');
};

beforeEach(() => {
  failing = true;
  // React logs every caught error to the console; the assertions below say what matters.
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('PulseErrorBoundary', () => {
  it('counts a render error once under StrictMode, as kind react with a fingerprint', async () => {
    const client = createFakeClient();
    const onError = vi.fn();
    render(
      <StrictMode>
        <PulseProvider client={client}>
          <PulseErrorBoundary fallback={<p>Something went wrong</p>} onError={onError}>
            <Product id={42} />
          </PulseErrorBoundary>
        </PulseProvider>
      </StrictMode>,
    );
    expect(screen.getByText('Something went wrong')).toBeTruthy();
    const [event, ...more] = await errors(client);
    expect(more).toHaveLength(0);
    expect(event).toMatchObject({ k: 'error', kind: 'react' });
    expect(event?.fp).toMatch(/^[0-9a-z]+$/);
    expect(JSON.stringify(event)).not.toContain('at Product');
    expect(onError).toHaveBeenCalledTimes(1);
  });

  it('groups the same error from another id under one fingerprint', async () => {
    const client = createFakeClient();
    const boundary = (id: number) => (
      <PulseErrorBoundary key={id}>
        <Product id={id} />
      </PulseErrorBoundary>
    );
    render(
      <PulseProvider client={client}>
        {boundary(41)}
        {boundary(42)}
      </PulseProvider>,
    );
    const [first, second] = await errors(client);
    expect(await errors(client)).toHaveLength(2);
    expect(first?.fp).toBe(second?.fp);
  });

  it('renders the children again after reset, and counts the next error again', async () => {
    const client = createFakeClient();
    function Page(): ReactNode {
      const [id] = useState(7);
      return (
        <PulseErrorBoundary fallback={Fallback}>
          <Product id={id} />
        </PulseErrorBoundary>
      );
    }
    render(
      <PulseProvider client={client}>
        <Page />
      </PulseProvider>,
    );
    failing = false;
    act(() => screen.getByText('retry').click());
    expect(screen.getByText('product 7')).toBeTruthy();
    expect(await errors(client)).toHaveLength(1);
  });

  it('counts an error of a route change under the new route, reported above the boundary', async () => {
    const client = createFakeClient();
    const calls: string[] = [];
    const { setRoute, record } = client;
    client.setRoute = (route) => (calls.push(`route ${route}`), setRoute(route));
    client.record = (event) => (calls.push(event.k), record(event));
    failing = false;
    function Broken({ route }: { route: string }): ReactNode {
      if (route === '/broken') throw new Error('no such page');
      return <p>{route}</p>;
    }
    function Layout({ route }: { route: string }): ReactNode {
      usePulseRoute(route);
      return (
        <PulseErrorBoundary fallback={<p>failed</p>}>
          <Broken route={route} />
        </PulseErrorBoundary>
      );
    }
    const view = render(
      <PulseProvider client={client}>
        <Layout route="/fine" />
      </PulseProvider>,
    );
    view.rerender(
      <PulseProvider client={client}>
        <Layout route="/broken" />
      </PulseProvider>,
    );
    await errors(client);
    expect(screen.getByText('failed')).toBeTruthy();
    // The route hook above the boundary runs in the same commit, after the boundary caught.
    expect(calls).toEqual(['route /fine', 'route /broken', 'error']);
  });

  it('renders nothing by default and does not throw without any Pulse client', () => {
    const view = render(
      <PulseErrorBoundary>
        <Product id={1} />
      </PulseErrorBoundary>,
    );
    expect(view.container.innerHTML).toBe('');
  });
});
