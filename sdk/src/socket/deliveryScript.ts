/**
 * Script-tag entry, built to `pulse.delivery.js` (IIFE) and served by the collector at
 * `/pulse.delivery.js`: message delivery tracking for `Pulse.monitorSocket`, apart from
 * `/pulse.socket.js` so pages that only probe do not download it. Load it after `/pulse.js`:
 *
 * ```html
 * <script src="https://rum.example.com/pulse.js" data-app="chat" defer></script>
 * <script src="https://rum.example.com/pulse.socket.js" defer></script>
 * <script src="https://rum.example.com/pulse.delivery.js" defer></script>
 * <script>
 *   addEventListener('DOMContentLoaded', () => Pulse.monitorSocket(io(), { delivery: true }));
 * </script>
 * ```
 */
import { safe } from '../lib/safe.js';
import { trackDelivery } from './deliveryTracker.js';
import type { PulseWithSocket } from './script.js';

const global = window as { Pulse?: PulseWithSocket };
// As in pulse.socket.js: a `window.Pulse` that throws or refuses the method leaves the page as it was.
safe(() => {
  if (global.Pulse) global.Pulse.trackDelivery = trackDelivery;
})();
