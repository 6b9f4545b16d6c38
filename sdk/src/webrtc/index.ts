/**
 * `@pulse/sdk/webrtc`: WebRTC call quality (RTT, jitter, loss per media kind, concealment,
 * frames, candidate type, state changes) for Pulse, read from `RTCPeerConnection.getStats()`.
 */
export {
  monitorPeerConnection,
  type MonitoredPeerConnection,
  type MonitorPeerConnectionOptions,
} from './monitorPeerConnection.js';
export { callWindow, type StatsEntry, type StatsReport } from './callWindow.js';
