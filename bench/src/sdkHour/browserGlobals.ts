import { Window } from 'happy-dom';

/**
 * Gives Node the browser globals the SDK reads (window, document, location, navigator,
 * sessionStorage, DOM classes...) from a happy-dom window at `url`. Only names Node lacks are
 * added: Node's own timers, performance, fetch, Blob and crypto stay, so the fake clock and the
 * real network are the ones the SDK uses.
 */
export function installBrowserGlobals(url: string): Window {
  const window = new Window({ url, width: 1280, height: 800 });
  const target = globalThis as Record<string, unknown>;
  const source = window as unknown as Record<string, unknown>;
  const names = new Set<string>();
  for (let o: object | null = window; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    Object.getOwnPropertyNames(o).forEach((name) => names.add(name));
  }
  for (const name of names) {
    if (name in target || name === 'constructor') continue;
    let value: unknown;
    try {
      value = source[name];
    } catch {
      continue;
    }
    // Methods such as addEventListener must run with the window as `this`.
    target[name] =
      typeof value === 'function' && !/^[A-Z]/.test(name)
        ? (value as () => unknown).bind(window)
        : value;
  }
  return window;
}
