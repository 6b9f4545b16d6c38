import { init } from './init.js';
import { safe } from './lib/safe.js';
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
 *
 * A tag without a valid `data-app` gets the inert client init() gives, and init() says why in
 * the console (a warning, `data-debug` or not): such a page would otherwise never learn it.
 *
 * Nothing here may throw into the page, whatever the page did to its globals before the tag ran
 * (`currentScript`, `dataset` or `window.Pulse` getters that throw, ...): all of it runs inside
 * `safe`, and a failure leaves the page without `window.Pulse`, silently unless `data-debug`.
 */
safe(() => {
  const script = document.currentScript as HTMLScriptElement | null;
  // No element (a module, or code evaluated by a loader) reads as a tag without attributes.
  const data: DOMStringMap = script?.dataset || {};
  if (!window.Pulse)
    window.Pulse = init({
      app: data.app!,
      release: data.release,
      key: data.key,
      // Anything but `granted` waits for consent, as in init().
      consent: data.consent as 'pending' | undefined,
      // The origin of the resolved `src` (`scheme://host[:port]/pulse.js`, or '' for no src) is
      // what precedes its third slash. Not `new URL(src).origin`: a page may have replaced `URL`
      // (a polyfill, or worse), and this is smaller too.
      collector: data.collector ?? script?.src.split('/', 3).join('/'),
      sampleRate: +data.sampleRate!,
      // Anything but `hash` means the path, as in init().
      route: data.route as 'hash' | undefined,
      // A bare `data-debug` attribute turns it on.
      debug: data.debug != null,
    });
})();
