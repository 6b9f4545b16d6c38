import { safe } from './safe.js';

/**
 * Adds an event listener (made safe) and returns the function that removes it, so `stop()` is a
 * single list of disposers (the socket.io-client `on()` pattern).
 */
export const listen = <E extends Event>(
  target: EventTarget,
  type: string,
  handler: (event: E) => void,
  capture?: boolean,
): (() => void) => {
  const wrapped = safe(handler) as EventListener;
  target.addEventListener(type, wrapped, capture);
  return () => target.removeEventListener(type, wrapped, capture);
};
