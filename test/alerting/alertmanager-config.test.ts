/**
 * The shipped collector/alertmanager/alertmanager.yml passes Alertmanager's own checker, `amtool
 * check-config` (Debian's prometheus-alertmanager ships it), routes every Pulse alert by its
 * severity to the receiver docs/ALERTS.md names (`amtool config routes test`), and keeps its
 * secrets in files. Sending is the business of alert-delivery.e2e.test.ts.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runTool } from '../helpers/runTool.js';
import {
  ALERTMANAGER_CONFIG,
  ALERT_RULES,
  loadRuleGroups,
  readYaml,
} from '../prometheus/assets.js';

const AMTOOL = process.env.PULSE_AMTOOL ?? 'amtool';

const amtool = (...args: string[]) => runTool(AMTOOL, args);

/** The receiver `labels` route to, as `amtool config routes test` answers it. */
async function receiverFor(config: string, labels: Record<string, string>): Promise<string> {
  const run = await amtool(
    'config',
    'routes',
    'test',
    `--config.file=${config}`,
    ...Object.entries(labels).map(([name, value]) => `${name}=${value}`),
  );
  expect(run.code, run.output).toBe(0);
  return run.output.split('\n')[0]!.trim();
}

/** Where each severity must go (docs/ALERTS.md, "Routing"). */
const RECEIVER_OF: Record<string, string> = {
  page: 'pagerduty',
  warning: 'slack',
  ticket: 'ticket-webhook',
};

const alerts = loadRuleGroups(ALERT_RULES).flatMap((group) => group.rules);

describe('collector/alertmanager/alertmanager.yml', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pulse-amtool-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('passes amtool check-config', async () => {
    const run = await amtool('check-config', ALERTMANAGER_CONFIG);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/SUCCESS/);
    expect(run.output).toMatch(/2 inhibit rules/);
    expect(run.output).toMatch(/3 receivers/);
  });

  it('amtool check-config does fail a broken copy, so the check above means something', async () => {
    const config = readYaml(ALERTMANAGER_CONFIG) as { route: { receiver: string } };
    const broken = join(dir, 'broken.yml');
    await writeFile(
      broken,
      stringify({ ...config, route: { ...config.route, receiver: 'nobody' } }),
    );
    const run = await amtool('check-config', broken);
    expect(run.code).not.toBe(0);
    expect(run.output).toMatch(/undefined receiver "nobody"/);
  });

  it.each(alerts.map((rule) => [rule.alert!, rule.labels?.severity ?? ''] as const))(
    '%s (%s) routes to the receiver of its severity',
    async (alertname, severity) => {
      expect(Object.keys(RECEIVER_OF)).toContain(severity);
      expect(await receiverFor(ALERTMANAGER_CONFIG, { alertname, severity })).toBe(
        RECEIVER_OF[severity],
      );
    },
  );

  it('sends an alert of no known severity to Slack rather than nowhere', async () => {
    expect(await receiverFor(ALERTMANAGER_CONFIG, { alertname: 'Other', severity: 'info' })).toBe(
      'slack',
    );
  });

  it('reads every secret from a file, never from the configuration itself', () => {
    const inline = new Set(['api_url', 'routing_key', 'service_key', 'credentials', 'password']);
    const found: string[] = [];
    const files: string[] = [];
    const visit = (node: unknown, path: string) => {
      if (node === null || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if (inline.has(key)) found.push(`${path}.${key}`);
        if (key.endsWith('_file')) files.push(String(value));
        visit(value, `${path}.${key}`);
      }
    };
    visit(readYaml(ALERTMANAGER_CONFIG), '');
    expect(found).toEqual([]);
    expect(files.sort()).toEqual([
      '/etc/alertmanager/secrets/pagerduty-routing-key',
      '/etc/alertmanager/secrets/slack-webhook-url',
      '/etc/alertmanager/secrets/ticket-webhook-token',
    ]);
  });
});
