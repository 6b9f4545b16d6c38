// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { PulseWithSocket } from './script.js';

const monitorSocket = vi.hoisted(() => vi.fn(() => () => {}));
vi.mock('./monitorSocket.js', () => ({ monitorSocket }));

const global = window as { Pulse?: unknown };

/** Runs pulse.socket.js's entry afresh, as the browser runs the tag. */
const runTag = async () => {
  vi.resetModules();
  await import('./script.js');
};

describe('pulse.socket.js script tag', () => {
  beforeEach(() => {
    delete global.Pulse;
    monitorSocket.mockClear();
  });
  afterEach(() => {
    Reflect.deleteProperty(global, 'Pulse');
    vi.restoreAllMocks();
  });

  it("adds monitorSocket to the page's Pulse, bound to the client the page has at the call", async () => {
    const first = { sampled: true } as PulseWithSocket;
    global.Pulse = first;
    await runTag();
    const later = { sampled: true } as PulseWithSocket;
    global.Pulse = later;
    const socket = {} as Socket;
    first.monitorSocket(socket, { interval: 500 });
    expect(monitorSocket).toHaveBeenCalledWith(later, socket, { interval: 500 });
  });

  it('does nothing on a page without Pulse', async () => {
    await runTag();
    expect(global.Pulse).toBeUndefined();
  });

  it.each<[string, () => void]>([
    [
      'a window.Pulse that throws',
      () =>
        Object.defineProperty(global, 'Pulse', {
          configurable: true,
          get: () => {
            throw new Error('hostile Pulse');
          },
        }),
    ],
    ['a frozen Pulse', () => (global.Pulse = Object.freeze({ sampled: true }))],
    [
      'a Pulse that refuses new properties',
      () =>
        (global.Pulse = new Proxy(
          {},
          {
            set: () => {
              throw new Error('hostile Pulse');
            },
          },
        )),
    ],
  ])('throws nothing into a page with %s, and logs nothing', async (_case, arrange) => {
    const consoleCalls = (['log', 'info', 'warn', 'error'] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation(() => {}),
    );
    arrange();
    await expect(runTag()).resolves.toBeUndefined();
    for (const spy of consoleCalls) expect(spy).not.toHaveBeenCalled();
  });
});
