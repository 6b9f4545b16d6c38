import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { join } from 'node:path';
import { launchChromium } from '../chromium.js';
import { fmt, ratio, signed, table, verdict } from '../markdown.js';
import { startPageServer } from '../page/pageServer.js';
import { testPage } from '../page/testPage.js';
import type { LongFrame } from '../page/frameBlame.js';
import { DWELL_MS, pageRun, type PageRun } from '../page/pageRun.js';
import { BUNDLES_DIR, SDK_DIST } from '../paths.js';
import { scriptSelfTime } from '../profile/selfTime.js';
import type { Goal, Section } from '../section.js';
import { bundleEntry } from '../size/bundleEntry.js';
import { median } from '../stats.js';

/**
 * The variants of the same page: no RUM, Pulse by script tag, Faro's bundle from section 1, and
 * web-vitals alone (section 1's bundle) to show which part of Pulse's cost is web-vitals' own.
 */
const VARIANTS = {
  none: '',
  pulse: '<script src="/pulse.js" data-app="bench" defer></script>',
  faro: '<script src="/faro.js" defer></script>',
  webVitals: '<script src="/web-vitals.js" defer></script>',
} as const;
type Variant = keyof typeof VARIANTS;
const ORDER: Variant[] = ['none', 'pulse', 'faro', 'webVitals'];
const LABEL: Record<Variant, string> = {
  none: 'no RUM',
  pulse: 'Pulse (`/pulse.js`)',
  faro: 'Faro (bundle from section 1)',
  webVitals: 'web-vitals alone (bundle from section 1)',
};
const BLAME: Record<Variant, string> = {
  none: '\0',
  pulse: '/pulse.js',
  faro: '/faro.js',
  webVitals: '/web-vitals.js',
};
/** Extra Pulse visits under the profiler, whose self times are averaged. */
const PROFILED_VISITS = 3;
const BEACON_PATH: Record<Variant, string> = {
  none: '',
  pulse: '/v1/rum',
  faro: '/collect',
  webVitals: '/analytics',
};

