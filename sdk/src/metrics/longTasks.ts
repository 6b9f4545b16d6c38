import type { BlockingScript, LongTaskKind } from '../protocol.js';
import { observe } from '../lib/observe.js';
import { safe } from '../lib/safe.js';
import { blockingScripts } from './blockingScripts.js';

/**
 * Long tasks (`longtask`: > 50 ms on the main thread) and long animation frames
 * (`long-animation-frame`, Chromium 123+, which also catch rendering work), reported as kinds
 * `longtask` and `loaf`, a frame with the scripts that blocked it. Browsers without them report
 * nothing. Returns the disconnect function.
 */
export const observeLongTasks = (
  report: (kind: LongTaskKind, duration: number, scripts?: BlockingScript[]) => void,
) =>
  observe(['longtask', 'long-animation-frame'], (entry) =>
    entry.entryType == 'longtask'
      ? report('longtask', entry.duration)
      : // A script the SDK cannot read costs the frame its scripts, never the frame itself.
        report(
          'loaf',
          entry.duration,
          safe(blockingScripts)(entry as PerformanceLongAnimationFrameTiming),
        ),
  );
