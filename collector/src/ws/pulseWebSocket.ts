import { WS_PROBE, WS_PROBE_ANSWER, WS_PROBE_MAX_BYTES } from '@pulse/sdk/protocol';
import { WebSocket, WebSocketServer, type ServerOptions } from 'ws';

/** The probe's text, if `data` is one (a short text frame starting with `WS_PROBE`). */
function probeText(data: unknown, isBinary: unknown): string | undefined {
  if (isBinary !== false || !Buffer.isBuffer(data) || data.length > WS_PROBE_MAX_BYTES) return;
  // The NUL first byte rules out almost every app frame before any decoding.
  if (data[0] !== 0) return;
  const text = data.toString('utf8');
  return text.startsWith(WS_PROBE) ? text : undefined;
}

/**
 * The `ws` package's `WebSocket`, answering the probes of `monitorWebSocket`
 * (`@pulse/sdk/websocket`) itself. Give it to the server, which then makes every connection
 * with it (ws's documented `WebSocket` option, for classes extending its own):
 *
 * ```ts
 * const wss = new WebSocketServer({ port: 8080, WebSocket: PulseWebSocket });
 * ```
 *
 * How probes never reach the app's `message` listeners, whenever and however they were added:
 * ws delivers every frame by calling the socket's `emit('message', data, isBinary)`, and this
 * class's `emit` answers a probe frame and returns before any listener is called. Every other
 * event, and every other message, goes to `EventEmitter.prototype.emit` unchanged. A probe is
 * a text frame of at most `WS_PROBE_MAX_BYTES` bytes starting with NUL and `pulse:ping `; the
 * answer is the same text with `pulse:pong `, sent at once.
 */
export class PulseWebSocket extends WebSocket {
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'message') {
      const probe = probeText(args[0], args[1]);
      if (probe !== undefined) {
        if (this.readyState === WebSocket.OPEN) {
          this.send(WS_PROBE_ANSWER + probe.slice(WS_PROBE.length));
        }
        return true;
      }
    }
    return super.emit(event, ...args);
  }
}

/** A `ws` `WebSocketServer` whose connections answer Pulse's probes (`PulseWebSocket`). */
export function pulseWebSocketServer(
  options: Omit<ServerOptions, 'WebSocket'>,
  callback?: () => void,
): WebSocketServer {
  return new WebSocketServer({ ...options, WebSocket: PulseWebSocket }, callback);
}
