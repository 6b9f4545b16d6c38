/**
 * The SDK's only way to the console. The host page owns its console: Pulse writes to it only
 * when the app asked for diagnostics (`debug: true` / `data-debug`).
 */
let enabled = false;

/** Turns diagnostics on or off for this page. */
export const setDebug = (on?: boolean): void => {
  enabled = !!on;
};

/** Logs with a `[pulse]` prefix when debug is on; a no-op otherwise. */
export const log = (...args: unknown[]): void => {
  // eslint-disable-next-line no-console -- the one opt-in path to the console (data-debug).
  if (enabled) console.info('[pulse]', ...args);
};
