/**
 * The shipped rules and Grafana panels count over windows only in the form Prometheus and
 * VictoriaMetrics evaluate alike (collector/src/dashboard/windowIncrease.ts; docs/SCALING.md,
 * "Query engines"): a new rule or panel written with rate() or increase() would differ between
 * the engines by up to 97% on young series, which the fleet e2e measures but only for the
 * queries present when it runs. No engine runs here: the files are read as text.
 */
import { describe, expect, it } from 'vitest';
import {
  ALERT_RULES,
  RECORDING_RULES,
  dashboardQueries,
  loadDashboard,
  loadRuleGroups,
} from './assets.js';

const queries = [
  ...dashboardQueries(loadDashboard()),
  ...[RECORDING_RULES, ALERT_RULES].flatMap((file) =>
    loadRuleGroups(file).flatMap((group) =>
      group.rules.map((rule) => ({ name: rule.record ?? rule.alert ?? '', expr: rule.expr })),
    ),
  ),
];

describe('the shipped queries on every engine', () => {
  it('reads every rule and panel', () => {
    expect(queries.length).toBeGreaterThan(80);
  });

  it('use no rate()', () => {
    expect(queries.filter((query) => /\brate\(/.test(query.expr)).map((q) => q.name)).toEqual([]);
  });

  it('use increase() only for a series reset inside its window', () => {
    const loose = queries.flatMap((query) =>
      [...query.expr.matchAll(/\bincrease\(([^[]+)\[([^\]]+)\]\)/g)]
        .filter((match) => {
          const [whole, selector, window] = match;
          const guarded = `${whole} and (resets(${selector}[${window}]) > 0))`;
          return !query.expr.startsWith(guarded, match.index);
        })
        .map((match) => `${query.name}: ${match[0]}`),
    );
    expect(loose).toEqual([]);
  });

  it('count a series restarted at a window start from zero', () => {
    // The value before the window is subtracted only where the counter stayed at or above it;
    // resets() sees only the window's own samples, so without this a restart between the last
    // sample before a window and the first in it made a negative count.
    const unguarded = queries.flatMap((query) =>
      [...query.expr.matchAll(/last_over_time\(([^[]+)\[[^\]]+\] offset ([^)\s]+)\)/g)]
        .filter((match) => {
          const [whole, selector, window] = match;
          const guarded = `${whole} <= min_over_time(${selector}[${window}]))`;
          return !query.expr.startsWith(guarded, match.index);
        })
        .map((match) => `${query.name}: ${match[0]}`),
    );
    expect(unguarded).toEqual([]);
  });

  it('apply label_replace() to no aggregation', () => {
    // VictoriaMetrics 1.79.5 can write another label's value into the new label there
    // (country="50", country="pulse-collector").
    const aggregation =
      /label_replace\(\s*\(?\s*(sum|avg|min|max|count|topk|bottomk|histogram_quantile)\b/;
    expect(queries.filter((query) => aggregation.test(query.expr)).map((q) => q.name)).toEqual([]);
  });
});
