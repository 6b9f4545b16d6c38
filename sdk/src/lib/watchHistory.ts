import { listen } from './listen.js';
import { safe } from './safe.js';

/**
 * Calls `onChange` after every SPA navigation: history.pushState/replaceState (which fire no
 * event, so they are wrapped), back/forward (`popstate`) and fragment changes (`hashchange`).
 * The call runs in a microtask so routers have updated their state before a route function
 * reads it. The listeners go when `signal` aborts; the returned function puts the original
 * history methods back, unless another library wrapped them after us (then our wrapper stays,
 * and the caller ignores it once stopped).
 */
export const watchHistory = (signal: AbortSignal, onChange: () => void): (() => void) => {
  const check = () => queueMicrotask(safe(onChange));
  listen(signal, window, 'popstate', check);
  listen(signal, window, 'hashchange', check);
  const restorers = (['pushState', 'replaceState'] as const).map((name) => {
    const original = history[name];
    const wrapper = function (this: History, ...args: Parameters<History['pushState']>) {
      check();
      return original.apply(this, args);
    };
    history[name] = wrapper;
    return () => history[name] == wrapper && (history[name] = original);
  });
  return () => restorers.forEach((restore) => restore());
};
