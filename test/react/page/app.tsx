/**
 * A small React shop page for the e2e test, using @pulse/react as an app would: provider with a
 * config, route template, live vitals and socket quality on screen, a profiled panel, a tracked
 * button and a component whose render throws inside an error boundary. Development build, in StrictMode, so
 * React really renders twice and mounts, unmounts and mounts again.
 */
import { StrictMode, useEffect, useState, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { io, type Socket } from 'socket.io-client';
import {
  PulseErrorBoundary,
  PulseProfiler,
  PulseProvider,
  usePulseRoute,
  useSocketQuality,
  useTrack,
  useWebVitals,
} from '@pulse/react';

const VITALS = ['LCP', 'FCP', 'TTFB', 'CLS', 'INP'] as const;

function VitalsPanel(): ReactNode {
  const vitals = useWebVitals();
  return (
    <dl>
      {VITALS.map((name) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd id={name} data-rating={vitals[name]?.rating ?? ''}>
            {vitals[name]?.value ?? ''}
          </dd>
        </div>
      ))}
      <dt>TBT</dt>
      <dd id="TBT">{vitals.TBT}</dd>
      <dt>score</dt>
      <dd id="score">{vitals.score ?? ''}</dd>
    </dl>
  );
}

function PriceTag(): ReactNode {
  throw new TypeError('Price of item 42 is not a number');
}

function BuyButton(): ReactNode {
  const track = useTrack();
  return (
    <button id="buy" type="button" style={{ fontSize: 20 }} onClick={() => track('add-to-basket')}>
      Add to basket
    </button>
  );
}

const QUALITY = ['rtt', 'jitter', 'loss', 'score', 'mos', 'transport'] as const;

/** Live connection quality of a socket.io connection, until the user stops monitoring. */
function SocketPanel({ url }: { url: string }): ReactNode {
  const [socket, setSocket] = useState<Socket | null>(null);
  const [monitoring, setMonitoring] = useState(true);
  useEffect(() => {
    const connection = io(url, { transports: ['websocket'] });
    setSocket(connection);
    return () => void connection.close();
  }, [url]);
  const quality = useSocketQuality(monitoring ? socket : null, { interval: 250 });
  return (
    <section>
      <dl>
        {QUALITY.map((name) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd id={`socket-${name}`}>{quality?.[name] ?? ''}</dd>
          </div>
        ))}
      </dl>
      <button id="stop-socket" type="button" onClick={() => setMonitoring(false)}>
        Stop monitoring
      </button>
      <output id="socket-state">{monitoring ? 'monitoring' : 'stopped'}</output>
    </section>
  );
}

function ProductPage({ socketUrl }: { socketUrl: string }): ReactNode {
  usePulseRoute('/shop/:item');
  return (
    <main>
      <h1 style={{ fontSize: 56 }}>Handmade ceramic mug, 350 ml</h1>
      <PulseErrorBoundary fallback={<p id="fallback">Price unavailable</p>}>
        <PriceTag />
      </PulseErrorBoundary>
      <BuyButton />
      <PulseProfiler id="vitals-panel">
        <VitalsPanel />
      </PulseProfiler>
      <SocketPanel url={socketUrl} />
    </main>
  );
}

const root = document.getElementById('root') as HTMLElement;
createRoot(root).render(
  <StrictMode>
    <PulseProvider config={{ app: String(root.dataset.app), collector: root.dataset.collector }}>
      <ProductPage socketUrl={String(root.dataset.socket)} />
    </PulseProvider>
  </StrictMode>,
);
