/**
 * The Grafana dashboard's "Recording rules" panel tells a user whose Prometheus lacks the
 * recording rules (every panel reading `...:pulse_...` series would stay empty) that they are
 * missing. Its own expression, taken from pulse-overview.json, evaluated by Prometheus' own
 * engine (`promtool test rules`, `promql_expr_test`) on series as a Prometheus holds them with
 * and without the rules: 1 (Missing) only when raw Pulse series arrive and no recorded ones do.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadDashboard } from './assets.js';

const PROMTOOL = process.env.PULSE_PROMTOOL ?? 'promtool';
const panel = loadDashboard().panels.find((one) => one.title === 'Recording rules');
const expr = panel?.targets?.[0]?.expr.replaceAll('$app', 'shop') ?? '';
const dir = mkdtempSync(join(tmpdir(), 'pulse-rules-status-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs one promql_expr_test of `expr` over `series`, expecting `value`; returns promtool's output. */
async function evaluate(series: string[], value: number): Promise<{ ok: boolean; output: string }> {
  writeFileSync(join(dir, 'none.yml'), stringify({ groups: [] }));
  const test = join(dir, 'status.test.yml');
  writeFileSync(
    test,
    stringify({
      rule_files: ['none.yml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: series.map((name) => ({ series: name, values: '0+10x10' })),
          promql_expr_test: [{ expr, eval_time: '5m', exp_samples: [{ labels: '{}', value }] }],
        },
      ],
    }),
  );
  try {
    const { stdout, stderr } = await promisify(execFile)(PROMTOOL, ['test', 'rules', test]);
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

const RAW = 'pulse_page_views_total{instance="a", app="shop", route="/", navigation="navigate"}';
const RECORDED = 'app:pulse_page_views_good:ratio_rate5m{app="shop"}';

describe('the Grafana "Recording rules" panel', () => {
  it('is in the dashboard, reading the selected app', () => {
    expect(expr).toContain('app=~"shop"');
  });

  it('reads 1 (Missing) when raw series arrive and no recorded series exist', async () => {
    const run = await evaluate([RAW], 1);
    expect(run.ok, run.output).toBe(true);
  });

  it('reads 0 (Loaded) once the rules record series for the app', async () => {
    const run = await evaluate([RAW, RECORDED], 0);
    expect(run.ok, run.output).toBe(true);
  });

  it('reads 0, not Missing, before any traffic', async () => {
    const run = await evaluate([], 0);
    expect(run.ok, run.output).toBe(true);
  });

  it('would catch a wrong answer: Missing is not read as Loaded', async () => {
    const run = await evaluate([RAW], 0);
    expect(run.ok).toBe(false);
  });
});
