/**
 * The SDK's only way to the console. The host page owns its console: Pulse writes to it only
 * when the app asked for diagnostics (`debug: true` / `data-debug`), or once when it cannot start
 * at all (`warn`), which the page's owner would otherwise never learn.
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

/** Warns with a `[pulse]` prefix, debug or not: only for a client that cannot start at all. */
export const warn = (...args: unknown[]): void => {
  // eslint-disable-next-line no-console -- a page whose Pulse never starts must be told once.
  console.warn('[pulse]', ...args);
};

/** Refusal reasons already explained: one line each, however many beacons are refused. */
const explained: Record<string, 1> = {};

/**
 * With debug on, says why the collector refused a beacon. Its 4xx answer is JSON
 * `{error, reason, message}` whose message already says what is wrong (an app name outside its
 * pattern, a missing ingest key, an app it does not accept), in the words of the collector's own
 * version: the SDK only passes it on, so production pages pay for no explanations of their own.
 * A body that is not that JSON (a proxy's error page) is ignored. Returns the response unread
 * otherwise, for the retry queue, which reads only its status and headers.
 */
export const explainRefusal = (response: Response | void): Response | void => {
  if (enabled && response && response.status > 399)
    response
      .json()
      .then(
        ({ reason, message }: { reason: string; message: string }) =>
          (explained[reason] ||= (log('beacon refused:', reason, message), 1)),
        log,
      );
  return response;
};
