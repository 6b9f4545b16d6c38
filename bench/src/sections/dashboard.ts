import { waitForPolls } from '../../../test/helpers/dashboardPolls.js';
import { launchChromium } from '../chromium.js';
import { capBeacons, describeLoad } from '../load/capBeacons.js';
import { assertAllAccepted, fire } from '../load/fire.js';
import { timeGets } from '../load/scrape.js';
import { fmt, table } from '../markdown.js';
import { startTaskTrace, stopTaskTrace } from '../page/mainThreadTasks.js';
import type { Section } from '../section.js';
import { startChildCollector } from '../server/childServer.js';
import { median, quantile, sum } from '../stats.js';

/** Polls of the page traced; the page polls every 2 s. */
const POLLS = 15;
/** Beacons per second while the page is traced, so every poll brings new figures. */
const TRAFFIC_RATE = 20;
/** Timed summary requests from Node, after the page is closed. */
const SUMMARY_GETS = 20;
/** The Long Tasks API's threshold. */
const LONG_TASK_MS = 50;

/**
 * The built-in dashboard at its worst case: a collector holding every series the default series
 * ceiling allows,
 * the page open in Chromium while beacons keep arriving. What one poll costs the page's main
 * thread (CPU time per task from a Chromium trace) and the collector (the summary request).
 */
export const dashboardSection: Section = {
  id: 'dashboard',
  title: '7. Built-in dashboard at the caps',
  async run() {
    const bodies = capBeacons().map((beacon) => JSON.stringify(beacon));
    const collector = await startChildCollector();
    const browser = await launchChromium();
    try {
      assertAllAccepted(
        'collector',
        await fire(collector.origin, '/v1/rum', bodies, { amount: bodies.length }),
      );
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${collector.admin}/`);
      await waitForPolls(page, 1);

      const trafficSeconds = (POLLS + 2) * 2;
      const traffic = fire(collector.origin, '/v1/rum', bodies, {
        seconds: trafficSeconds,
        rate: TRAFFIC_RATE,
        connections: 2,
      });
      await startTaskTrace(browser, page);
      await collector.resetDelay();
      // Checked once a second: Playwright's default checks on every animation frame, which would
      // keep the page drawing frames and add their cost to the figures.
      const polls = await waitForPolls(page, POLLS, { timeout: POLLS * 10_000, polling: 1000 });
      const tasks = await stopTaskTrace(browser, collector.admin);
      const loopDelay = (await collector.stats()).delay;
      assertAllAccepted('collector', await traffic);
      await page.close();

      const summary = await timeGets(`${collector.admin}/api/v1/summary`, SUMMARY_GETS);
      const cpu = tasks.map((task) => task.cpuMs);
      const longest = tasks.reduce((a, b) => (b.cpuMs > a.cpuMs ? b : a));
      const longestWall = Math.max(...tasks.map((task) => task.wallMs));
      const rows: Array<[string, string]> = [
        ['polls traced', fmt(polls)],
        ['page main-thread CPU per poll (all tasks / polls)', `${fmt(sum(cpu) / polls, 1)} ms`],
        [
          'longest task, CPU time (its wall time)',
          `${fmt(longest.cpuMs, 1)} ms (${fmt(longest.wallMs, 1)} ms)`,
        ],
        ['longest task, wall time', `${fmt(longestWall, 1)} ms`],
        [
          `tasks of ${LONG_TASK_MS} ms CPU or more`,
          fmt(cpu.filter((ms) => ms >= LONG_TASK_MS).length),
        ],
        [
          `tasks of ${LONG_TASK_MS} ms wall or more (what the Long Tasks API counts)`,
          fmt(tasks.filter((task) => task.wallMs >= LONG_TASK_MS).length),
        ],
        [
          `\`GET /api/v1/summary\`, median / p95 (${SUMMARY_GETS} in a row)`,
          `${fmt(median(summary.took), 1)} / ${fmt(quantile(summary.took, 0.95), 1)} ms`,
        ],
        ['summary size', `${fmt(Buffer.byteLength(summary.text))} B`],
        [
          "collector's longest event-loop stall while the page polled",
          `${fmt(loopDelay.max, 1)} ms`,
        ],
      ];
      return {
        goals: [],
        body: [
          `A collector (child process, configured as in section 3) is filled with the ingest section's beacons: ${describeLoad()}. The dashboard is opened from the collector's admin side in Chromium at 1280×900. From its first update on, the bench records a Chromium trace (\`disabled-by-default-devtools.timeline\`) of the page's renderer main thread for ${POLLS} polls, while ${TRAFFIC_RATE} beacons/s keep arriving so that every poll brings new figures. Each task's CPU time is its thread time in the trace. Wall time is shown beside it: on two shared cores the scheduler can stretch a short task, so only CPU time says what the page itself did. Then the summary endpoint is timed from Node, ${SUMMARY_GETS} requests in a row. The collector's event-loop stall is \`monitorEventLoopDelay\`'s maximum over the traced polls, snapshots included. There is no goal for the dashboard in issue 8; these are the figures behind docs/DASHBOARD.md.`,
          table(['figure', ' value'], rows),
        ].join('\n\n'),
        data: {
          polls,
          cpuPerPollMs: sum(cpu) / polls,
          longestCpuMs: longest.cpuMs,
          longestWallMs: longestWall,
          summaryMedianMs: median(summary.took),
          summaryP95Ms: quantile(summary.took, 0.95),
          summaryBytes: Buffer.byteLength(summary.text),
          loopDelayMaxMs: loopDelay.max,
        },
      };
    } finally {
      await browser.close();
      await collector.close();
    }
  },
};
