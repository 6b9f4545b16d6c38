import type { Server } from 'socket.io';

/** How the demo server degrades its sockets, as a visitor sets it with the demo's controls. */
export interface Impairment {
  /** Added delay before the server handles each incoming packet, in ms. */
  delayMs: number;
  /** Uniform random spread around the delay, ± this many ms. */
  jitterMs: number;
  /** Share of incoming packets swallowed, 0..1: a swallowed probe is never acked, so it is lost. */
  dropShare: number;
}

export const CLEAN: Impairment = { delayMs: 0, jitterMs: 0, dropShare: 0 };

/** Named settings the demo page offers as one-click buttons. */
export const PRESETS: Readonly<Record<string, Impairment>> = {
  clean: CLEAN,
  'busy wi-fi': { delayMs: 120, jitterMs: 60, dropShare: 0.03 },
  'bad mobile': { delayMs: 400, jitterMs: 250, dropShare: 0.15 },
};

/**
 * Degrades every socket of `io` on the server side: each incoming packet (chat messages and
 * Pulse's `pulse:ping` probes alike) waits the delay ± jitter before its handler runs, or is
 * swallowed. Browsers cannot delay WebSocket frames themselves (DevTools throttling leaves them
 * alone), so this is where the demo makes a bad network.
 */
export function impairSockets(io: Server, current: () => Impairment): void {
  io.on('connection', (socket) => {
    socket.use((_packet, next) => {
      const { delayMs, jitterMs, dropShare } = current();
      if (dropShare > 0 && Math.random() < dropShare) return;
      const wait = delayMs + (Math.random() * 2 - 1) * jitterMs;
      if (wait <= 0) next();
      else setTimeout(next, wait);
    });
  });
}