/** Main-thread CPU time and long tasks of the same page with no RUM, with Pulse and with Faro. */
export const mainThreadSection: Section = {
  id: 'main-thread',
  title: '2. SDK main-thread cost in Chromium',
  async run({ pageRuns }) {
    for (const bundle of ['faro', 'web-vitals']) {
      if (!existsSync(join(BUNDLES_DIR, `${bundle}.js`))) await bundleEntry(bundle);
    }
    const pages = Object.fromEntries(ORDER.map((v) => [v, testPage(VARIANTS[v])]));
    const server = await startPageServer(pages, {
      '/pulse.js': join(SDK_DIST, 'pulse.js'),
      '/faro.js': join(BUNDLES_DIR, 'faro.js'),
      '/web-vitals.js': join(BUNDLES_DIR, 'web-vitals.js'),
    });
    const browser = await launchChromium();
    const runs = Object.fromEntries(ORDER.map((v) => [v, [] as PageRun[]])) as Record<
      Variant,
      PageRun[]
    >;
    const beacons = Object.fromEntries(ORDER.map((v) => [v, [] as number[]])) as Record<
      Variant,
      number[]
    >;
    const profiled: PageRun[] = [];
    try {
      // A first visit warms the browser process up; it is not counted.
      await pageRun(browser, `${server.origin}/none.html`, BLAME.none);
      for (let i = 0; i < pageRuns; i++) {
        // Interleaved, and the order rotates each round, so drift in the machine's load
        // spreads over every variant instead of landing on one.
        for (let j = 0; j < ORDER.length; j++) {
          const variant = ORDER[(i + j) % ORDER.length]!;
          const before = server.beacons.get(BEACON_PATH[variant]) ?? 0;
          runs[variant].push(
            await pageRun(browser, `${server.origin}/${variant}.html`, BLAME[variant]),
          );
          beacons[variant].push((server.beacons.get(BEACON_PATH[variant]) ?? 0) - before);
        }
      }
      // More Pulse visits under the sampling profiler, kept out of the figures above (profiling
      // slows the page): they show where Pulse's time goes. One sampled visit is noisy, so several.
      for (let i = 0; i < PROFILED_VISITS; i++) {
        profiled.push(
          await pageRun(browser, `${server.origin}/pulse.html`, BLAME.pulse, { profile: true }),
        );
      }
    } finally {
      await browser.close();
      await server.close();
    }

    const stat = (v: Variant) => ({
      script: median(runs[v].map((r) => r.scriptMs)),
      scriptMin: Math.min(...runs[v].map((r) => r.scriptMs)),
      scriptMax: Math.max(...runs[v].map((r) => r.scriptMs)),
      task: median(runs[v].map((r) => r.taskMs)),
      longTasks: runs[v].reduce((n, r) => n + r.longTasks.length, 0),
      maxLongTask: Math.max(0, ...runs[v].flatMap((r) => r.longTasks)),
      blamed: runs[v].reduce((n, r) => n + r.blamed.frames.length, 0),
      blamedLongTasks: runs[v].reduce((n, r) => n + r.blamed.longTasks.length, 0),
      maxInFrame: Math.max(0, ...runs[v].map((r) => r.blamed.maxInFrame)),
      beacons: median(beacons[v]),
    });
    const s = Object.fromEntries(ORDER.map((v) => [v, stat(v)])) as Record<
      Variant,
      ReturnType<typeof stat>
    >;
    const added = (v: Variant, k: 'script' | 'task') => s[v][k] - s.none[k];

    if (s.pulse.beacons < 1) throw new Error('Pulse sent no beacon: the page did not run it');
    if (s.faro.beacons < 1) throw new Error('Faro sent nothing: the page did not run it');

    const goals: Goal[] = [
      {
        name: 'Pulse adds under 1/4 of the scripting time Faro adds',
        met: added('pulse', 'script') < added('faro', 'script') / 4,
        // Three digits and the threshold itself: a ratio near 0.25 must not read as met.
        detail: `${signed(added('pulse', 'script'), 2)} ms vs ${signed(added('faro', 'script'), 2)} ms (${ratio(added('pulse', 'script') / added('faro', 'script'), 3)}; 1/4 of Faro's is ${signed(added('faro', 'script') / 4, 2)} ms)`,
      },
      {
        name: 'Pulse never causes a long task',
        // A long animation frame lists the scripts that ran in it for 5 ms or more, with their
        // time: Pulse made a frame long when, without pulse.js's time in it, it would be short;
        // a long task inside such a frame is one Pulse caused.
        met: s.pulse.blamedLongTasks === 0,
        detail: `${s.pulse.blamedLongTasks} long tasks caused by pulse.js in ${pageRuns} visits (${s.pulse.longTasks} long tasks in all vs ${s.none.longTasks} without RUM); ${s.pulse.blamed} animation frames made long by pulse.js, at most ${fmt(s.pulse.maxInFrame, 1)} ms of pulse.js in one long frame`,
      },
    ];

    const rows = ORDER.map((v) => [
      LABEL[v],
      fmt(s[v].script, 1),
      `${fmt(s[v].scriptMin, 1)}–${fmt(s[v].scriptMax, 1)}`,
      v === 'none' ? '' : signed(added(v, 'script')),
      fmt(s[v].task, 1),
      v === 'none' ? '' : signed(added(v, 'task')),
      `${s[v].longTasks} (max ${fmt(s[v].maxLongTask)} ms)${v === 'none' ? '' : `, ${s[v].blamedLongTasks} caused`}`,
      v === 'none'
        ? ''
        : `${s[v].blamed} (its longest run in a long frame: ${fmt(s[v].maxInFrame, 1)} ms)`,
      fmt(s[v].beacons),
    ]);
    const body = [
      `The same page (300 product cards, an SVG hero as LCP element, a sort button) served from 127.0.0.1 in four variants: no RUM, Pulse by script tag, Faro (its IIFE bundle from section 1, default web instrumentations), and web-vitals alone (section 1's bundle) for reference. Each visit runs in a fresh browser context (cold cache): load, three clicks on the sort button, a scroll, ${DWELL_MS / 1000} s dwell (past Pulse's 5 s flush timer), then the page is hidden (visibilityState \`hidden\`, \`visibilitychange\`, \`pagehide\`: headless Chromium never hides a page itself). ${pageRuns} visits per variant, interleaved with the order rotating each round, after one uncounted warm-up visit; medians (one visit's script time varies by about a millisecond either way, so fewer visits move the median by a good part of the goal's margin; the range over all visits is shown). CPU time of the renderer main thread from CDP \`Performance.getMetrics\` with \`timeDomain: threadTicks\` (ScriptDuration, TaskDuration); long tasks from a \`longtask\` PerformanceObserver; long animation frames (\`long-animation-frame\`) list every script that ran 5 ms or more in them with its time, and a frame counts as made long by the RUM script when it would have stayed under 50 ms without that script's time; a long task overlapping such a frame counts as caused by it.`,
      '',
      table(
        [
          'variant',
          ' script ms',
          ' script ms, all visits',
          ' added',
          ' all tasks ms',
          ' added',
          ' long tasks (all visits)',
          ' frames the RUM script made long',
          ' beacons per visit',
        ],
        rows,
      ),
      '',
      table(
        ['goal', 'verdict', 'figures'],
        goals.map((g) => [g.name, verdict(g.met), g.detail]),
      ),
      '',
      await profileTable(
        profiled,
        goals.some((g) => !g.met),
      ),
      '',
      await blamedFramesTable(
        runs.pulse.flatMap((r) => r.blamed.frames),
        !goals[1]!.met,
      ),
    ].join('\n');
    return { goals, body, data: { s, beacons } };
  },
};

