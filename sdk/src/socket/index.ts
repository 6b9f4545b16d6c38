/**
 * `@pulse/sdk/socket.io`: socket.io connection quality (RTT, jitter, loss, reconnects) for Pulse.
 * socket.io-client is not imported at runtime; the app passes its own socket.
 */
export { monitorSocket, type MonitoredSocket, type MonitorSocketOptions } from './monitorSocket.js';
export { trackDelivery } from './deliveryTracker.js';
