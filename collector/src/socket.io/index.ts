/**
 * `@pulse/collector/socket.io`: the server half of Pulse's socket monitoring. socket.io itself is
 * an optional peer dependency, used for its types only.
 */
export { attachPulse, type AttachPulseOptions } from './attachPulse.js';
export type { SocketServerMetrics } from './serverMetrics.js';
