/**
 * React bindings for Pulse: a provider, hooks for live values and custom metrics, a profiler and
 * an error boundary. Each lives in its own module, and only `useSocketQuality` imports the
 * socket.io plugin, so apps that never call it do not ship it.
 *
 * Each module exported here starts with `'use client'`: a React Server Component (a Next.js
 * layout) importing this package gets them as client references, where evaluating them on the
 * server would fail (React's server build has no `createContext`). This file has none, so the
 * types and whatever is added later that runs on a server stay usable there.
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
