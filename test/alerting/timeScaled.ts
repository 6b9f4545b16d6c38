/**
 * Time-scaled copies of Pulse's alerting configuration, for an e2e that must see alerts fire in
 * seconds rather than hours. Every duration that decides when an alert fires or is sent (the
 * rules' range windows and `for:`, Alertmanager's group waits and intervals) is divided by the
 * same factor, so the rules keep their shape: only the clock runs faster. The real, unscaled
 * rules are pinned by the promtool tests in collector/prometheus/tests/.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { RuleGroup } from '../prometheus/assets.js';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

/** A Prometheus duration (`90s`, `1h30m`) in milliseconds. */
export function durationMs(duration: string): number {
  const parts = [...duration.matchAll(/(\d+)(ms|[smhdwy])/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== duration)
    throw new Error(`not a Prometheus duration: ${duration}`);
  return parts.reduce((sum, [, count, unit]) => sum + Number(count) * UNIT_MS[unit!]!, 0);
}

/** `duration` divided by `factor`, in whole milliseconds (Prometheus and Alertmanager read `ms`). */
export const scaleDuration = (duration: string, factor: number): string =>
  `${Math.round(durationMs(duration) / factor)}ms`;

/**
 * `expr` with every range selector and `offset` divided by `factor` (the rules count over a
 * window as the last value less the last one `offset` the window before it). Subqueries would
 * need more than this; the rules have none, and one fails loudly. A rate written as a count over
 * the window's seconds (`/ 300`) keeps its divisor: in the copy it is per scaled second.
 */
export function scaleRangeSelectors(expr: string, factor: number): string {
  const scaled = expr
    .replace(/\[([0-9a-z]+)\]/g, (_, range: string) => `[${scaleDuration(range, factor)}]`)
    .replace(
      /\boffset ([0-9a-z]+)\b/g,
      (_, range: string) => `offset ${scaleDuration(range, factor)}`,
    );
  if (/\[[^\]]*[:]/.test(scaled)) throw new Error(`cannot scale subqueries: ${expr}`);
  return scaled;
}

/**
 * Writes a copy of each rule file into `dir` with its windows and `for:` divided by `factor`,
 * and returns the copies' paths. Names, labels and annotations stay as they are.
 */
export async function writeScaledRuleFiles(
  files: readonly string[],
  dir: string,
  factor: number,
): Promise<string[]> {
  return Promise.all(
    files.map(async (file) => {
      const { groups } = parse(readFileSync(file, 'utf8')) as { groups: RuleGroup[] };
      const scaled = groups.map((group) => ({
        ...group,
        rules: group.rules.map((rule) => ({
          ...rule,
          expr: scaleRangeSelectors(rule.expr, factor),
          ...(rule.for === undefined ? {} : { for: scaleDuration(rule.for, factor) }),
        })),
      }));
      const copy = join(dir, basename(file));
      await writeFile(copy, stringify({ groups: scaled }));
      return copy;
    }),
  );
}

/** The timing keys of an Alertmanager route (and of `global`). */
const ALERTMANAGER_TIMINGS = new Set([
  'group_wait',
  'group_interval',
  'repeat_interval',
  'resolve_timeout',
]);

/** An Alertmanager configuration (parsed) with its route timings divided by `factor`, nested routes included. */
export function scaleAlertmanagerTimings<T>(config: T, factor: number): T {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (node === null || typeof node !== 'object') return node;
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [
        key,
        ALERTMANAGER_TIMINGS.has(key) && typeof value === 'string'
          ? scaleDuration(value, factor)
          : visit(value),
      ]),
    );
  };
  return visit(config) as T;
}
