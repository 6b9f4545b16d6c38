/** HTTP headers of the beacon endpoint, shared by the ingest route and CORS. */

/** Header alternative to the beacon's `key` field, for senders that can set headers. */
export const INGEST_KEY_HEADER = 'x-pulse-key';

/**
 * Response header of a `204` that recorded only part of a beacon: how many of its events were
 * refused (each counted as `pulse_rejected_total{reason="event_schema"}`).
 */
export const REFUSED_EVENTS_HEADER = 'x-pulse-refused-events';
