/**
 * Every task of a page's renderer main thread, from a Chromium trace: wall time and CPU time.
 *
 * The `longtask` API measures wall time. On a loaded two-core machine the scheduler can stretch
 * a 5 ms task past 50 ms, so a long task alone does not say whether the page did the work. The
 * trace's thread time (`tdur`) is the CPU the thread actually spent, which is the page's own cost.
 */
import type { Browser, Page } from 'playwright-core';

export interface MainThreadTask {
  wallMs: number;
  cpuMs: number;
}

export interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  tdur?: number;
  args?: {
    name?: string;
    data?: { frames?: Array<{ processId?: number; url?: string }> };
  };
}

/** Starts tracing the tasks of `page`'s renderer. Only one trace per browser at a time. */
export async function startTaskTrace(browser: Browser, page: Page): Promise<void> {
  // The category DevTools' Performance panel records: one RunTask event per task of every
  // thread, with its thread time, and the frame-to-process map (TracingStartedInBrowser).
  await browser.startTracing(page, { categories: ['disabled-by-default-devtools.timeline'] });
}

/** Stops the trace and returns the tasks of the main thread of the renderer showing `url`. */
export async function stopTaskTrace(browser: Browser, url: string): Promise<MainThreadTask[]> {
  return mainThreadTasksOf(JSON.parse((await browser.stopTracing()).toString()) as Trace, url);
}

/** A Chromium trace, as `browser.stopTracing()` returns it. */
export interface Trace {
  traceEvents: TraceEvent[];
}

/**
 * The tasks of the main thread of the renderer showing `url`: the process comes from the
 * frame-to-process map, the thread from its name, and each task is a complete (`X`) `RunTask`
 * event, its `dur` and `tdur` in microseconds.
 */
export function mainThreadTasksOf(trace: Trace, url: string): MainThreadTask[] {
  const events = trace.traceEvents;
  const frames = events.flatMap((event) =>
    event.name === 'TracingStartedInBrowser' ? (event.args?.data?.frames ?? []) : [],
  );
  const pid = frames.find((frame) => frame.url?.startsWith(url))?.processId;
  if (pid === undefined) throw new Error(`the trace shows no frame of ${url}`);
  const mainThread = events.find(
    (event) =>
      event.pid === pid && event.name === 'thread_name' && event.args?.name === 'CrRendererMain',
  )?.tid;
  if (mainThread === undefined) throw new Error(`the trace names no main thread for ${url}`);
  return events
    .filter(
      (event) =>
        event.pid === pid &&
        event.tid === mainThread &&
        event.name === 'RunTask' &&
        event.ph === 'X',
    )
    .map((event) => ({
      wallMs: (event.dur ?? 0) / 1000,
      cpuMs: (event.tdur ?? 0) / 1000,
    }));
}
