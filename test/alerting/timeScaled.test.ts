/**
 * The time-scaled rule copies the alerting e2e runs on: every window and `for:` divided, nothing
 * else changed, and still valid rules for `promtool check rules`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTool } from '../helpers/runTool.js';
import { ALERT_RULES, RECORDING_RULES, loadRuleGroups } from '../prometheus/assets.js';
import {
  durationMs,
  scaleAlertmanagerTimings,
  scaleRangeSelectors,
  writeScaledRuleFiles,
} from './timeScaled.js';

const PROMTOOL = process.env.PULSE_PROMTOOL ?? 'promtool';

describe('time-scaled alerting configuration', () => {
  let dir: string;
  let copies: string[];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pulse-scaled-'));
    copies = await writeScaledRuleFiles([RECORDING_RULES, ALERT_RULES], dir, 20);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads Prometheus durations and refuses what is not one', () => {
    expect(durationMs('1h30m')).toBe(5_400_000);
    expect(durationMs('3d')).toBe(259_200_000);
    expect(() => durationMs('5 minutes')).toThrow(/not a Prometheus duration/);
  });

  it('divides range selectors and leaves the rest of the expression alone', () => {
    expect(scaleRangeSelectors('sum(rate(x{le=~"90|90\\\\.0"}[5m])) / sum(rate(y[1d]))', 20)).toBe(
      'sum(rate(x{le=~"90|90\\\\.0"}[15000ms])) / sum(rate(y[4320000ms]))',
    );
    expect(scaleRangeSelectors('last_over_time(x[1h]) - last_over_time(x[5m] offset 1h)', 20)).toBe(
      'last_over_time(x[180000ms]) - last_over_time(x[15000ms] offset 180000ms)',
    );
    expect(() => scaleRangeSelectors('max_over_time(x[1h:5m])', 20)).toThrow();
  });

  it('divides route timings at every depth', () => {
    const scaled = scaleAlertmanagerTimings(
      { route: { group_wait: '30s', routes: [{ repeat_interval: '1h', receiver: 'r' }] } },
      20,
    );
    expect(scaled).toEqual({
      route: { group_wait: '1500ms', routes: [{ repeat_interval: '180000ms', receiver: 'r' }] },
    });
  });

  it('keeps every rule, its name, labels and annotations, with windows and for: divided', () => {
    const originals = [RECORDING_RULES, ALERT_RULES].flatMap((file) =>
      loadRuleGroups(file).flatMap((group) => group.rules),
    );
    const scaled = copies.flatMap((file) => loadRuleGroups(file).flatMap((group) => group.rules));
    expect(scaled).toHaveLength(originals.length);
    scaled.forEach((rule, i) => {
      const original = originals[i]!;
      expect(rule.record ?? rule.alert).toBe(original.record ?? original.alert);
      expect(rule.labels).toEqual(original.labels);
      expect(rule.annotations).toEqual(original.annotations);
      expect(rule.expr).toBe(scaleRangeSelectors(original.expr, 20));
      if (original.for !== undefined)
        expect(durationMs(rule.for!) * 20).toBe(durationMs(original.for));
    });
  });

  it('writes rules promtool accepts', async () => {
    const run = await runTool(PROMTOOL, ['check', 'rules', ...copies]);
    expect(run.code, run.output).toBe(0);
    expect(run.output.match(/SUCCESS: \d+ rules found/g)).toHaveLength(2);
  });
});
