// @vitest-environment happy-dom
import { StrictMode, type ReactNode } from 'react';
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProbeUpdate } from '@pulse/sdk';
import { connectionScore } from '@pulse/sdk/score';
import { monitorSocket } from '@pulse/sdk/socket.io';
import { createFakeClient, type FakeClient } from '../../test/react/fakeClient.js';
import { PulseProvider } from './PulseProvider.js';
import {
  useSocketQuality,
  type MonitoredSocket,
  type SocketQuality,
  type SocketQualityOptions,
} from './useSocketQuality.js';

// The hook's own logic is under test here; the real probe runs in the socket plugin's tests.
const stops: ReturnType<typeof vi.fn>[] = [];
vi.mock('@pulse/sdk/socket.io', () => ({
  monitorSocket: vi.fn(() => {
    const stop = vi.fn();
    stops.push(stop);
    return stop;
  }),
}));
const monitorMock = vi.mocked(monitorSocket);

const socket = { id: 'fake socket' } as unknown as MonitoredSocket;
let renders: (SocketQuality | undefined)[] = [];
function Quality(props: {
  socket: MonitoredSocket | null;
  options?: SocketQualityOptions;
}): ReactNode {
  renders.push(useSocketQuality(props.socket, props.options));
  return null;
}

const probe = (srtt: number, overrides: Partial<ProbeUpdate> = {}): ProbeUpdate => ({
  k: 'probe',
  rtt: srtt,
  srtt,
  jitter: 3,
  loss: 0,
  transport: 'websocket',
  ...overrides,
});

const mount = (client: FakeClient, options?: SocketQualityOptions, strict = false) => {
  const tree = (
    <PulseProvider client={client}>
      <Quality socket={socket} {...(options ? { options } : {})} />
    </PulseProvider>
  );
  return render(strict ? <StrictMode>{tree}</StrictMode> : tree);
};

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
  monitorMock.mockClear();
  stops.length = 0;
  renders = [];
});

describe('useSocketQuality', () => {
  it('starts monitorSocket on mount with the options and returns live quality', () => {
    const client = createFakeClient();
    mount(client, { interval: 1000, timeout: 3000 });
    expect(monitorMock).toHaveBeenCalledTimes(1);
    expect(monitorMock).toHaveBeenCalledWith(client, socket, { interval: 1000, timeout: 3000 });
    expect(renders.at(-1)).toBeUndefined();

    act(() => client.emit(probe(80, { jitter: 6, loss: 0.1, rtt: 90 })));
    const { score, mos } = connectionScore({ rtt: 80, jitter: 6, loss: 0.1 });
    expect(renders.at(-1)).toEqual({
      rtt: 80,
      lastRtt: 90,
      jitter: 6,
      loss: 0.1,
      score,
      mos,
      transport: 'websocket',
    });
  });

  it('re-renders at most once per probe interval, ending on the latest value', () => {
    const client = createFakeClient();
    mount(client, { interval: 2000 });
    const before = renders.length;
    // Twenty updates over two seconds: a burst, as after a reconnect flushes queued acks.
    for (let i = 1; i <= 20; i += 1) {
      act(() => {
        client.emit(probe(i));
        vi.advanceTimersByTime(100);
      });
    }
    // One immediate render for the first update, one when the first interval ends.
    expect(renders.length - before).toBe(2);
    act(() => vi.advanceTimersByTime(2000));
    expect(renders.length - before).toBe(2);
    expect(renders.at(-1)?.rtt).toBe(20);

    act(() => client.emit(probe(42)));
    expect(renders.at(-1)?.rtt).toBe(42);
  });

  it('stops monitoring and leaves no listener or timer after unmount', () => {
    const client = createFakeClient();
    const view = mount(client, { interval: 2000 });
    act(() => client.emit(probe(10)));
    act(() => client.emit(probe(11))); // throttled: a timer is pending now
    expect(vi.getTimerCount()).toBe(1);
    view.unmount();
    expect(stops).toHaveLength(1);
    expect(stops[0]).toHaveBeenCalledTimes(1);
    expect(client.listenerCount()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps exactly one monitor running under StrictMode', () => {
    const client = createFakeClient();
    const view = mount(client, undefined, true);
    const running = stops.filter((stop) => stop.mock.calls.length === 0);
    expect(running).toHaveLength(1);
    // Provider's vitals store plus one probe listener.
    expect(client.listenerCount()).toBe(2);
    view.unmount();
    expect(stops.every((stop) => stop.mock.calls.length === 1)).toBe(true);
  });

  it('shows the latest reading when monitoring stops, and keeps it', () => {
    const client = createFakeClient();
    const tree = (current: MonitoredSocket | null) => (
      <PulseProvider client={client}>
        <Quality socket={current} options={{ interval: 2000 }} />
      </PulseProvider>
    );
    const view = render(tree(socket));
    act(() => client.emit(probe(10)));
    act(() => client.emit(probe(99))); // throttled, not rendered yet
    expect(renders.at(-1)?.rtt).toBe(10);
    view.rerender(tree(null));
    expect(stops[0]).toHaveBeenCalledTimes(1);
    expect(renders.at(-1)?.rtt).toBe(99);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does nothing without a socket or without a Pulse client', () => {
    const client = createFakeClient();
    render(
      <PulseProvider client={client}>
        <Quality socket={null} />
      </PulseProvider>,
    );
    render(<Quality socket={socket} />);
    expect(monitorMock).not.toHaveBeenCalled();
  });
});
