import { listen } from './listen.js';
import { safe } from './safe.js';

type HistoryMethod = 'pushState' | 'replaceState';

/**
 * Calls `onChange` after every SPA navigation: history.pushState/replaceState (which fire no
 * event, so they are wrapped), back/forward (`popstate`) and fragment changes (`hashchange`).
 * The check runs in a microtask so routers have updated their state before a route function
 * reads it. Returns the restore function: it puts the original methods back unless another
 * library wrapped them after us, in which case our wrapper stays but goes inert.
 */
export const watchHistory = (onChange: () => void): (() => void) => {
  let active = true;
  const check = safe(() => active && onChange());
  const wrap = (name: HistoryMethod) => {
    const original = history[name];
    const wrapper = function (this: History, ...args: Parameters<History[HistoryMethod]>) {
      const result = original.apply(this, args);
      queueMicrotask(check);
      return result;
    };
    history[name] = wrapper;
    return () => {
      if (history[name] == wrapper) history[name] = original;
    };
  };
  const disposers = [
    wrap('pushState'),
    wrap('replaceState'),
    listen(window, 'popstate', check),
    listen(window, 'hashchange', check),
  ];
  return () => {
    active = false;
    disposers.forEach((dispose) => dispose());
  };
};
