import {
  MAX_DELIVERY_SAMPLES,
  MAX_MESSAGE_EVENTS,
  PROBE_EVENT,
  type MessageStats,
} from '../protocol.js';
import { safe } from '../lib/safe.js';
import { subscribe, type Emitter } from './subscribe.js';

/**
 * The parts of a socket.io-client 4 `Socket` the tracker reads, and never writes: the ack
 * callbacks waiting by packet id (`acks`), the next id (`ids`), the packets buffered while
 * disconnected (`sendBuffer`), and the timeout of the emit in progress (`flags`). Never a
 * `_`-prefixed member: the script-tag build mangles those names.
 */
export interface AckInternals {
  onAny(listener: (event: unknown) => void): unknown;
  offAny(listener: (event: unknown) => void): unknown;
  onAnyOutgoing(listener: (...data: unknown[]) => void): unknown;
  offAnyOutgoing(listener: (...data: unknown[]) => void): unknown;
  readonly nsp: string;
  readonly ids: number;
  readonly acks: Readonly<Record<number, unknown>>;
  readonly sendBuffer: readonly unknown[];
  readonly flags?: { timeout?: number };
}

/** The socket's Manager: its packets, and the options `io()` was given (`ackTimeout`). */
export interface AckManager extends Emitter {
  readonly opts?: { ackTimeout?: number };
}

/** A decoded socket.io packet as the Manager emits it (`packet` event). */
interface DecodedPacket {
  type: number;
  nsp: string;
  id?: number;
}

/** socket.io-parser packet types of an acknowledgement. */
const ACK = 3;
const BINARY_ACK = 6;

/** The name every event past `MAX_MESSAGE_EVENTS` in a window is counted under. */
export const OTHER_EVENT = '__other__';

/**
 * An event name as the wire format takes it (the collector's custom-name alphabet, 64
 * characters): the label model bounds how many get series of their own, this only keeps them
 * valid.
 */
export const eventLabel = (event: unknown): string =>
  String(event)
    .replace(/[^\w.:/ -]/g, '_')
    .slice(0, 64) || '_';

interface InFlight {
  event: string;
  sentAt: number;
  /** The emit's own ack timeout, when socket.io has one for it. */
  timeout: number | undefined;
}

/** Per-event message counts and the delivery of acknowledged emits, for one socket. */
export interface DeliveryTracker {
  /** The window's stats, if there were any messages; starts a new window. */
  take(): MessageStats[] | undefined;
  /** Removes the listeners; emits still in flight are not counted. */
  stop(): void;
}

/**
 * Tracks the app's acknowledged emits by observing socket.io, never by wrapping: the app's
 * `emit`, its arguments and its ack callback are untouched, so its code sees the same values,
 * errors and timing with or without Pulse.
 *
 * - **Sent.** socket.io calls `onAnyOutgoing` listeners just before writing a packet, after it
 *   gave an acknowledged emit its packet id (the last one, `ids - 1`) and stored its callback in
 *   `acks`. Delivery time counts from here: the packet is on its way. (A packet buffered while
 *   disconnected is counted as sent when the buffer is flushed, its delivery not tracked.)
 * - **Delivered.** The Manager emits every decoded packet (`packet`); an ACK of this socket's
 *   namespace with a tracked id is the ack arriving, within the same task as the app's callback.
 * - **Failed.** socket.io's ack timeout (`socket.timeout(ms)`, the `ackTimeout` option) removes
 *   the callback from `acks` and calls it with an error: a tracked id no longer in `acks` with
 *   no ACK seen timed out, as does an ACK arriving after the emit's timeout.
 * - **Lost.** socket.io emits `disconnect` before it clears the callbacks still waiting: every
 *   emit in flight then is lost, whether the app's callback gets an error or is never called.
 */
export function trackDelivery(
  socket: AckInternals,
  manager: AckManager,
  now: () => number,
): DeliveryTracker {
  let window = new Map<string, MessageStats>();
  const inFlight = new Map<number, InFlight>();
  /** Ids below this were given before tracking started, or were tracked already. */
  let nextId = socket.ids;

  const stats = (event: string) => {
    let name = eventLabel(event);
    if (!window.has(name) && window.size >= MAX_MESSAGE_EVENTS - 1) name = OTHER_EVENT;
    let entry = window.get(name);
    if (entry === undefined) {
      entry = { e: name, in: 0, out: 0, ok: 0, fail: 0, lost: 0, d: [] };
      window.set(name, entry);
    }
    return entry;
  };

  /** The packet id of the message being sent, and its timeout, if it waits for an ack. */
  const ackOf = (): [number, number | undefined] | undefined => {
    // Packets buffered while disconnected are announced as the buffer is flushed, in a burst
    // whose ids are no longer `ids - 1`: they are counted as sent, their delivery not tracked.
    if (socket.sendBuffer.length) return;
    const id = socket.ids - 1;
    if (id < nextId || socket.acks[id] === undefined) return;
    return [id, socket.flags?.timeout ?? manager.opts?.ackTimeout];
  };

  const onPacket = (packet: unknown) => {
    const { type, nsp, id } = packet as DecodedPacket;
    if ((type !== ACK && type !== BINARY_ACK) || nsp !== socket.nsp || id === undefined) return;
    const emit = inFlight.get(id);
    if (emit === undefined) return;
    inFlight.delete(id);
    const elapsed = now() - emit.sentAt;
    const entry = stats(emit.event);
    if (emit.timeout !== undefined && elapsed > emit.timeout) entry.fail++;
    else {
      entry.ok++;
      if (entry.d.length < MAX_DELIVERY_SAMPLES) entry.d.push(elapsed);
    }
  };

  // The app's messages, as socket.io announces them; probes are the monitor's own.
  const sent = safe((...data: unknown[]) => {
    const event = data[0];
    if (event === PROBE_EVENT) return;
    stats(event as string).out++;
    const ack = ackOf();
    if (ack === undefined) return;
    const [id, timeout] = ack;
    nextId = Math.max(nextId, id + 1);
    inFlight.set(id, { event: event as string, sentAt: now(), timeout });
  });
  const received = safe(
    (event: unknown) => void (event !== PROBE_EVENT && stats(event as string).in++),
  );
  socket.onAnyOutgoing(sent);
  socket.onAny(received);

  const teardown = [
    () => socket.offAnyOutgoing(sent),
    () => socket.offAny(received),
    subscribe(manager, 'packet', onPacket),
    subscribe(socket as unknown as Emitter, 'disconnect', () => {
      inFlight.forEach((emit) => stats(emit.event).lost++);
      inFlight.clear();
    }),
  ];

  /** Counts as failed the emits socket.io gave up on (their ack timed out), at each report. */
  const sweep = () =>
    inFlight.forEach((emit, id) => {
      if (socket.acks[id] !== undefined) return;
      inFlight.delete(id);
      stats(emit.event).fail++;
    });

  return {
    take() {
      sweep();
      const list = [...window.values()];
      window = new Map();
      return list.length ? list : undefined;
    },
    stop() {
      teardown.splice(0).forEach((undo) => undo());
      inFlight.clear();
    },
  };
}
