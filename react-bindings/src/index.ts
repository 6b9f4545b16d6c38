/**
 * React bindings for Pulse: a provider, hooks for live values and custom metrics, a profiler and
 * an error boundary. Each lives in its own module, and only `useSocketQuality` imports the
 * socket.io plugin, so apps that never call it do not ship it.
 */
export type { PulseClient, PulseConfig } from '@pulse/sdk';
export { PulseProvider, type PulseProviderProps } from './PulseProvider.js';
export { usePulse } from './usePulse.js';
export { useWebVitals, type WebVitals } from './useWebVitals.js';
export type { VitalReading } from './vitalsStore.js';
export {
  useSocketQuality,
  type MonitoredSocket,
  type SocketQuality,
  type SocketQualityOptions,
} from './useSocketQuality.js';
export { useTrack } from './useTrack.js';
export { useTiming } from './useTiming.js';
export { usePulseRoute } from './usePulseRoute.js';
export { PulseProfiler, type PulseProfilerProps } from './PulseProfiler.js';
export {
  PulseErrorBoundary,
  type PulseErrorBoundaryProps,
  type PulseErrorFallbackProps,
} from './PulseErrorBoundary.js';
