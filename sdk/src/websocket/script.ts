/**
 * Script-tag entry, built to `pulse.websocket.js` (IIFE) and served by the collector at
 * `/pulse.websocket.js`. Load it after `/pulse.js`; it adds `Pulse.monitorWebSocket(ws,
 * options?)`, bound to the page's global Pulse client. Call it right after `new WebSocket(...)`,
 * before adding listeners of your own:
 *
 * ```html
 * <script src="https://rum.example.com/pulse.js" data-app="chat" defer></script>
 * <script src="https://rum.example.com/pulse.websocket.js" defer></script>
 * <script>
 *   addEventListener('DOMContentLoaded', () => {
 *     const ws = new WebSocket('wss://chat.example.com/live');
 *     Pulse.monitorWebSocket(ws);
 *     ws.onmessage = (event) => render(event.data);
 *   });
 * </script>
 * ```
 */
import type { PulseClient } from '../types.js';
import { safe } from '../lib/safe.js';
import {
  monitorWebSocket,
  type MonitoredWebSocket,
  type MonitorWebSocketOptions,
} from './monitorWebSocket.js';

/** `window.Pulse` once this script has run. */
export type PulseWithWebSocket = PulseClient & {
  /** Monitors a browser WebSocket; returns `stop()`. See `@pulse/sdk/websocket`. */
  monitorWebSocket(ws: MonitoredWebSocket, options?: MonitorWebSocketOptions): () => void;
};

const global = window as { Pulse?: PulseWithWebSocket };
// As in pulse.socket.js: a `window.Pulse` that throws or refuses the method leaves the page as it was.
safe(() => {
  if (global.Pulse) {
    global.Pulse.monitorWebSocket = (ws, options) => monitorWebSocket(global.Pulse!, ws, options);
  }
})();
