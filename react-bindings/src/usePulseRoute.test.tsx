// @vitest-environment happy-dom
import { StrictMode, type ReactNode } from 'react';
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeClient, type FakeClient } from '../../test/react/fakeClient.js';
import { PulseProvider } from './PulseProvider.js';
import { usePulseRoute } from './usePulseRoute.js';

afterEach(cleanup);

function Route({ template }: { template: string | undefined }): ReactNode {
  usePulseRoute(template);
  return null;
}

const app = (client: FakeClient, template: string | undefined) => (
  <StrictMode>
    <PulseProvider client={client}>
      <Route template={template} />
    </PulseProvider>
  </StrictMode>
);

describe('usePulseRoute', () => {
  it('reports each template change once, under StrictMode too', () => {
    const client = createFakeClient();
    const view = render(app(client, '/users/:id'));
    view.rerender(app(client, '/users/:id'));
    expect(client.routes).toEqual(['/users/:id']);

    view.rerender(app(client, '/orders/:orderId'));
    view.rerender(app(client, '/orders/:orderId'));
    view.rerender(app(client, '/users/:id'));
    expect(client.routes).toEqual(['/users/:id', '/orders/:orderId', '/users/:id']);
  });

  it('reports nothing while the template is unknown', () => {
    const client = createFakeClient();
    const view = render(app(client, undefined));
    expect(client.routes).toEqual([]);
    view.rerender(app(client, '/a'));
    view.rerender(app(client, undefined));
    view.rerender(app(client, '/b'));
    expect(client.routes).toEqual(['/a', '/b']);
  });
});
