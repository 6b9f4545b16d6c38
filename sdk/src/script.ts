import { init } from './init.js';
import type { PulseClient } from './types.js';

declare global {
  interface Window {
    /** The script tag's client (`<script src=".../pulse.js" data-app="shop">`). */
    Pulse?: PulseClient;
  }
}

/**
 * Entry of the IIFE build `pulse.js`: configures Pulse from the script tag's data attributes.
 * `document.currentScript` is only set while a classic script first runs (also with `defer` or
 * `async`), so it is read here at the top. The collector defaults to the origin the script was
 * served from, since the collector serves `/pulse.js` itself. A second copy of the tag is ignored.
 */
const script = document.currentScript as HTMLScriptElement | null;
const data = script?.dataset;
if (data?.app && !window.Pulse)
  window.Pulse = init({
    app: data.app,
    release: data.release,
    collector: data.collector ?? (script!.src && new URL(script!.src).origin),
    sampleRate: +data.sampleRate!,
    // Anything but `hash` means the path, as in init().
    route: data.route as 'hash' | undefined,
    // A bare `data-debug` attribute turns it on.
    debug: data.debug != null,
  });
