/**
 * Which long animation frames and long tasks a script is to blame for, from what the page's
 * `long-animation-frame` and `longtask` observers saw.
 *
 * A LoAF entry lists every script that ran 5 ms or more in the frame, with its time. A script
 * made a frame long when the frame reached 50 ms only because of it: without the script's time
 * the frame would have stayed under 50 ms. A long task overlapping such a frame is one the script
 * caused. A frame that would have been long anyway is the page's, not the script's.
 */

/** A script that ran in a long animation frame, as the LoAF entry reports it (times in ms). */
export interface FrameScript {
  url: string;
  duration: number;
  /** What ran it: `DOMWindow.onload`, `Response.json.then`, `TimerHandler:setTimeout`... */
  invoker: string;
  invokerType: string;
  sourceFunctionName: string;
  /** Character offset in the script of the function that ran. */
  sourceCharPosition: number;
  forcedStyleAndLayoutDuration: number;
}

/** A long animation frame (LoAF entry): when it started, how long it took, what ran in it. */
export interface LongFrame {
  startTime: number;
  duration: number;
  scripts: FrameScript[];
}

/** A Long Tasks API entry (ms). */
export interface LongTask {
  startTime: number;
  duration: number;
}

/** A task or animation frame this long or longer is "long" (Long Tasks API, LoAF). */
export const LONG_MS = 50;

/** What the scripts whose URL contains `blame` are to blame for. */
export interface Blame {
  /** Frames those scripts made long. */
  frames: LongFrame[];
  /** Durations of the long tasks overlapping those frames (ms). */
  longTasks: number[];
  /** Most time those scripts ran within any one long animation frame (ms). */
  maxInFrame: number;
}

export function blameOf(frames: LongFrame[], longTasks: LongTask[], blame: string): Blame {
  const own = (frame: LongFrame) =>
    frame.scripts.filter((s) => s.url.includes(blame)).reduce((sum, s) => sum + s.duration, 0);
  const blamed = frames.filter((f) => own(f) > 0 && f.duration - own(f) < LONG_MS);
  const overlaps = (t: LongTask, f: LongFrame) =>
    t.startTime < f.startTime + f.duration && f.startTime < t.startTime + t.duration;
  return {
    frames: blamed,
    longTasks: longTasks.filter((t) => blamed.some((f) => overlaps(t, f))).map((t) => t.duration),
    maxInFrame: Math.max(0, ...frames.map(own)),
  };
}
