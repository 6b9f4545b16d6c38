// No DOM here: this is react-dom/server on Node, as in an SSR framework's server.
import { StrictMode, type ReactNode } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { init } from '@pulse/sdk';
import { monitorSocket } from '@pulse/sdk/socket.io';
import {
  PulseErrorBoundary,
  PulseProfiler,
  PulseProvider,
  usePulse,
  usePulseRoute,
  useSocketQuality,
  useTiming,
  useTrack,
  useWebVitals,
  type MonitoredSocket,
} from './index.js';

vi.mock('@pulse/sdk', () => ({ init: vi.fn(), captureError: vi.fn(), canObserve: () => false }));
vi.mock('@pulse/sdk/socket.io', () => ({ monitorSocket: vi.fn() }));

function Page(): ReactNode {
  const vitals = useWebVitals();
  const quality = useSocketQuality({} as MonitoredSocket);
  const track = useTrack();
  const time = useTiming();
  usePulseRoute('/products/:id');
  return (
    <main>
      <p>LCP {vitals.LCP?.value ?? 'pending'}</p>
      <p>score {vitals.score ?? 'pending'}</p>
      <p>rtt {quality?.rtt ?? 'pending'}</p>
      <p>sampled {String(usePulse().sampled)}</p>
      <button type="button" onClick={() => (track('buy'), time('buy', 1))}>
        buy
      </button>
    </main>
  );
}

describe('server-side rendering', () => {
  it('renders every component and hook without a window, and starts nothing', () => {
    expect(typeof window).toBe('undefined');
    const html = renderToString(
      <StrictMode>
        <PulseProvider config={{ app: 'ssr-app', collector: 'http://127.0.0.1:1' }}>
          <PulseErrorBoundary fallback={<p>failed</p>}>
            <PulseProfiler id="page">
              <Page />
            </PulseProfiler>
          </PulseErrorBoundary>
        </PulseProvider>
      </StrictMode>,
    );
    expect(html).toContain('LCP <!-- -->pending');
    expect(html).toContain('rtt <!-- -->pending');
    expect(html).toContain('sampled <!-- -->false');
    expect(init).not.toHaveBeenCalled();
    expect(monitorSocket).not.toHaveBeenCalled();
  });
});
