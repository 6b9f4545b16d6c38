import type { Browser } from 'playwright-core';
import type { CpuProfile } from '../profile/selfTime.js';
import { blameOf, type Blame, type LongFrame, type LongTask } from './frameBlame.js';

/** What one page load cost the main thread, from CDP and the page's own observers. */
export interface PageRun {
  /** CDP Performance.getMetrics ScriptDuration, in ms of main-thread CPU time. */
  scriptMs: number;
  /** CDP TaskDuration: every main-thread task, in ms of CPU time. */
  taskMs: number;
  /** Durations of the Long Tasks API entries the page observed (ms). */
  longTasks: number[];
  /** The long frames and long tasks the scripts whose URL contains `blame` are to blame for. */
  blamed: Blame;
  /** A sampled CPU profile of the whole visit, when asked for. */
  profile?: CpuProfile;
}

/** Records long tasks and long animation frames from the very start of the page. */
const OBSERVERS = `
  window.__bench = { longTasks: [], frames: [] };
  new PerformanceObserver((list) => list.getEntries().forEach((e) => __bench.longTasks.push({ startTime: e.startTime, duration: e.duration })))
    .observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => list.getEntries().forEach((e) => __bench.frames.push({
    startTime: e.startTime,
    duration: e.duration,
    scripts: (e.scripts || []).map((s) => ({
      url: s.sourceURL || s.invoker || '',
      duration: s.duration,
      invoker: s.invoker,
      invokerType: s.invokerType,
      sourceFunctionName: s.sourceFunctionName,
      sourceCharPosition: s.sourceCharPosition,
      forcedStyleAndLayoutDuration: s.forcedStyleAndLayoutDuration,
    })) })))
    .observe({ type: 'long-animation-frame', buffered: true });
`;

/**
 * Headless Chromium keeps pages visible, so the end of the visit is signalled the way the page
 * sees it when the tab is hidden: visibilityState becomes `hidden`, then `visibilitychange` and
 * `pagehide` fire. This is what makes RUM scripts send their final beacon.
 */
const HIDE = () => {
  Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
  Object.defineProperty(document, 'hidden', { value: true, configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
  window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }));
};

/** How long a visit lasts after load: past Pulse's 5 s flush timer, so its timed batch counts. */
export const DWELL_MS = 6000;

/**
 * One visit in a fresh browser context (cold cache, as a first visit): load, three clicks on the
 * sort button and a scroll, dwell, hide; then read the main thread's CPU time from CDP.
 */
export async function pageRun(
  browser: Browser,
  url: string,
  blame: string,
  { profile = false } = {},
): Promise<PageRun> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.addInitScript(OBSERVERS);
    const cdp = await context.newCDPSession(page);
    // threadTicks: CPU time of the renderer's main thread, not wall time, which the other
    // processes on a two-core machine would inflate.
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    if (profile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
    }
    const loaded = Date.now();
    await page.goto(url, { waitUntil: 'load' });
    for (let i = 0; i < 3; i++) {
      await page.waitForTimeout(800);
      await page.click('#sort');
    }
    await page.mouse.wheel(0, 800);
    await page.waitForTimeout(Math.max(0, DWELL_MS - (Date.now() - loaded)));
    await page.evaluate(HIDE);
    await page.waitForTimeout(500);
    const { metrics } = await cdp.send('Performance.getMetrics');
    const cpuProfile = profile ? (await cdp.send('Profiler.stop')).profile : undefined;
    const metric = (name: string) => (metrics.find((m) => m.name === name)?.value ?? NaN) * 1000;
    const seen = (await page.evaluate('window.__bench')) as {
      longTasks: LongTask[];
      frames: LongFrame[];
    };
    return {
      scriptMs: metric('ScriptDuration'),
      taskMs: metric('TaskDuration'),
      longTasks: seen.longTasks.map((t) => t.duration),
      blamed: blameOf(seen.frames, seen.longTasks, blame),
      profile: cpuProfile,
    };
  } finally {
    await context.close();
  }
}
