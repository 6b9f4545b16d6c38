/**
 * Server-side rendering with the BUILT packages and no mocks: importing @pulse/react (and through
 * it the real SDK) on Node and rendering with react-dom/server neither throws nor sends anything.
 */
import { createElement as h, StrictMode, type ReactNode } from 'react';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  PulseErrorBoundary,
  PulseProfiler,
  PulseProvider,
  usePulse,
  usePulseRoute,
  useTrack,
  useWebVitals,
} from '@pulse/react';

afterEach(() => {
  vi.restoreAllMocks();
});

function Page(): ReactNode {
  const vitals = useWebVitals();
  const track = useTrack();
  usePulseRoute('/products/:id');
  track('rendered-on-server');
  return h('p', null, `LCP ${vitals.LCP?.value ?? 'pending'}, sampled ${usePulse().sampled}`);
}

describe('@pulse/react on the server', () => {
  it('renders with the real SDK, without a window, sending nothing', () => {
    expect(typeof window).toBe('undefined');
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const tree = h(
      StrictMode,
      null,
      h(
        PulseProvider,
        { config: { app: 'ssr', collector: 'http://127.0.0.1:9' } },
        h(PulseErrorBoundary, { fallback: 'failed' }, h(PulseProfiler, { id: 'page' }, h(Page))),
      ),
    );
    const html = renderToString(tree);
    expect(html).toBe('<p>LCP pending, sampled false</p>');
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});
