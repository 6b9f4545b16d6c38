/**
 * The Prometheus assets pass Prometheus' own tooling: `promtool check rules`, `promtool check
 * config`, and the unit tests in collector/prometheus/tests run by `promtool test rules`. On
 * top, the checks promtool does not make: every alert is documented and tested both ways, and
 * every recording rule has a test.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ALERTS_DOC,
  ALERT_RULES,
  PROMETHEUS_CONFIG,
  PROMETHEUS_DIR,
  RECORDING_RULES,
  RULE_TESTS_DIR,
  loadRuleGroups,
  readYaml,
} from './assets.js';
import { runTool, type ToolRun } from '../helpers/runTool.js';

const PROMTOOL = process.env.PULSE_PROMTOOL ?? 'promtool';

/** Runs promtool in the rules' folder. */
const promtool = (...args: string[]): Promise<ToolRun> => runTool(PROMTOOL, args, PROMETHEUS_DIR);

const ruleTestFiles = readdirSync(RULE_TESTS_DIR)
  .filter((file) => file.endsWith('.yml'))
  .map((file) => join(RULE_TESTS_DIR, file));

interface AlertCase {
  alertname: string;
  exp_alerts?: unknown[];
}
interface ExprCase {
  expr: string;
}
interface RuleTestFile {
  tests: { name: string; alert_rule_test?: AlertCase[]; promql_expr_test?: ExprCase[] }[];
}
const ruleTests = ruleTestFiles.flatMap((file) => (readYaml(file) as RuleTestFile).tests);

const alerts = loadRuleGroups(ALERT_RULES).flatMap((group) => group.rules);
const records = loadRuleGroups(RECORDING_RULES).flatMap((group) => group.rules);

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
const anchorOf = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');
const docAnchors = new Set(
  readFileSync(ALERTS_DOC, 'utf8')
    .split('\n')
    .filter((line) => /^#{1,6} /.test(line))
    .map((line) => anchorOf(line.replace(/^#+ /, ''))),
);

describe('Prometheus rules and config', () => {
  it('pass promtool check rules', async () => {
    const run = await promtool('check', 'rules', RECORDING_RULES, ALERT_RULES);
    expect(run.output).not.toMatch(/FAILED/);
    expect(run.code, run.output).toBe(0);
    expect(run.output.match(/SUCCESS: \d+ rules found/g)).toHaveLength(2);
  });

  it('the example prometheus.yml passes promtool check config, rule files included', async () => {
    const run = await promtool('check', 'config', PROMETHEUS_CONFIG);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/SUCCESS: 2 rule files found/);
  });

  it('the example prometheus.yml gives the runbooks an absolute base and keeps it out of alerts', () => {
    const config = readYaml(PROMETHEUS_CONFIG) as {
      global: { external_labels: Record<string, string> };
      alerting: { alert_relabel_configs: { action: string; regex: string }[] };
    };
    expect(config.global.external_labels.pulse_runbook_url).toMatch(/^https:\/\/.+\/ALERTS\.md$/);
    expect(config.alerting.alert_relabel_configs).toContainEqual({
      action: 'labeldrop',
      regex: 'pulse_runbook_url',
    });
  });

  // A healthy day minute by minute, and days at 20-minute steps for the tickets: about 143 s of
  // CPU in all, 74 s of it the healthy day (the window form reads each window eight times,
  // docs/SCALING.md). One promtool takes the files one after the other (209 s on a loaded
  // 2-core machine); one per file, run together, end when the healthy day does.
  it('pass their promtool unit tests', { timeout: 300_000 }, async () => {
    expect(ruleTestFiles.length).toBeGreaterThan(0);
    const runs = await Promise.all(ruleTestFiles.map((file) => promtool('test', 'rules', file)));
    runs.forEach((run, i) => {
      expect(run.code, `${ruleTestFiles[i]}: ${run.output}`).toBe(0);
      expect(run.output).toContain('SUCCESS');
    });
  });

  it('has alerts and recording rules to check', () => {
    expect(alerts.length).toBeGreaterThan(0);
    expect(records.length).toBeGreaterThan(0);
    expect(alerts.every((rule) => rule.alert !== undefined)).toBe(true);
    expect(records.every((rule) => rule.record !== undefined)).toBe(true);
  });

  it.each(alerts.map((rule) => [rule.alert!, rule] as const))(
    '%s has a summary, a description and a runbook section in docs/ALERTS.md',
    (_name, rule) => {
      expect(rule.annotations?.summary).toBeTruthy();
      expect(rule.annotations?.description).toBeTruthy();
      // Absolute from the external label pulse_runbook_url, the repository path without it.
      const runbook = rule.annotations?.runbook_url ?? '';
      expect(runbook).toMatch(
        /^\{\{ or \$externalLabels\.pulse_runbook_url "docs\/ALERTS\.md" \}\}#/,
      );
      expect([...docAnchors]).toContain(runbook.split('#')[1]);
      expect(rule.labels?.severity).toMatch(/^(page|ticket|warning)$/);
    },
  );

  it.each(alerts.map((rule) => [rule.alert!] as const))(
    '%s has a unit test where it fires and one where it does not',
    (name) => {
      const cases = ruleTests.flatMap((test) =>
        (test.alert_rule_test ?? []).filter((check) => check.alertname === name),
      );
      expect(cases.some((check) => (check.exp_alerts ?? []).length > 0)).toBe(true);
      expect(cases.some((check) => (check.exp_alerts ?? []).length === 0)).toBe(true);
    },
  );

  it.each(records.map((rule) => [rule.record!] as const))(
    'recording rule %s has a unit test',
    (name) => {
      const exprs = ruleTests.flatMap((test) => (test.promql_expr_test ?? []).map((t) => t.expr));
      expect(exprs.some((expr) => expr.includes(name))).toBe(true);
    },
  );
});
