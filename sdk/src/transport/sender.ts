/**
 * Browsers cap the bodies of all in-flight keepalive requests (and beacons) of a page at 64 KiB;
 * a keepalive fetch over the cap fails outright, so past it requests go without keepalive.
 */
const KEEPALIVE_BUDGET = 65536;

/**
 * Delivers one body to the collector; the retry queue decides what the outcome means. Bodies are
 * strings, so the browser sends them as `text/plain;charset=UTF-8`: a CORS-safelisted type, hence
 * no preflight request per beacon. While the page hides, `navigator.sendBeacon` (queued by the
 * browser, survives unload; resolves to nothing since there is no response to read); when it is
 * missing or refuses (over its quota), a keepalive fetch. Otherwise a keepalive fetch without
 * credentials (no cookies to a third-party collector), resolving to its response. Network
 * failures reject.
 */
export const createSender = (url: string) => {
  let inFlight = 0;
  return async (body: string, hiding?: boolean): Promise<Response | void> => {
    if (hiding && navigator.sendBeacon?.(url, body)) return;
    // UTF-8 bytes: exact for ASCII, a little over otherwise (a UTF-16 unit past ASCII takes at
    // most 3 bytes), which only errs on the safe side of the budget. Not `new Blob([body]).size`:
    // Chromium registers every Blob with the browser process, which cost the page's main thread
    // about 0.7 ms per visit in the bench's section 2 (medians of 9 and 12 visits).
    const size = body.length + 2 * (body.match(/[^\0-\x7f]/g)?.length ?? 0);
    const keepalive = inFlight + size <= KEEPALIVE_BUDGET;
    if (keepalive) inFlight += size;
    try {
      return await fetch(url, { method: 'POST', body, keepalive, credentials: 'omit' });
    } finally {
      if (keepalive) inFlight -= size;
    }
  };
};

/**
 * Whether a `securitypolicyviolation` event says that the page's Content-Security-Policy blocks
 * requests to the ingest `url`: its `connect-src` (which governs fetch and sendBeacon alike)
 * refused the URL itself, or its origin (browsers report only the origin of some requests).
 * Violations of other directives, or for other URLs of the same origin (a first-party proxy
 * shares the page's origin), say nothing about the beacons. `url` may be relative, as fetch
 * takes it: an anchor resolves it against the document's base URL exactly as fetch does, and
 * keeps working on a page that replaced the global `URL`.
 */
export const blockedByPolicy = (event: SecurityPolicyViolationEvent, url: string): boolean => {
  const target = Object.assign(document.createElement('a'), { href: url });
  return (
    event.effectiveDirective == 'connect-src' &&
    (event.blockedURI == target.href || event.blockedURI == target.origin)
  );
};
