/**
 * What makes pulse-overview.json provisionable as it is, beyond its schema: current schema
 * version, a data source variable every query goes through, `app` / `route` variables, a tidy
 * grid, and recorded series that the recording rules really record. Plus the provisioning
 * examples next to it.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defaultDashboard } from '@grafana/schema';
import { describe, expect, it } from 'vitest';
import {
  GRAFANA_PROVISIONING_DIR,
  RECORDING_RULES,
  dashboardQueries,
  loadDashboard,
  loadRuleGroups,
  readYaml,
} from './assets.js';

const dashboard = loadDashboard();
const queries = dashboardQueries(dashboard);
const variable = (name: string) => dashboard.templating.list.find((v) => v.name === name);
const DATASOURCE_REF = { type: 'prometheus', uid: '${datasource}' };

describe('pulse-overview.json', () => {
  it('has a stable uid and the current schema version', () => {
    expect(dashboard.uid).toBe('pulse-overview');
    expect(dashboard.schemaVersion).toBe(defaultDashboard.schemaVersion);
  });

  it('picks its Prometheus data source through a `datasource` variable', () => {
    expect(variable('datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    const panels = dashboard.panels.filter((panel) => panel.type !== 'row');
    expect(panels.length).toBeGreaterThan(20);
    for (const panel of panels) {
      expect(panel.datasource, panel.title).toEqual(DATASOURCE_REF);
      for (const target of panel.targets ?? []) {
        expect(target.datasource, panel.title).toEqual(DATASOURCE_REF);
      }
    }
  });

  it('has `app` and `route` variables from label_values, the route one scoped to the app', () => {
    expect(variable('app')).toMatchObject({
      type: 'query',
      datasource: DATASOURCE_REF,
      query: expect.stringMatching(/^label_values\(pulse_\w+, app\)$/),
    });
    expect(variable('route')).toMatchObject({
      type: 'query',
      datasource: DATASOURCE_REF,
      query: expect.stringMatching(/^label_values\(pulse_\w+\{app=~"\$app"\}, route\)$/),
    });
  });

  it('gives every panel a query and filters every Pulse page series by the selected app', () => {
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
    }
    // Only the collector-wide series carry no app label.
    const appless = /pulse_(rejected|label_overflow)_total/;
    for (const query of queries.filter((q) => !appless.test(q.expr))) {
      expect(query.expr, query.name).toMatch(/app=~"\$app"/);
    }
  });

  it('reads tables and the dashboard time range ($__range) with instant queries only', () => {
    // A range query over $__range would draw one sliding total per step; a table of series
    // needs one row per series, which the table format of an instant query gives.
    for (const panel of dashboard.panels) {
      for (const target of panel.targets ?? []) {
        if (target.expr.includes('$__range') || panel.type === 'table') {
          expect(target, `${panel.title} [${target.refId}]`).toMatchObject({
            instant: true,
            range: false,
          });
        }
        if (panel.type === 'table') expect(target.format, panel.title).toBe('table');
      }
    }
  });

  it('has unique panel ids and no overlapping panels on a 24-column grid', () => {
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const { title, gridPos } of dashboard.panels) {
      expect(gridPos.x + gridPos.w, title).toBeLessThanOrEqual(24);
      for (let x = gridPos.x; x < gridPos.x + gridPos.w; x++) {
        for (let y = gridPos.y; y < gridPos.y + gridPos.h; y++) {
          expect(cells.has(`${x},${y}`), `${title} overlaps at ${x},${y}`).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  it('reads only recorded series that recording-rules.yml records', () => {
    const recorded = new Set(
      loadRuleGroups(RECORDING_RULES).flatMap((group) => group.rules.map((rule) => rule.record)),
    );
    const used = queries.flatMap((query) => query.expr.match(/\b[a-z_]+:[a-z0-9_:]+/g) ?? []);
    expect(used.length).toBeGreaterThan(5);
    for (const series of used) expect([...recorded]).toContain(series);
  });
});

describe('Grafana provisioning examples', () => {
  const files = (kind: string) =>
    readdirSync(join(GRAFANA_PROVISIONING_DIR, kind)).map((file) =>
      readYaml(join(GRAFANA_PROVISIONING_DIR, kind, file)),
    );

  it('provision a Prometheus data source', () => {
    expect(files('datasources')).toContainEqual(
      expect.objectContaining({
        apiVersion: 1,
        datasources: [expect.objectContaining({ type: 'prometheus', access: 'proxy' })],
      }),
    );
  });

  it('provision a file dashboard provider', () => {
    expect(files('dashboards')).toContainEqual(
      expect.objectContaining({
        apiVersion: 1,
        providers: [
          expect.objectContaining({ type: 'file', options: { path: expect.any(String) } }),
        ],
      }),
    );
  });
});
