import type { Socket } from 'socket.io';

/** engine.io's connection under a socket.io socket. */
type EngineSocket = Socket['conn'];

interface HeartbeatPacket {
  type: string;
}

/**
 * Measures the RTT of every engine.io heartbeat on one connection: from the server writing a
 * `ping` packet (`packetCreate`) to the client's `pong` arriving (`packet`). This costs no extra
 * traffic and works for every client, with or without the Pulse plugin; one sample per
 * `pingInterval` (socket.io's default: 25 s). Returns the function that stops measuring.
 */
export function measureHeartbeats(conn: EngineSocket, observe: (seconds: number) => void) {
  let pingAt: number | undefined;
  const onCreate = (packet: HeartbeatPacket) => {
    if (packet.type === 'ping') pingAt = performance.now();
  };
  const onPacket = (packet: HeartbeatPacket) => {
    if (packet.type !== 'pong' || pingAt === undefined) return;
    observe((performance.now() - pingAt) / 1000);
    pingAt = undefined;
  };
  conn.on('packetCreate', onCreate);
  conn.on('packet', onPacket);
  return () => {
    conn.off('packetCreate', onCreate);
    conn.off('packet', onPacket);
  };
}
