/**
 * `@pulse/collector/ws`: the server half of Pulse's plain-WebSocket monitoring, for the `ws`
 * package (an optional peer dependency): connections answer `monitorWebSocket`'s probes without
 * the app's message listeners ever seeing them.
 */
export { PulseWebSocket, pulseWebSocketServer } from './pulseWebSocket.js';
