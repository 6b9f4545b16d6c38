import { safe } from '../lib/safe.js';

/** A listener of socket.io events, which the monitor reads at most one argument of. */
export type Listener = (arg?: unknown) => void;

/** Anything with socket.io's `on`/`off` pair: sockets, managers and engines. */
export interface Emitter {
  on(event: string, listener: Listener): unknown;
  off(event: string, listener: Listener): unknown;
}

/**
 * Subscribes `listener` (made safe: nothing it throws reaches the app's socket code) and returns
 * its unsubscribe, so teardown is one list of functions (the socket.io-client `on()` pattern).
 */
export function subscribe(target: Emitter, event: string, listener: Listener): () => void {
  const wrapped = safe(listener);
  target.on(event, wrapped);
  return () => void target.off(event, wrapped);
}
