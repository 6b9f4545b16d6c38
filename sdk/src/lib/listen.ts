import { safe } from './safe.js';

/**
 * Adds an event listener, made safe, that goes away when `signal` aborts: `stop()` removes every
 * listener of a client with one `abort()` instead of keeping a list of removers.
 */
export const listen = <E extends Event>(
  signal: AbortSignal,
  target: EventTarget,
  type: string,
  handler: (event: E) => void,
  capture?: boolean,
): void => target.addEventListener(type, safe(handler) as EventListener, { capture, signal });
