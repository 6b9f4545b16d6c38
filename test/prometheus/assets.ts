/**
 * The Prometheus, Alertmanager and Grafana files Pulse ships, located and read the way the
 * checks need them: rule groups from YAML, and every PromQL query of the dashboard.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const repoPath = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

export const PROMETHEUS_DIR = repoPath('collector/prometheus');
export const RECORDING_RULES = repoPath('collector/prometheus/recording-rules.yml');
export const ALERT_RULES = repoPath('collector/prometheus/alert-rules.yml');
export const PROMETHEUS_CONFIG = repoPath('collector/prometheus/prometheus.yml');
export const ALERTMANAGER_CONFIG = repoPath('collector/alertmanager/alertmanager.yml');
export const RULE_TESTS_DIR = repoPath('collector/prometheus/tests');
export const DASHBOARD = repoPath('collector/grafana/pulse-overview.json');
export const GRAFANA_PROVISIONING_DIR = repoPath('collector/grafana/provisioning');
export const ALERTS_DOC = repoPath('docs/ALERTS.md');

/** One rule of a Prometheus rule file: a recording rule or an alert. */
export interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  rules: Rule[];
}

export const readYaml = (path: string): unknown => parse(readFileSync(path, 'utf8'));

export const loadRuleGroups = (path: string): RuleGroup[] =>
  (readYaml(path) as { groups: RuleGroup[] }).groups;

/** The parts of a dashboard panel the checks read. */
export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: {
    refId: string;
    expr: string;
    datasource?: { type?: string; uid?: string };
    instant?: boolean;
    range?: boolean;
    format?: string;
  }[];
}

export interface DashboardVariable {
  name: string;
  type: string;
  query: string;
  datasource?: { type?: string; uid?: string };
}

/** The parts of pulse-overview.json the checks read. */
export interface DashboardJson {
  uid: string;
  schemaVersion: number;
  panels: DashboardPanel[];
  templating: { list: DashboardVariable[] };
}

export const dashboardText = (): string => readFileSync(DASHBOARD, 'utf8');

export const loadDashboard = (): DashboardJson => JSON.parse(dashboardText()) as DashboardJson;

/** A PromQL query of the dashboard, named after its panel and refId for failure messages. */
export interface DashboardQuery {
  name: string;
  expr: string;
}

export const dashboardQueries = (dashboard: DashboardJson): DashboardQuery[] =>
  dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      name: `${panel.title} [${target.refId}]`,
      expr: target.expr,
    })),
  );

/**
 * A dashboard query with Grafana's variables expanded as Grafana would for `app`, every route,
 * and windows (`$__rate_interval`, `$__interval`, `$__range`) of `seconds`.
 */
export const expandDashboardQuery = (expr: string, app: string, seconds: number): string =>
  expr
    .replaceAll('$__rate_interval', `${seconds}s`)
    .replaceAll('$__interval_ms', String(seconds * 1000))
    .replaceAll('$__interval', `${seconds}s`)
    .replaceAll('$__range', `${seconds}s`)
    .replaceAll('$app', app)
    .replaceAll('$route', '.*');
