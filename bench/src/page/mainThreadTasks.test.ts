import { describe, expect, it } from 'vitest';
import { mainThreadTasksOf, type TraceEvent } from './mainThreadTasks.js';

const DASHBOARD = 'http://127.0.0.1:4318/dashboard';
const PAGE_PID = 200;
const OTHER_PID = 300;
const MAIN = 1;
const COMPOSITOR = 2;

const task = (pid: number, tid: number, dur: number, tdur: number, ph = 'X'): TraceEvent => ({
  name: 'RunTask',
  ph,
  pid,
  tid,
  dur,
  tdur,
});

/** A trace shaped like Chromium's: the browser's frame map, thread names, then tasks. */
const trace = (...tasks: TraceEvent[]) => ({
  traceEvents: [
    {
      name: 'TracingStartedInBrowser',
      ph: 'I',
      pid: 1,
      tid: 1,
      args: {
        data: {
          frames: [
            { processId: OTHER_PID, url: 'about:blank' },
            { processId: PAGE_PID, url: `${DASHBOARD}?app=shop` },
          ],
        },
      },
    },
    { name: 'thread_name', ph: 'M', pid: PAGE_PID, tid: COMPOSITOR, args: { name: 'Compositor' } },
    { name: 'thread_name', ph: 'M', pid: PAGE_PID, tid: MAIN, args: { name: 'CrRendererMain' } },
    { name: 'thread_name', ph: 'M', pid: OTHER_PID, tid: MAIN, args: { name: 'CrRendererMain' } },
    ...tasks,
  ],
});

describe('mainThreadTasksOf', () => {
  it("reads the page's main-thread tasks, wall and CPU time in ms", () => {
    const tasks = mainThreadTasksOf(
      trace(task(PAGE_PID, MAIN, 62_000, 6_500), task(PAGE_PID, MAIN, 1_200, 900)),
      DASHBOARD,
    );
    expect(tasks).toEqual([
      { wallMs: 62, cpuMs: 6.5 },
      { wallMs: 1.2, cpuMs: 0.9 },
    ]);
  });

  it("leaves out other threads, other renderers and events that are not a task's whole span", () => {
    const tasks = mainThreadTasksOf(
      trace(
        task(PAGE_PID, COMPOSITOR, 11_800, 600),
        task(OTHER_PID, MAIN, 90_000, 90_000),
        task(PAGE_PID, MAIN, 5_000, 4_000, 'B'),
        { name: 'FunctionCall', ph: 'X', pid: PAGE_PID, tid: MAIN, dur: 3_000, tdur: 3_000 },
        task(PAGE_PID, MAIN, 7_000, 7_000),
      ),
      DASHBOARD,
    );
    expect(tasks).toEqual([{ wallMs: 7, cpuMs: 7 }]);
  });

  it('says so when the trace holds no frame of the page or no main thread for it', () => {
    expect(() => mainThreadTasksOf(trace(), 'http://127.0.0.1:9/elsewhere')).toThrow(
      'the trace shows no frame of http://127.0.0.1:9/elsewhere',
    );
    const unnamed = trace();
    unnamed.traceEvents = unnamed.traceEvents.filter((e) => e.name !== 'thread_name');
    expect(() => mainThreadTasksOf(unnamed, DASHBOARD)).toThrow('names no main thread');
  });
});
