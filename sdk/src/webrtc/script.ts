/**
 * Script-tag entry, built to `pulse.webrtc.js` (IIFE) and served by the collector at
 * `/pulse.webrtc.js`. Load it after `/pulse.js`; it adds
 * `Pulse.monitorPeerConnection(pc, options?)`, bound to the page's global Pulse client:
 *
 * ```html
 * <script src="https://rum.example.com/pulse.js" data-app="calls" defer></script>
 * <script src="https://rum.example.com/pulse.webrtc.js" defer></script>
 * <script>const stop = Pulse.monitorPeerConnection(pc, { interval: 10000 });</script>
 * ```
 */
import type { PulseClient } from '../types.js';
import { safe } from '../lib/safe.js';
import {
  monitorPeerConnection,
  type MonitoredPeerConnection,
  type MonitorPeerConnectionOptions,
} from './monitorPeerConnection.js';

/** `window.Pulse` once this script has run. */
export type PulseWithWebRtc = PulseClient & {
  /** Monitors an RTCPeerConnection; returns `stop()`. See `@pulse/sdk/webrtc`. */
  monitorPeerConnection(
    pc: MonitoredPeerConnection,
    options?: MonitorPeerConnectionOptions,
  ): () => void;
};

const global = window as { Pulse?: PulseWithWebRtc };
// As pulse.socket.js: a `window.Pulse` that throws or refuses the new method leaves the page as it was.
safe(() => {
  if (global.Pulse) {
    global.Pulse.monitorPeerConnection = (pc, options) =>
      monitorPeerConnection(global.Pulse!, pc, options);
  }
})();
