/** The collector accepted the beacon (or the browser took it with sendBeacon). */
export const SENT = -1;
/** The collector refused the beacon for good (4xx other than 429): retrying cannot help. */
export const REJECTED = -2;

/**
 * What became of one send: SENT, REJECTED, or a number ≥ 0 meaning "retry", with the server's
 * Retry-After in ms (0 when it gave none).
 */
export type SendResult = number;

/**
 * Browsers cap the bodies of all in-flight keepalive requests (and beacons) of a page at 64 KiB;
 * a keepalive fetch over the cap fails outright, so past it requests go without keepalive.
 */
const KEEPALIVE_BUDGET = 65536;

/**
 * Retry-After in ms (0 when absent). Only the seconds form: it is what rate limiters and the
 * collector send, and the HTTP-date form is not worth its bytes in the bundle.
 */
const retryAfter = (response: Response): number => +response.headers.get('retry-after')! * 1e3 || 0;

/**
 * Delivers one body to the collector. Bodies are strings, so the browser sends them as
 * `text/plain;charset=UTF-8`: a CORS-safelisted type, hence no preflight request per beacon.
 * While the page hides, `navigator.sendBeacon` (queued by the browser, survives unload); when it
 * is missing or refuses (over its quota), a keepalive fetch. Otherwise a keepalive fetch without
 * credentials (no cookies to a third-party collector), whose status decides retry or not.
 */
export const createSender = (url: string) => {
  let inFlight = 0;
  return async (body: string, hiding?: boolean): Promise<SendResult> => {
    if (hiding && navigator.sendBeacon?.(url, body)) return SENT;
    const size = new Blob([body]).size;
    const keepalive = inFlight + size <= KEEPALIVE_BUDGET;
    if (keepalive) inFlight += size;
    try {
      const response = await fetch(url, { method: 'POST', body, keepalive, credentials: 'omit' });
      const status = response.status;
      return status < 400 ? SENT : status == 429 || status >= 500 ? retryAfter(response) : REJECTED;
    } catch {
      return 0; // Network failure (offline, DNS, CORS): worth retrying.
    } finally {
      if (keepalive) inFlight -= size;
    }
  };
};
