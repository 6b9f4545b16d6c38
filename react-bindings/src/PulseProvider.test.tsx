// @vitest-environment happy-dom
import { StrictMode, useLayoutEffect, type ReactNode } from 'react';
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { init, type PulseClient, type PulseConfig } from '@pulse/sdk';
import { createFakeClient, type FakeClient } from '../../test/react/fakeClient.js';
import { PulseProvider } from './PulseProvider.js';
import { inertClient } from './inertClient.js';
import { usePulse } from './usePulse.js';
import { usePulseRoute } from './usePulseRoute.js';

vi.mock('@pulse/sdk', async () => {
  const { createFakeClient } = await import('../../test/react/fakeClient.js');
  return { init: vi.fn(() => createFakeClient()), canObserve: () => true };
});

const initMock = vi.mocked(init);
const createdClient = (call = 0) => initMock.mock.results[call]?.value as FakeClient;
const configOf = (call = 0) => initMock.mock.calls[call]?.[0] as PulseConfig;
/** Lets the provider's deferred stop run. */
const settle = () => new Promise<void>((resolve) => queueMicrotask(resolve));

let seen: PulseClient[] = [];
function ShowClient(): ReactNode {
  seen.push(usePulse());
  return null;
}

afterEach(async () => {
  cleanup();
  await settle();
  initMock.mockClear();
  seen = [];
  delete (window as { Pulse?: PulseClient }).Pulse;
});

