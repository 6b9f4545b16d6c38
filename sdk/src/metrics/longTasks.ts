import type { LongTaskKind } from '../protocol.js';
import { observe } from '../lib/observe.js';

/** Entry types observed, and the kind each is reported as. */
const SOURCES: [entryType: string, kind: LongTaskKind][] = [
  ['longtask', 'longtask'],
  ['long-animation-frame', 'loaf'],
];

/**
 * Long tasks (`longtask`: > 50 ms on the main thread) and long animation frames
 * (`long-animation-frame`, Chromium 123+, which also catch rendering work). Browsers without
 * them report nothing. Returns the disconnect functions of the observers that started.
 */
export const observeLongTasks = (report: (kind: LongTaskKind, duration: number) => void) =>
  SOURCES.map(([type, kind]) =>
    observe(type, (entries) => entries.forEach((entry) => report(kind, entry.duration))),
  );
