/**
 * windowIncrease() (collector/src/dashboard/windowIncrease.ts) is the count over a window that the
 * built-in dashboard, the recording and alert rules and the Grafana panels all use. This evaluates
 * what it builds with Prometheus' own engine (promtool's rule unit tests, no server needed) on the
 * cases a fleet meets: a series alive before the window, one born in it, one that went away in
 * it, a window holding a single sample, and a replica restarting inside the window or between the
 * last sample before it and the first in it. Samples are a minute apart and the evaluation half a
 * minute after one, as a real Prometheus' scrapes and evaluations are not aligned.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { windowIncrease } from '../../collector/dist/esm/dashboard/windowIncrease.js';
import { runTool } from '../helpers/runTool.js';

interface Case {
  name: string;
  /** promtool's expanding notation, one sample a minute from 0. */
  values: string;
  window: number;
  /** At 10m30s unless said. */
  evalTime?: string;
  /** What the counter grew by in the window, from its samples. */
  expected: number;
}

const CASES: Case[] = [
  // 50 at 5m, 100 at 10m.
  { name: 'alive', values: '0+10x15', window: 300, expected: 50 },
  // Born at 8m (1), 3 at 10m: counted from zero.
  { name: 'born', values: '_ _ _ _ _ _ _ _ 1 2 3', window: 300, expected: 3 },
  // Last sample at 7m (70), 50 before the window.
  { name: 'gone', values: '0+10x7 stale', window: 300, expected: 20 },
  // One sample in the window (100 at 10m), 90 at 9m before it.
  { name: 'single', values: '0+10x15', window: 60, expected: 10 },
  // Restarted between 5m (50) and 6m (2): 10 at 10m, counted from zero.
  { name: 'restart-at-start', values: '0+10x5 2+2x10', window: 300, expected: 10 },
  // The same with the new process past the old one's last value: 14 at 10m, not 14 - 5.
  { name: 'restart-at-start-higher', values: '0+1x5 2+3x10', window: 300, expected: 14 },
  // Restarted inside the window: 60 at 6m, 70 at 7m, 1 at 8m, 3 at 10m. Counted by PromQL's
  // increase() (13 over the samples' 4 minutes, extrapolated by half a minute at each end), the
  // one branch where the engines still differ (docs/SCALING.md, "Query engines").
  { name: 'restart-inside', values: '0+10x7 1+1x5', window: 300, expected: 16.25 },
  // The same with a single sample in the window: 2 at 6m.
  {
    name: 'restart-single',
    values: '0+10x5 2+2x10',
    window: 60,
    evalTime: '6m30s',
    expected: 2,
  },
];

function promtoolTest(): string {
  const series = CASES.map(
    (one) =>
      `      - series: 'x{case="${one.name}",instance="a"}'\n        values: '${one.values}'`,
  );
  const expressions = CASES.map(
    (one) =>
      `      - expr: '${windowIncrease(`x{case="${one.name}"}`, one.window, ['case'])}'\n` +
      `        eval_time: ${one.evalTime ?? '10m30s'}\n` +
      `        exp_samples:\n` +
      `          - labels: '{case="${one.name}"}'\n` +
      `            value: ${one.expected}`,
  );
  // Two replicas of one app, one restarting at the window's start: the app's count is the sum of
  // each replica's own (50 + 10), not a difference of sums across the restart.
  const fleet =
    `      - series: 'y{app="shop",instance="a"}'\n        values: '0+10x15'\n` +
    `      - series: 'y{app="shop",instance="b"}'\n        values: '0+10x5 2+2x10'`;
  const fleetExpression =
    `      - expr: '${windowIncrease('y', 300, ['app'])}'\n` +
    `        eval_time: 10m30s\n` +
    `        exp_samples:\n` +
    `          - labels: '{app="shop"}'\n` +
    `            value: 60`;
  return [
    'evaluation_interval: 1m',
    'tests:',
    '  - interval: 1m',
    '    input_series:',
    ...series,
    fleet,
    '    promql_expr_test:',
    ...expressions,
    fleetExpression,
    '',
  ].join('\n');
}

describe('windowIncrease() in Prometheus', () => {
  let directory: string | undefined;
  afterAll(async () => {
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  });

  it('counts what the counters grew by, a restart at the window start included', async () => {
    directory = await mkdtemp(join(tmpdir(), 'pulse-window-increase-'));
    const file = join(directory, 'window-increase.test.yml');
    await writeFile(file, promtoolTest());
    const run = await runTool('promtool', ['test', 'rules', file]);
    expect(run.output).toContain('SUCCESS');
    expect(run.code).toBe(0);
  });
});
