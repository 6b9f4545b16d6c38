/**
 * A small React shop page for the e2e test, using @pulse/react as an app would: provider with a
 * config, route template, live vitals on screen, a profiled panel, a tracked button and a
 * component whose render throws inside an error boundary. Development build, in StrictMode, so
 * React really renders twice and mounts, unmounts and mounts again.
 */
import { StrictMode, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import {
  PulseErrorBoundary,
  PulseProfiler,
  PulseProvider,
  usePulseRoute,
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

function ProductPage(): ReactNode {
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
    </main>
  );
}

const root = document.getElementById('root') as HTMLElement;
createRoot(root).render(
  <StrictMode>
    <PulseProvider config={{ app: String(root.dataset.app), collector: root.dataset.collector }}>
      <ProductPage />
    </PulseProvider>
  </StrictMode>,
);