describe('PulseProvider with config', () => {
  it('initialises the SDK once under StrictMode, after mount, and forwards to it', async () => {
    function EarlyTracker(): ReactNode {
      seen.push(usePulse());
      // Children's layout effects run before the provider's: this call precedes init.
      useLayoutEffect(() => seen[0]?.track('early'), []);
      return null;
    }
    const view = render(
      <StrictMode>
        <PulseProvider config={{ app: 'strict-app', collector: 'http://127.0.0.1:1' }}>
          <EarlyTracker />
        </PulseProvider>
      </StrictMode>,
    );
    expect(initMock).toHaveBeenCalledTimes(1);
    expect(configOf()).toMatchObject({ app: 'strict-app', collector: 'http://127.0.0.1:1' });
    expect(new Set(seen).size).toBe(1);
    // StrictMode runs that effect twice: queued before init and replayed, then forwarded.
    expect(createdClient().tracked).toEqual([
      ['early', undefined],
      ['early', undefined],
    ]);

    (seen[0] as PulseClient).time('after-start', 5);
    expect(createdClient().timed).toEqual([['after-start', 5]]);

    // StrictMode's simulated unmount and remount must not have stopped the client.
    await settle();
    expect(createdClient().stops).toBe(0);

    view.unmount();
    await settle();
    expect(createdClient().stops).toBe(1);
    expect(createdClient().listenerCount()).toBe(0);
  });

  it('forwards live updates to listeners subscribed before and after init', () => {
    const updates: string[] = [];
    function Listener(): ReactNode {
      const client = usePulse();
      useLayoutEffect(() => client.onMetric((update) => updates.push(update.k)), [client]);
      return null;
    }
    render(
      <PulseProvider config={{ app: 'listen-app' }}>
        <Listener />
      </PulseProvider>,
    );
    createdClient().emit({ k: 'view' });
    expect(updates).toEqual(['view']);
    // One forwarding subscription for every listener of the app.
    expect(createdClient().listenerCount()).toBe(1);
  });

  it('ignores a new config object with the same app on re-render', () => {
    const view = render(<PulseProvider config={{ app: 'rerender-app' }} />);
    view.rerender(<PulseProvider config={{ app: 'rerender-app', release: '2' }} />);
    view.rerender(<PulseProvider config={{ app: 'rerender-app' }} />);
    expect(initMock).toHaveBeenCalledTimes(1);
  });

  it('shares one client between providers of the same app and stops it after the last', async () => {
    const first = render(<PulseProvider config={{ app: 'shared-app' }} />);
    const second = render(<PulseProvider config={{ app: 'shared-app' }} />);
    expect(initMock).toHaveBeenCalledTimes(1);
    first.unmount();
    await settle();
    expect(createdClient().stops).toBe(0);
    second.unmount();
    await settle();
    expect(createdClient().stops).toBe(1);
  });

  it('initialises a fresh client when the app mounts again after a real unmount', async () => {
    render(<PulseProvider config={{ app: 'again-app' }} />).unmount();
    await settle();
    render(<PulseProvider config={{ app: 'again-app' }} />);
    expect(initMock).toHaveBeenCalledTimes(2);
    expect(createdClient(1)).not.toBe(createdClient(0));
  });

  it('names the first page view by the route template, and reports later ones', () => {
    function Route({ template }: { template: string }): ReactNode {
      usePulseRoute(template);
      return null;
    }
    const app = (template: string) => (
      <StrictMode>
        <PulseProvider config={{ app: 'route-app' }}>
          <Route template={template} />
        </PulseProvider>
      </StrictMode>
    );
    const view = render(app('/users/:id'));
    const route = configOf().route;
    expect(typeof route).toBe('function');
    expect((route as () => string | undefined)()).toBe('/users/:id');
    // Known at init: no navigation for it.
    expect(createdClient().routes).toEqual([]);

    view.rerender(app('/orders/:orderId'));
    expect(createdClient().routes).toEqual(['/orders/:orderId']);
    expect((route as () => string | undefined)()).toBe('/orders/:orderId');
  });

  it('names page views by the route templates it was given, matched against the path', () => {
    history.replaceState(null, '', '/products/42');
    render(<PulseProvider config={{ app: 'templates-app' }} routes={['/', '/products/[id]']} />);
    const route = configOf().route as () => string | undefined;
    expect(route()).toBe('/products/[id]');
    history.replaceState(null, '', '/');
    expect(route()).toBe('/');
    // No template matches: the SDK names the page view by its path.
    history.replaceState(null, '', '/about');
    expect(route()).toBeUndefined();
  });

  it('prefers the template usePulseRoute reports to the route templates', () => {
    history.replaceState(null, '', '/products/42');
    function Route(): ReactNode {
      usePulseRoute('/products/:sku');
      return null;
    }
    render(
      <PulseProvider config={{ app: 'hook-over-templates-app' }} routes={['/products/[id]']}>
        <Route />
      </PulseProvider>,
    );
    expect((configOf().route as () => string | undefined)()).toBe('/products/:sku');
  });

  it("keeps the app's own route option, over route templates too", () => {
    const route = () => '/from-app';
    render(<PulseProvider config={{ app: 'own-route-app', route }} routes={['/[page]']} />);
    expect(configOf().route).toBe(route);
  });
});

describe('PulseProvider with client', () => {
  it('provides the given client, never initialises and never stops it', async () => {
    const client = createFakeClient();
    const view = render(
      <StrictMode>
        <PulseProvider client={client}>
          <ShowClient />
        </PulseProvider>
      </StrictMode>,
    );
    expect(initMock).not.toHaveBeenCalled();
    expect(new Set(seen)).toEqual(new Set([client]));
    view.unmount();
    await settle();
    expect(client.stops).toBe(0);
    expect(client.listenerCount()).toBe(0);
  });
});

describe('usePulse outside a provider', () => {
  it("falls back to the script tag's window.Pulse", () => {
    const scriptTagClient = createFakeClient();
    (window as { Pulse?: PulseClient }).Pulse = scriptTagClient;
    render(<ShowClient />);
    expect(seen[0]).toBe(scriptTagClient);
  });

  it('returns an inert client that records nothing and never throws', () => {
    render(<ShowClient />);
    const client = seen[0] as PulseClient;
    expect(client).toBe(inertClient);
    expect(client.sampled).toBe(false);
    expect(() => {
      client.track('x');
      client.time('x', 1);
      client.setRoute('/x');
      client.record({ k: 'view' });
      client.emit({ k: 'view' });
      client.onMetric(() => {})();
      client.flush();
      client.stop();
    }).not.toThrow();
  });
});
