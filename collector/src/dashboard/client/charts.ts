/// <reference lib="dom" />
/**
 * The dashboard's charts, drawn with uPlot (about 50 KB, canvas, no dependencies). uPlot is
 * loaded by a classic script tag before this module, so it is read from the global scope here.
 */
import type UPlot from 'uplot';
import type { ScoreSummary } from '../summarySchema.js';

const uPlot = (globalThis as unknown as { uPlot: typeof UPlot }).uPlot;

const COLOURS = {
  good: '#0c8a4a',
  'needs-improvement': '#e8a200',
  poor: '#e0382f',
  line: '#2f6fd6',
  second: '#8a4fd6',
  grid: '#e6e9ed',
  axis: '#5c6670',
};

/** A chart whose data can be replaced; it follows its container's width. */
export interface LiveChart {
  setData(data: UPlot.AlignedData): void;
}

/**
 * Charts waiting to be redrawn. One chart is drawn per animation frame, so a poll that changes
 * every chart still never makes one long task of all the redraws together.
 */
const pendingDraws = new Map<UPlot, UPlot.AlignedData>();
let drawFrame = 0;
function drawNext(): void {
  drawFrame = 0;
  const next = pendingDraws.entries().next();
  if (next.done === true) return;
  const [plot, data] = next.value;
  pendingDraws.delete(plot);
  plot.setData(data);
  if (pendingDraws.size > 0) drawFrame = requestAnimationFrame(drawNext);
}

/** Creates a uPlot inside `container` and keeps it as wide as the container. */
function liveChart(container: HTMLElement, options: Omit<UPlot.Options, 'width' | 'height'>) {
  // Height is fixed per screen size; the legend sits below the canvas, outside this height.
  const size = () => ({
    width: Math.max(container.clientWidth, 200),
    height: window.innerWidth < 640 ? 140 : 170,
  });
  const empty = options.series.map(() => []) as unknown as UPlot.AlignedData;
  const plot = new uPlot({ ...size(), ...options }, empty, container);
  let pending = 0;
  // Resizing re-draws the canvas: once per frame at most, however many resize events arrive.
  new ResizeObserver(() => {
    if (pending !== 0) return;
    pending = requestAnimationFrame(() => {
      pending = 0;
      plot.setSize(size());
    });
  }).observe(container);
  let last = '';
  return {
    setData(data: UPlot.AlignedData) {
      // Polls often return the same history; redrawing it would be wasted main-thread time.
      const signature = JSON.stringify(data);
      if (signature === last) return;
      last = signature;
      pendingDraws.set(plot, data);
      if (drawFrame === 0) drawFrame = requestAnimationFrame(drawNext);
    },
  } satisfies LiveChart;
}

const twoDigits = (n: number) => String(n).padStart(2, '0');
/**
 * Clock labels without uPlot's second line of dates: "14:05" on whole minutes, ":30" between, and
 * the day at midnight ("Tue 9"), which the 24 h and 7 d ranges cross.
 */
const clockLabel = (seconds: number) => {
  const at = new Date(seconds * 1000);
  if (at.getHours() === 0 && at.getMinutes() === 0 && at.getSeconds() === 0) {
    return `${at.toLocaleDateString(undefined, { weekday: 'short' })} ${at.getDate()}`;
  }
  return at.getSeconds() === 0
    ? `${twoDigits(at.getHours())}:${twoDigits(at.getMinutes())}`
    : `:${twoDigits(at.getSeconds())}`;
};

const axes = (
  xValues?: (value: number) => string,
  yValues?: (value: number) => string,
): UPlot.Axis[] => [
  {
    stroke: COLOURS.axis,
    grid: { stroke: COLOURS.grid, width: 1 },
    ticks: { show: false },
    ...(xValues === undefined ? {} : { values: (_plot, ticks) => ticks.map(xValues) }),
  },
  {
    stroke: COLOURS.axis,
    grid: { stroke: COLOURS.grid, width: 1 },
    ticks: { show: false },
    size: 44,
    ...(yValues === undefined ? {} : { values: (_plot, ticks) => ticks.map(yValues) }),
  },
];

/** One line per series over time; `t` is unix seconds. */
export function timeChart(
  container: HTMLElement,
  lines: ReadonlyArray<{ label: string; colour?: string; value?: (v: number) => string }>,
  range?: [number, number],
): LiveChart {
  return liveChart(container, {
    series: [
      {},
      ...lines.map((line, i) => ({
        label: line.label,
        stroke: line.colour ?? (i === 0 ? COLOURS.line : COLOURS.second),
        width: 2,
        spanGaps: false,
        points: { show: false },
        value: (_plot: UPlot, v: number | null) =>
          v === null ? '–' : (line.value?.(v) ?? v.toFixed(1)),
      })),
    ],
    scales: {
      x: { time: true },
      y:
        range === undefined
          ? { range: (_plot, _min, max) => [0, max > 0 ? max * 1.1 : 1] }
          : { range },
    },
    axes: axes(clockLabel),
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false } },
  });
}

/** Page or connection score distribution: one bar per band, coloured good / NI / poor. */
export function scoreBars(container: HTMLElement): { update(score: ScoreSummary): void } {
  const bands = [
    ['poor', 'Poor (≤ 50)'],
    ['needs-improvement', 'Needs improvement'],
    ['good', 'Good (> 90)'],
  ] as const;
  const chart = liveChart(container, {
    series: [
      { label: 'Score' },
      ...bands.map(([band, label]) => ({
        label,
        fill: COLOURS[band],
        stroke: COLOURS[band],
        width: 0,
        paths: uPlot.paths.bars!({ size: [0.85, 80] }),
        points: { show: false },
      })),
    ],
    scales: {
      x: { time: false, range: [0, 100] },
      y: { range: (_plot, _min, max) => [0, Math.max(max, 1) * 1.1] },
    },
    axes: axes(undefined, (v) => (Number.isInteger(v) ? String(v) : '')),
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false } },
  });
  return {
    update(score) {
      const mids = score.buckets.map((bucket) => (bucket.from + bucket.to) / 2);
      const bandOf = (to: number) => (to <= 50 ? 'poor' : to <= 90 ? 'needs-improvement' : 'good');
      chart.setData([
        mids,
        ...bands.map(([band]) =>
          score.buckets.map((bucket) => (bandOf(bucket.to) === band ? bucket.count : null)),
        ),
      ] as UPlot.AlignedData);
    },
  };
}
