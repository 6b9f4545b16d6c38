import { describe, expect, it } from 'vitest';
import { blameOf, type FrameScript, type LongFrame } from './frameBlame.js';

const script = (url: string, duration: number): FrameScript => ({
  url,
  duration,
  invoker: url,
  invokerType: 'classic-script',
  sourceFunctionName: '',
  sourceCharPosition: 0,
  forcedStyleAndLayoutDuration: 0,
});

const frame = (startTime: number, duration: number, ...scripts: FrameScript[]): LongFrame => ({
  startTime,
  duration,
  scripts,
});

const PULSE = 'http://127.0.0.1:8080/pulse.js';
const PAGE = 'http://127.0.0.1:8080/app.js';

describe('blameOf', () => {
  it('blames a frame that reached 50 ms only because of the script', () => {
    // 55 ms with 8 ms of pulse.js: 47 ms without it.
    const made = frame(100, 55, script(PULSE, 8), script(PAGE, 30));
    const blame = blameOf([made], [], '/pulse.js');
    expect(blame.frames).toEqual([made]);
    expect(blame.maxInFrame).toBe(8);
  });

  it('leaves a frame that would have been long without the script to the page', () => {
    // 90 ms with 8 ms of pulse.js: still 82 ms without it.
    const blame = blameOf([frame(100, 90, script(PULSE, 8), script(PAGE, 70))], [], '/pulse.js');
    expect(blame.frames).toEqual([]);
    expect(blame.maxInFrame).toBe(8);
  });

  it('adds up every run of the script in one frame', () => {
    // Two runs of 5 ms: 58 ms becomes 48 ms without them.
    const made = frame(0, 58, script(PULSE, 5), script(PAGE, 20), script(PULSE, 5));
    expect(blameOf([made], [], '/pulse.js').frames).toEqual([made]);
    expect(blameOf([made], [], '/pulse.js').maxInFrame).toBe(10);
  });

  it('never blames a frame the script did not run in', () => {
    const blame = blameOf(
      [frame(0, 51, script(PAGE, 40))],
      [{ startTime: 0, duration: 51 }],
      '/pulse.js',
    );
    expect(blame).toEqual({ frames: [], longTasks: [], maxInFrame: 0 });
  });

  it('counts the long tasks that overlap a blamed frame, and only those', () => {
    const made = frame(1000, 60, script(PULSE, 20));
    const other = frame(3000, 120, script(PAGE, 100));
    const blame = blameOf(
      [made, other],
      [
        { startTime: 1010, duration: 52 }, // inside the blamed frame
        { startTime: 950, duration: 51 }, // ends 1 ms into it
        { startTime: 1060, duration: 70 }, // starts where it ends: no overlap
        { startTime: 3000, duration: 110 }, // in the page's own long frame
      ],
      '/pulse.js',
    );
    expect(blame.frames).toEqual([made]);
    expect(blame.longTasks).toEqual([52, 51]);
  });
});