/** Where Pulse's main-thread time goes, from the profiled visits, mapped through pulse.js.map. */
async function profileTable(runs: PageRun[], missed: boolean): Promise<string> {
  if (runs.length === 0) return '';
  const map = JSON.parse(await readFile(join(SDK_DIST, 'pulse.js.map'), 'utf8')) as unknown;
  const totals = new Map<string, number>();
  for (const run of runs) {
    for (const spot of scriptSelfTime(run.profile!, '/pulse.js', map)) {
      totals.set(spot.where, (totals.get(spot.where) ?? 0) + spot.ms / runs.length);
    }
  }
  const spots = [...totals].map(([where, ms]) => ({ where, ms })).sort((a, b) => b.ms - a.ms);
  const total = spots.reduce((sum, s) => sum + s.ms, 0);
  return [
    `### Profile of a Pulse visit${missed ? ' (why a goal is missed)' : ''}`,
    '',
    `${runs.length} extra Pulse visits under the CDP sampling profiler (100 µs), not counted above; the profiler itself slows the page, so shares matter more than milliseconds. Samples count wall time, not CPU: a function waiting on a synchronous browser round trip (the first sessionStorage read, the first fetch) shows here with time the CPU figures above do not count. Self time in pulse.js per visit (mean): ${fmt(total, 1)} ms, by original source line of the function (via pulse.js.map; a function lazily compiled at its first call includes that compile), top 12:`,
    '',
    table(
      ['function at', ' self ms'],
      spots.slice(0, 12).map((s) => [s.where, fmt(s.ms, 2)]),
    ),
  ].join('\n');
}

/**
 * The long animation frames Pulse made long, each with the pulse.js scripts that ran in it: what
 * invoked them and where in the source they start (LoAF character position, via pulse.js.map).
 */
async function blamedFramesTable(frames: LongFrame[], missed: boolean): Promise<string> {
  if (frames.length === 0) return '';
  const code = await readFile(join(SDK_DIST, 'pulse.js'), 'utf8');
  const map = new SourceMap(
    JSON.parse(await readFile(join(SDK_DIST, 'pulse.js.map'), 'utf8')) as SourceMapPayload,
  );
  const source = (position: number) => {
    if (position < 0) return '';
    const before = code.slice(0, position);
    const line = before.split('\n').length - 1;
    const entry = map.findEntry(line, position - (before.lastIndexOf('\n') + 1));
    if (position === 0) return 'top level (script evaluation)';
    return 'originalSource' in entry && entry.originalSource
      ? `${entry.originalSource.replace(/^(\.\.\/)+/, '')}:${entry.originalLine + 1}`
      : `char ${position}`;
  };
  const rows = frames.flatMap((frame) =>
    frame.scripts
      .filter((s) => s.url.includes('/pulse.js'))
      .map((s) => [
        fmt(frame.startTime),
        fmt(frame.duration, 1),
        fmt(s.duration, 1),
        `${s.invokerType}: \`${s.invoker}\``,
        source(s.sourceCharPosition),
        fmt(s.forcedStyleAndLayoutDuration, 1),
      ]),
  );
  return [
    `### Frames Pulse made long${missed ? ' (why the long-task goal is missed)' : ''}`,
    '',
    "Every long animation frame of the measured Pulse visits that would have stayed under 50 ms without pulse.js, with the pulse.js entry points that ran in it (from the LoAF entry's script attribution):",
    '',
    table(
      [
        ' frame start ms',
        ' frame ms',
        ' pulse.js ms',
        'invoked by',
        'function at',
        ' forced layout ms',
      ],
      rows,
    ),
  ].join('\n');
}
