/**
 * Script-tag entry, built to `pulse.socket.js` (IIFE) and served by the collector at
 * `/pulse.socket.js`. Load it after `/pulse.js`; it adds `Pulse.monitorSocket(socket, options?)`,
 * bound to the page's global Pulse client:
 *
 * ```html
 * <script src="https://rum.example.com/pulse.js" data-app="chat" defer></script>
 * <script src="https://rum.example.com/pulse.socket.js" defer></script>
 * <script>addEventListener('DOMContentLoaded', () => Pulse.monitorSocket(io()));</script>
 * ```
 */
import type { PulseClient } from '../types.js';
import { safe } from '../lib/safe.js';
import { monitorSocket, type MonitoredSocket, type MonitorSocketOptions } from './monitorSocket.js';

/**
 * Options of `Pulse.monitorSocket`: `delivery: true` tracks message delivery, with
 * `/pulse.delivery.js` loaded too (it adds `Pulse.trackDelivery`; without it, `true` is ignored).
 */
export type ScriptSocketOptions = Omit<MonitorSocketOptions, 'delivery'> & { delivery?: boolean };

/** `window.Pulse` once this script has run. */
export type PulseWithSocket = PulseClient & {
  /** Monitors a socket.io-client socket; returns `stop()`. See `@pulse/sdk/socket.io`. */
  monitorSocket(socket: MonitoredSocket, options?: ScriptSocketOptions): () => void;
  /** Set by `/pulse.delivery.js`. */
  trackDelivery?: MonitorSocketOptions['delivery'];
};

const global = window as { Pulse?: PulseWithSocket };
// Inside `safe`, like pulse.js's own tag: a `window.Pulse` that throws or refuses the new method
// (a getter, a frozen object) leaves the page as it was instead of throwing into it.
safe(() => {
  if (global.Pulse) {
    // Looked up on every call: the client the page has when it starts monitoring is the one to use.
    global.Pulse.monitorSocket = (socket, options = {}) =>
      monitorSocket(global.Pulse!, socket, {
        ...options,
        delivery: options.delivery ? global.Pulse!.trackDelivery : undefined,
      });
  }
})();
