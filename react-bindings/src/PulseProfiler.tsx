'use client';

import {
  Profiler,
  useCallback,
  useEffect,
  useRef,
  type ProfilerOnRenderCallback,
  type ReactNode,
} from 'react';
import { usePulse } from './usePulse.js';

export interface PulseProfilerProps {
  /** Timing name of the mount render; updates are reported as `${id}:update`. */
  id: string;
  /** Report at most one update timing per this many ms: the slowest in the window. Default 5000. */
  updateWindow?: number;
  /** The subtree whose renders are timed. */
  children?: ReactNode;
}

/** Default update window: the SDK's flush interval, so each beacon carries at most one. */
const DEFAULT_UPDATE_WINDOW_MS = 5000;

/**
 * Reports how long its subtree takes to render, as custom timings (`pulse_custom_timing_seconds`):
 * every mount as `id`, and re-renders as `${id}:update`, aggregated to the slowest one per
 * `updateWindow` so a tree re-rendering at 60 fps sends a handful of events, not thousands.
 * A pending slowest update is sent when the profiler unmounts.
 *
 * React calls Profiler callbacks in development builds and in the profiling build
 * (`react-dom/profiling`) only: in a plain production build this renders its children and
 * reports nothing.
 */
export function PulseProfiler({
  id,
  updateWindow = DEFAULT_UPDATE_WINDOW_MS,
  children,
}: PulseProfilerProps): ReactNode {
  const client = usePulse();
  /** Slowest update since the last report, and when that report was. */
  const updates = useRef({ slowest: -1, reportedAt: -Infinity });

  const onRender = useCallback<ProfilerOnRenderCallback>(
    (_id, phase, actualDuration) => {
      if (phase === 'mount') {
        client.time(id, actualDuration);
        return;
      }
      const pending = updates.current;
      pending.slowest = Math.max(pending.slowest, actualDuration);
      const now = Date.now();
      if (now - pending.reportedAt < updateWindow) return;
      client.time(`${id}:update`, pending.slowest);
      updates.current = { slowest: -1, reportedAt: now };
    },
    [client, id, updateWindow],
  );

  useEffect(
    () => () => {
      const { slowest } = updates.current;
      if (slowest >= 0) client.time(`${id}:update`, slowest);
      updates.current = { slowest: -1, reportedAt: -Infinity };
    },
    [client, id],
  );

  return (
    <Profiler id={id} onRender={onRender}>
      {children}
    </Profiler>
  );
}
