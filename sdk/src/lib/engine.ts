import type { Engine } from '../protocol.js';
import { supports } from './observe.js';

/**
 * The browser engine, from features only one engine has, never from the user agent string
 * (frozen in Chromium, spoofed by many browsers and extensions):
 * - Gecko is the only engine that still parses `-moz-appearance` (it accepts `-webkit-` too, so
 *   it is tested first);
 * - Chromium is the only one with the Long Tasks API, which is also what decides whether a page
 *   view can carry a total blocking time at all;
 * - WebKit is what remains that parses `-webkit-appearance`.
 */
export const engine = (): Engine =>
  CSS.supports('-moz-appearance', 'none')
    ? 'firefox'
    : supports('longtask')
      ? 'chromium'
      : CSS.supports('-webkit-appearance', 'none')
        ? 'webkit'
        : 'other';
