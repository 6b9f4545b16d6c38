import type { ConnectionType } from '../protocol.js';

/** `navigator.connection.effectiveType` (Chromium only); absent elsewhere, so the field is left out. */
export const connectionType = (): ConnectionType | undefined =>
  (navigator as { connection?: { effectiveType?: ConnectionType } }).connection?.effectiveType;
