/**
 * `@pulse/sdk/websocket`: plain WebSocket connection quality (RTT, jitter, loss) for Pulse, with
 * the same probes and score as `@pulse/sdk/socket.io`. The server answers probes with
 * `@pulse/collector/ws`.
 */
export {
  monitorWebSocket,
  type MonitoredWebSocket,
  type MonitorWebSocketOptions,
} from './monitorWebSocket.js';
