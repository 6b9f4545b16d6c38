import { PROBE_EVENT } from '@pulse/sdk/protocol';
import type { Socket } from 'socket.io';
import type { ServerMessageMetrics } from './serverMetrics.js';
import type { ServerEventNames } from './serverEventNames.js';

/** socket.io-parser packet types of an acknowledgement. */
const ACK = 3;
const BINARY_ACK = 6;

/** The parts of a socket.io 4 server `Socket` read here, and never written. */
interface SocketInternals {
  readonly acks: ReadonlyMap<number, unknown>;
  readonly nsp: { readonly name: string; readonly _ids: number };
  readonly client: {
    readonly decoder: {
      on(event: 'decoded', listener: (packet: DecodedPacket) => void): unknown;
      off(event: 'decoded', listener: (packet: DecodedPacket) => void): unknown;
    };
  };
}

interface DecodedPacket {
  type: number;
  nsp: string;
  id?: number;
}

interface InFlight {
  event: string;
  sentAt: number;
}

/** One socket's message tracking: `sweep` counts timed-out emits, `stop` its undo. */
export interface ServerDelivery {
  sweep(): void;
  stop(): void;
}

/**
 * Counts one server socket's messages per event name, and the delivery of the app's own
 * acknowledged emits to the client (`socket.emit(event, ..., ack)`, `emitWithAck`,
 * `socket.timeout(ms).emit`), by observing socket.io, never wrapping: the app's emit and ack
 * callback are untouched.
 *
 * - **Sent.** socket.io calls `onAnyOutgoing` listeners as it writes the packet, after giving an
 *   acknowledged emit the namespace's next packet id (`nsp._ids - 1`) and storing its callback
 *   in `socket.acks`.
 * - **Delivered or failed.** Every packet the client sends is decoded by its connection's
 *   decoder (`decoded`), whose listeners run before socket.io hands the packet to the socket on
 *   the next tick. An ACK whose callback is still in `acks` is delivered now; one whose callback
 *   is gone arrived after the emit's timeout had removed it: failed. An emit whose callback
 *   left `acks` with no ACK at all timed out (`sweep`).
 * - **Lost.** Emits in flight when the socket disconnects.
 *
 * With connection state recovery on, socket.io does not call `onAnyOutgoing` for emits, so
 * nothing outgoing is counted then.
 */
export function trackServerDelivery(
  socket: Socket,
  metrics: ServerMessageMetrics,
  names: ServerEventNames,
): ServerDelivery {
  const internals = socket as unknown as SocketInternals;
  const inFlight = new Map<number, InFlight>();
  /** Ids below this were given before tracking, or to emits tracked already. */
  let nextId = internals.nsp._ids;

  const outcome = (event: string, value: 'delivered' | 'failed' | 'lost') =>
    metrics.deliveriesTotal.inc({ event: names.current(event), outcome: value });

  const onOutgoing = (event: unknown) => {
    if (event === PROBE_EVENT) return;
    metrics.messagesTotal.inc({ event: names.label(event), direction: 'out' });
    const id = internals.nsp._ids - 1;
    if (id < nextId || !internals.acks.has(id)) return;
    nextId = id + 1;
    inFlight.set(id, { event: String(event), sentAt: performance.now() });
  };

  const onIncoming = (event: unknown) => {
    if (event !== PROBE_EVENT)
      metrics.messagesTotal.inc({ event: names.label(event), direction: 'in' });
  };

  const onDecoded = (packet: DecodedPacket) => {
    if (packet.type !== ACK && packet.type !== BINARY_ACK) return;
    if (packet.nsp !== internals.nsp.name || packet.id === undefined) return;
    const emit = inFlight.get(packet.id);
    if (emit === undefined) return;
    inFlight.delete(packet.id);
    if (!internals.acks.has(packet.id)) return outcome(emit.event, 'failed');
    outcome(emit.event, 'delivered');
    const seconds = (performance.now() - emit.sentAt) / 1000;
    metrics.deliverySeconds.observe({ event: names.current(emit.event) }, seconds);
  };

  const onDisconnect = () => {
    inFlight.forEach((emit) => outcome(emit.event, 'lost'));
    inFlight.clear();
  };

  socket.onAnyOutgoing(onOutgoing);
  socket.onAny(onIncoming);
  internals.client.decoder.on('decoded', onDecoded);
  socket.on('disconnect', onDisconnect);

  return {
    sweep() {
      inFlight.forEach((emit, id) => {
        if (internals.acks.has(id)) return;
        inFlight.delete(id);
        outcome(emit.event, 'failed');
      });
    },
    stop() {
      socket.offAnyOutgoing(onOutgoing);
      socket.offAny(onIncoming);
      internals.client.decoder.off('decoded', onDecoded);
      socket.off('disconnect', onDisconnect);
      inFlight.clear();
    },
  };
}
