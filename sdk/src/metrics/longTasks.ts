import type { LongTaskKind } from '../protocol.js';
import { observe } from '../lib/observe.js';

/**
 * Long tasks (`longtask`: > 50 ms on the main thread) and long animation frames
 * (`long-animation-frame`, Chromium 123+, which also catch rendering work), reported as kinds
 * `longtask` and `loaf`. Browsers without them report nothing. Returns the disconnect function.
 */
export const observeLongTasks = (report: (kind: LongTaskKind, duration: number) => void) =>
  observe(['longtask', 'long-animation-frame'], (entry) =>
    report(entry.entryType == 'longtask' ? 'longtask' : 'loaf', entry.duration),
  );
