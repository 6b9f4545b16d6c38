// @vitest-environment happy-dom
import { StrictMode, type ReactNode } from 'react';
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pageScore } from '@pulse/sdk/score';
import { createFakeClient, type FakeClient } from '../../test/react/fakeClient.js';
import { PulseProvider } from './PulseProvider.js';
import { useWebVitals, type WebVitals } from './useWebVitals.js';

let renders: WebVitals[] = [];
function Vitals(): ReactNode {
  const vitals = useWebVitals();
  renders.push(vitals);
  return (
    <p>
      LCP {vitals.LCP?.value ?? '-'} {vitals.LCP?.rating ?? '-'} · CLS {vitals.CLS?.value ?? '-'} ·
      score {vitals.score?.toFixed(1) ?? '-'}
    </p>
  );
}

const vital = (client: FakeClient, name: 'LCP' | 'CLS' | 'INP' | 'FCP' | 'TTFB', value: number) =>
  act(() => client.emit({ k: 'vital', name, value, rating: 'good' }));

const mountVitals = (client: FakeClient) =>
  render(
    <PulseProvider client={client}>
      <Vitals />
    </PulseProvider>,
  );

/** A browser with the Long Tasks API (Chromium), unless a test says otherwise. */
const longTasksApi = (supported: boolean) =>
  vi.stubGlobal('PerformanceObserver', { supportedEntryTypes: supported ? ['longtask'] : [] });

beforeEach(() => longTasksApi(true));

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  renders = [];
});

describe('useWebVitals', () => {
  it('shows live values and ratings, and the page score from @pulse/sdk/score', () => {
    const client = createFakeClient();
    mountVitals(client);
    expect(screen.getByText(/LCP - - · CLS - · score -/)).toBeTruthy();

    vital(client, 'LCP', 1200);
    vital(client, 'CLS', 0.05);
    act(() => client.emit({ k: 'vital', name: 'INP', value: 640, rating: 'poor' }));

    const latest = renders.at(-1) as WebVitals;
    expect(latest.LCP).toEqual({ value: 1200, rating: 'good' });
    expect(latest.INP).toEqual({ value: 640, rating: 'poor' });
    expect(latest.FCP).toBeUndefined();
    const expected = pageScore({ LCP: 1200, CLS: 0.05, INP: 640, TBT: 0 }) as number;
    expect(latest.score).toBeCloseTo(expected, 10);
    expect(
      screen.getByText(`LCP 1200 good · CLS 0.05 · score ${expected.toFixed(1)}`, { exact: false }),
    ).toBeTruthy();
  });

  it('adds total blocking time from long tasks, not from long animation frames', () => {
    const client = createFakeClient();
    mountVitals(client);
    vital(client, 'LCP', 900);
    act(() => client.record({ k: 'long', kind: 'longtask', d: 180 }));
    act(() => client.record({ k: 'long', kind: 'longtask', d: 40 }));
    act(() => client.record({ k: 'long', kind: 'loaf', d: 400 }));
    const latest = renders.at(-1) as WebVitals;
    expect(latest.TBT).toBe(130);
    expect(latest.score).toBeCloseTo(pageScore({ LCP: 900, TBT: 130 }) as number, 10);
  });

  it('leaves TBT unknown, and out of the score, where the browser has no Long Tasks API', () => {
    longTasksApi(false);
    const client = createFakeClient();
    mountVitals(client);
    vital(client, 'LCP', 900);
    const latest = renders.at(-1) as WebVitals;
    expect(latest.TBT).toBeUndefined();
    expect(latest.score).toBeCloseTo(pageScore({ LCP: 900 }) as number, 10);
    expect(latest.score).not.toBeCloseTo(pageScore({ LCP: 900, TBT: 0 }) as number, 3);
  });

  it('scores nothing until LCP, INP or CLS is reported', () => {
    const client = createFakeClient();
    mountVitals(client);
    vital(client, 'FCP', 300);
    vital(client, 'TTFB', 50);
    expect((renders.at(-1) as WebVitals).score).toBeUndefined();
    vital(client, 'CLS', 0);
    expect((renders.at(-1) as WebVitals).score).toBeCloseTo(
      pageScore({ FCP: 300, TTFB: 50, CLS: 0, TBT: 0 }) as number,
      10,
    );
  });

  it('does not re-render when an update repeats the value it already shows', () => {
    const client = createFakeClient();
    mountVitals(client);
    vital(client, 'TTFB', 300);
    const count = renders.length;
    vital(client, 'TTFB', 300);
    act(() => client.record({ k: 'event', name: 'unrelated' }));
    expect(renders.length).toBe(count);
  });

  it('shows values reported before the component mounted (a later route)', () => {
    const client = createFakeClient();
    const view = render(<PulseProvider client={client} />);
    vital(client, 'LCP', 2100);
    view.rerender(
      <PulseProvider client={client}>
        <Vitals />
      </PulseProvider>,
    );
    expect(renders[0]?.LCP?.value).toBe(2100);
  });

  it('listens once under StrictMode and leaves no listener after unmount', () => {
    const client = createFakeClient();
    const view = render(
      <StrictMode>
        <PulseProvider client={client}>
          <Vitals />
          <Vitals />
        </PulseProvider>
      </StrictMode>,
    );
    expect(client.listenerCount()).toBe(1);
    vital(client, 'CLS', 0.3);
    expect(renders.at(-1)?.CLS?.value).toBe(0.3);
    view.unmount();
    expect(client.listenerCount()).toBe(0);
  });
});
