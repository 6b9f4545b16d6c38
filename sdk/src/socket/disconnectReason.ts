import type { DisconnectReason } from '../protocol.js';

const KNOWN: readonly string[] = [
  'io server disconnect',
  'io client disconnect',
  'ping timeout',
  'transport close',
  'transport error',
  'parse error',
];

/** socket.io-client's disconnect reason as the wire format knows it; anything else is `other`. */
export function disconnectReason(reason: unknown): DisconnectReason {
  return KNOWN.includes(reason as string) ? (reason as DisconnectReason) : 'other';
}
