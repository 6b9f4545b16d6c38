/**
 * The dashboard's p75s must be the numbers Prometheus computes from the same buckets, or a
 * reader comparing it with Grafana would rightly stop trusting one of them. This replays a few
 * hundred generated histograms through PromQL's own `histogram_quantile` (promtool's rule unit
 * tests, no server needed) and requires every result to equal the dashboard's.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  histogramQuantile,
  type CumulativeBucket,
} from '../../collector/dist/esm/dashboard/histogramQuantile.js';

const run = promisify(execFile);
const QUANTILES = [0, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1];

/** Finite bounds (some ≤ 0, as PromQL special-cases them) and per-bucket increments; a few
 * negative increments make torn, non-monotonic histograms that PromQL repairs. */
const histogram = fc
  .record({
    bounds: fc.uniqueArray(fc.integer({ min: -50, max: 2000 }), { minLength: 1, maxLength: 12 }),
    increments: fc.array(fc.integer({ min: -3, max: 25 }), { minLength: 13, maxLength: 13 }),
    q: fc.constantFrom(...QUANTILES),
  })
  .map(({ bounds, increments, q }) => {
    const les = [...bounds.sort((a, b) => a - b).map((bound) => bound / 100), Infinity];
    let count = 0;
    const buckets: CumulativeBucket[] = les.map((le, i) => {
      count = Math.max(0, count + increments[i]!);
      return { le, count };
    });
    return { buckets, q };
  });

const cases = fc
  .sample(histogram, { seed: 20_240_605, numRuns: 400 })
  .map((one) => ({ ...one, expected: histogramQuantile(one.q, one.buckets) }))
  // NaN (no observations) cannot be written as an expected sample; those paths have unit tests.
  .filter((one): one is typeof one & { expected: number } => one.expected !== null);

const label = (le: number) => (le === Infinity ? '+Inf' : String(le));

function promtoolTest(): string {
  const series = cases.flatMap((one, i) =>
    one.buckets.map(
      (bucket) =>
        `      - series: 'h_bucket{case="${i}",le="${label(bucket.le)}"}'\n` +
        `        values: '${bucket.count}'`,
    ),
  );
  const expressions = cases.map(
    (one, i) =>
      `      - expr: 'histogram_quantile(${one.q}, h_bucket{case="${i}"})'\n` +
      `        eval_time: 0\n` +
      `        exp_samples:\n` +
      `          - labels: '{case="${i}"}'\n` +
      `            value: ${one.expected}`,
  );
  return [
    'evaluation_interval: 1m',
    'tests:',
    '  - interval: 1m',
    '    input_series:',
    ...series,
    '    promql_expr_test:',
    ...expressions,
    '',
  ].join('\n');
}

describe('histogramQuantile equals PromQL histogram_quantile', () => {
  let directory: string | undefined;
  afterAll(async () => {
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  });

  it('on generated histograms, torn and ≤ 0 bounds included', async () => {
    expect(cases.length).toBeGreaterThan(300);
    directory = await mkdtemp(join(tmpdir(), 'pulse-quantile-'));
    const file = join(directory, 'quantiles.test.yml');
    await writeFile(file, promtoolTest());
    const result = await run('promtool', ['test', 'rules', file]).then(
      ({ stdout }) => ({ ok: true, output: stdout }),
      (error: { stdout?: string; stderr?: string }) => ({
        ok: false,
        output: `${error.stdout ?? ''}${error.stderr ?? ''}`,
      }),
    );
    expect(result.output.slice(0, 4000)).toContain('SUCCESS');
    expect(result.ok).toBe(true);
  });
});
