import type { DeviceClass } from '../protocol.js';

/**
 * Device class from the primary pointer and the screen's short side, not from the user agent
 * (which is frozen/reduced in Chromium and easy to get wrong): a fine pointer means desktop, a
 * coarse one a phone below 600 CSS px and a tablet above.
 */
export const deviceClass = (): DeviceClass =>
  !matchMedia('(pointer:coarse)').matches
    ? 'desktop'
    : Math.min(screen.width, screen.height) < 600
      ? 'mobile'
      : 'tablet';
