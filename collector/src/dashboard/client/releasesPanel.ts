/// <reference lib="dom" />
/**
 * The "Releases" section, from `GET /api/v1/releases`: the app's newest release beside the one
 * before it, each figure with the page views behind it and the change, coloured by whether it
 * got worse or better.
 */
import type { ReleaseComparison, ReleaseFigures } from '../../diagnosis/releaseComparison.js';
import { element, table } from './elements.js';
import { formatCount, formatScore, formatVital } from './format.js';

const VITALS = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'] as const;
const DASH = '–';

/** Which way is better: a score goes up, a duration or an error rate goes down. */
type Better = 'higher' | 'lower';

interface FigureRow {
  label: string;
  value: (release: ReleaseFigures) => number | null;
  format: (value: number) => string;
  /** The page views a figure is computed over, shown under it. */
  over: (release: ReleaseFigures) => string;
  delta: number | null;
  better: Better;
}

const errorRate = (rate: number) => `${rate.toFixed(2)} / view`;

/** "+2.10 s", "−12": the change with its sign, in the figure's own unit. */
function signed(delta: number, format: (value: number) => string): string {
  return `${delta > 0 ? '+' : delta < 0 ? '−' : '±'}${format(Math.abs(delta))}`;
}

/** `worse`, `better`, or '' for no change (or nothing to compare). */
export function direction(delta: number | null, better: Better): 'worse' | 'better' | '' {
  if (delta === null || delta === 0) return '';
  return delta > 0 === (better === 'higher') ? 'better' : 'worse';
}

function rows(comparison: ReleaseComparison): FigureRow[] {
  const { delta } = comparison;
  const views = (release: ReleaseFigures) => `${formatCount(release.pageViews)} page views`;
  return [
    {
      label: 'Score (mean)',
      value: (release) => release.score,
      format: formatScore,
      over: (release) => `${formatCount(release.scored)} scored`,
      delta: delta?.score ?? null,
      better: 'higher',
    },
    ...VITALS.map((metric): FigureRow => ({
      label: `${metric} p75`,
      value: (release) => release.p75[metric],
      format: (value) => formatVital(metric, value),
      over: views,
      delta: delta?.p75[metric] ?? null,
      better: 'lower',
    })),
    {
      label: 'JS errors',
      value: (release) => release.errorRate,
      format: errorRate,
      over: (release) => `${formatCount(release.errors)} in ${views(release)}`,
      delta: delta?.errorRate ?? null,
      better: 'lower',
    },
  ];
}

function cell(release: ReleaseFigures | null, row: FigureRow): HTMLElement {
  if (release === null) return element('span', '', DASH);
  const value = row.value(release);
  return element(
    'span',
    '',
    value === null ? DASH : row.format(value),
    element('small', 'detail', row.over(release)),
  );
}

export function releasesContent(comparison: ReleaseComparison): HTMLElement[] {
  const { newest, previous } = comparison;
  if (newest === null) {
    return [
      element(
        'p',
        'detail',
        'No release reported yet: set data-release on the script tag, or release in init().',
      ),
    ];
  }
  if (previous === null) {
    // Nothing to compare with yet: the one release's figures, without empty columns.
    const body = rows(comparison).map((row) => [row.label, cell(newest, row)]);
    return [
      element('p', 'detail', `${newest.release} is the only release seen so far.`),
      table('releases', ['', newest.release], body),
    ];
  }
  const body = rows(comparison).map((row) => {
    const change = element(
      'span',
      `delta ${direction(row.delta, row.better)}`.trim(),
      row.delta === null ? DASH : signed(row.delta, row.format),
    );
    return [row.label, cell(previous, row), cell(newest, row), change];
  });
  const summary = `${newest.release} (${formatCount(newest.pageViews)} page views) against ${previous.release} (${formatCount(previous.pageViews)}).`;
  return [
    element('p', 'detail', summary),
    table('releases', ['', previous.release, newest.release, 'Change'], body),
  ];
}
