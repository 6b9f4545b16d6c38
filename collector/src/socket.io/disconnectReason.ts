import type { DisconnectReason } from 'socket.io';

/** socket.io's server-side disconnect reasons: the only values the `reason` label takes. */
const KNOWN = [
  'transport error',
  'transport close',
  'forced close',
  'ping timeout',
  'parse error',
  'server shutting down',
  'forced server close',
  'client namespace disconnect',
  'server namespace disconnect',
] as const satisfies readonly DisconnectReason[];

/** A disconnect reason as a bounded label value: a reason socket.io may add later is `other`. */
export function serverDisconnectReason(reason: unknown): string {
  return (KNOWN as readonly unknown[]).includes(reason) ? (reason as string) : 'other';
}
