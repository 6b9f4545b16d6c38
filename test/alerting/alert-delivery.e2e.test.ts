/**
 * Alerts end to end: two real `pulse-collector` replicas fed beacons over HTTP, Debian's
 * Prometheus scraping them with Pulse's rules, Debian's Alertmanager with the shipped
 * collector/alertmanager/alertmanager.yml, and local HTTP receivers standing in for Slack,
 * PagerDuty and the ticket webhook (the shipped config, with its secret files written and the
 * PagerDuty and webhook URLs pointed here).
 *
 * Healthy traffic for a busy app and a small one must fire nothing. Then the busy app degrades
 * (a slow, erroring release; lossy sockets), a new app arrives half slow, a scanner floods,
 * routes overflow, and once the scanner's alert is out one replica goes down: every alert
 * reaches the receiver its severity routes to, the small app never alerts, and the inhibitions
 * hold back what they should. Times to notify are measured and printed, not asserted.
 *
 * The clock runs 20 times faster than in production: the rules are a copy with every window
 * and `for:` divided by 20 (timeScaled.ts), and so are Alertmanager's group waits and
 * intervals; Prometheus scrapes and evaluates every second. The ticket tier's day-long windows
 * then hold the whole run. The real rules' times are pinned by collector/prometheus/tests/.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliCollector, type CliCollector } from '../helpers/cliCollector.js';
import {
  ALERTMANAGER_CONFIG,
  ALERT_RULES,
  PROMETHEUS_CONFIG,
  RECORDING_RULES,
  loadRuleGroups,
  readYaml,
} from '../prometheus/assets.js';
import { startPrometheus, type RunningPrometheus } from '../prometheus/prometheusServer.js';
import { startTraffic, type TrafficDriver } from './alertTraffic.js';
import { startAlertmanager, type RunningAlertmanager } from './alertmanagerServer.js';
import {
  startNotificationReceivers,
  type NotificationReceivers,
  type Notified,
  type ReceiverName,
} from './notificationReceivers.js';
import { scaleAlertmanagerTimings, writeScaledRuleFiles } from './timeScaled.js';

const SCALE = 20;
const HEALTHY_MS = 20_000;
/** How long the degraded phase may take before the test gives up on a missing notification. */
const DEGRADED_DEADLINE_MS = 80_000;
/** Routes kept per app: shop's own and one campaign route; the other campaign routes overflow. */
const ROUTE_CAP = 2;
const PAGERDUTY_KEY = 'e2e-pagerduty-routing-key';
const TICKET_TOKEN = 'e2e-ticket-token';

/** Where each severity goes, as alertmanager.yml routes it. */
const RECEIVER_OF: Record<string, ReceiverName> = {
  page: 'pagerduty',
  warning: 'slack',
  ticket: 'ticket',
};

/** An alert the degradation must notify, and how to recognise its notification. */
interface Expected {
  name: string;
  receiver: ReceiverName;
  matches(notified: Notified): boolean;
}
const firing = (alertname: string, app?: string, text?: string) => (notified: Notified) =>
  notified.status === 'firing' &&
  notified.alertname === alertname &&
  notified.app === app &&
  (text === undefined || notified.text.includes(text));
/** The scanner's flood: once it is notified, a replica goes down. */
const REJECT_SPIKE: Expected = {
  name: 'PulseCollectorRejectSpike',
  receiver: 'slack',
  matches: firing('PulseCollectorRejectSpike', undefined, 'malformed_json'),
};
const EXPECTED: Expected[] = [
  {
    name: 'PulsePageViewsGoodSLOFastBurn shop',
    receiver: 'pagerduty',
    matches: firing('PulsePageViewsGoodSLOFastBurn', 'shop'),
  },
  {
    name: 'PulsePageViewsGoodSLOSlowBurn news',
    receiver: 'ticket',
    matches: firing('PulsePageViewsGoodSLOSlowBurn', 'news'),
  },
  {
    name: 'PulseReleaseRegression shop page_score',
    receiver: 'slack',
    matches: firing('PulseReleaseRegression', 'shop', 'shop 2.0.0 scores worse than 1.0.0'),
  },
  {
    name: 'PulseReleaseRegression shop js_errors',
    receiver: 'slack',
    matches: firing('PulseReleaseRegression', 'shop', 'shop 2.0.0 throws more errors than 1.0.0'),
  },
  {
    name: 'PulseSocketScoreDegraded shop',
    receiver: 'slack',
    matches: firing('PulseSocketScoreDegraded', 'shop'),
  },
  {
    name: 'PulseSocketLossHigh shop',
    receiver: 'slack',
    matches: firing('PulseSocketLossHigh', 'shop'),
  },
  REJECT_SPIKE,
  {
    name: 'PulseLabelOverflow',
    receiver: 'ticket',
    matches: firing('PulseLabelOverflow', undefined, '"route"'),
  },
];
const COLLECTOR_DOWN: Expected = {
  name: 'PulseCollectorDown',
  receiver: 'slack',
  matches: firing('PulseCollectorDown'),
};

interface ShippedPrometheus {
  global: { external_labels: Record<string, string> };
  alerting: { alert_relabel_configs: unknown[] };
}

/**
 * The shipped Alertmanager config made to run here: secret files written into `dir` (the Slack
 * URL pointing at the local receiver), PagerDuty's and the webhook's URLs pointed at theirs, and
 * the route timings scaled.
 */
async function localAlertmanagerConfig(dir: string, receiversUrl: string): Promise<unknown> {
  const secrets: Record<string, string> = {
    'pagerduty-routing-key': PAGERDUTY_KEY,
    'slack-webhook-url': `${receiversUrl}/slack`,
    'ticket-webhook-token': TICKET_TOKEN,
  };
  const written = new Set<string>();
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (node === null || typeof node !== 'object') return node;
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => {
        if (key.endsWith('_file') && typeof value === 'string') {
          const name = basename(value);
          if (secrets[name] === undefined) throw new Error(`no test value for secret ${value}`);
          written.add(name);
          return [key, join(dir, name)];
        }
        if (key === 'pagerduty_configs' || key === 'webhook_configs') {
          const url = `${receiversUrl}/${key === 'pagerduty_configs' ? 'pagerduty' : 'ticket'}`;
          return [
            key,
            (value as object[]).map((config) => ({ ...(visit(config) as object), url })),
          ];
        }
        return [key, visit(value)];
      }),
    );
  };
  const config = scaleAlertmanagerTimings(visit(readYaml(ALERTMANAGER_CONFIG)), SCALE);
  await Promise.all([...written].map((name) => writeFile(join(dir, name), secrets[name]!)));
  return config;
}

describe('alerts from real collectors through Prometheus and Alertmanager to their receivers', () => {
  const shipped = readYaml(PROMETHEUS_CONFIG) as ShippedPrometheus;
  const runbookBase = shipped.global.external_labels.pulse_runbook_url!;
  let dir: string;
  let receivers: NotificationReceivers;
  let alertmanager: RunningAlertmanager;
  let collectors: CliCollector[] = [];
  let prometheus: RunningPrometheus;
  let traffic: TrafficDriver;
  let started = 0;
  let degradedAt = 0;
  let downAt = 0;
  /** Time to notify of each expected alert, ms from the cause (degradation, replica down). */
  const timeToNotify: Record<string, number> = {};

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pulse-alerting-'));
    receivers = await startNotificationReceivers();
    alertmanager = await startAlertmanager(await localAlertmanagerConfig(dir, receivers.url));
    collectors = await Promise.all(
      [0, 1].map(() =>
        startCliCollector([
          '--admit-after-clients',
          '1',
          '--rate-limit',
          'off',
          '--route-cap',
          String(ROUTE_CAP),
        ]),
      ),
    );
    prometheus = await startPrometheus({
      targets: collectors.map((collector) => new URL(collector.metricsUrl).host),
      job: 'pulse-collector',
      ruleFiles: await writeScaledRuleFiles([RECORDING_RULES, ALERT_RULES], dir, SCALE),
      interval: '1s',
      externalLabels: shipped.global.external_labels,
      alerting: {
        alertmanagers: [{ static_configs: [{ targets: [alertmanager.address] }] }],
        alert_relabel_configs: shipped.alerting.alert_relabel_configs,
      },
    });
    traffic = startTraffic(collectors.map((collector) => collector.url));
    started = Date.now();
  });

  afterAll(async () => {
    await traffic?.stop();
    // Collectors before Prometheus: on SIGTERM each waits for a scrape to read what it answered.
    await Promise.all(collectors.map((collector) => collector.stop()));
    await prometheus?.close();
    await alertmanager?.close();
    await receivers?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Every alert Prometheus had firing at some evaluation since the run started. */
  const firedSinceStart = async (selector = '') => {
    const seconds = Math.ceil((Date.now() - started) / 1000) + 5;
    return prometheus.query(
      `max_over_time(ALERTS{alertstate="firing"${selector ? `, ${selector}` : ''}}[${seconds}s])`,
    );
  };

  it('healthy traffic for a busy app and a small one fires nothing', async () => {
    await delay(HEALTHY_MS);
    const fired = await firedSinceStart();
    expect(
      fired.map((sample) => sample.metric),
      prometheus.log(),
    ).toEqual([]);
    expect(receivers.notified).toEqual([]);
    expect(await alertmanager.alerts()).toEqual([]);
    // The traffic was there and seen, at both apps' rates.
    const views = await prometheus.query('sum by (app) (app:pulse_page_score_count:increase5m)');
    const perApp = Object.fromEntries(views.map((sample) => [sample.metric.app, sample.value]));
    expect(perApp.shop).toBeGreaterThan(30);
    expect(perApp.blog).toBeGreaterThan(0);
    expect(perApp.blog).toBeLessThan(30);
    const { beacons, junk } = traffic.counts();
    expect(beacons).toBeGreaterThan(0);
    expect(junk).toBeGreaterThan(0);
  });

  it('degradation reaches the receiver each severity routes to; a replica down too', async () => {
    traffic.degrade();
    degradedAt = Date.now();
    const deadline = degradedAt + DEGRADED_DEADLINE_MS;
    const expected = [...EXPECTED, COLLECTOR_DOWN];
    const firstOf = (alert: Expected) => receivers.notified.find(alert.matches);
    while (Date.now() < deadline && expected.some((alert) => firstOf(alert) === undefined)) {
      // Once the scanner's alert is out, take a replica down: the load balancer stops sending
      // it beacons, then it stops.
      if (downAt === 0 && firstOf(REJECT_SPIKE) !== undefined) {
        const replica = collectors[1]!;
        await traffic.retire(replica.url);
        await replica.stop();
        downAt = Date.now();
      }
      await delay(200);
    }
    for (const alert of expected) {
      const first = firstOf(alert);
      expect(
        first,
        `${alert.name} was not notified: ${JSON.stringify(receivers.notified)}`,
      ).toBeDefined();
      expect(first!.receiver, alert.name).toBe(alert.receiver);
      timeToNotify[alert.name] = first!.at - (alert === COLLECTOR_DOWN ? downAt : degradedAt);
    }
    console.info(
      `alert delivery, time to notify at 1/${SCALE} time (s; x${SCALE} for the real rules' clock):`,
      JSON.stringify(
        Object.fromEntries(
          Object.entries(timeToNotify).map(([name, ms]) => [name, +(ms / 1000).toFixed(1)]),
        ),
        null,
        1,
      ),
    );
  });

  it('no alert ever reached a receiver its severity does not route to', () => {
    const severityOf = new Map(
      loadRuleGroups(ALERT_RULES)
        .flatMap((group) => group.rules)
        .map((rule) => [rule.alert, rule.labels?.severity]),
    );
    expect(receivers.notified.length).toBeGreaterThan(0);
    for (const notified of receivers.notified) {
      expect(RECEIVER_OF[severityOf.get(notified.alertname)!], notified.alertname).toBe(
        notified.receiver,
      );
    }
  });

  it('the small app never alerted, through the whole run', async () => {
    expect(await firedSinceStart('app="blog"')).toEqual([]);
    expect(receivers.notified.filter((notified) => notified.app === 'blog')).toEqual([]);
    // By now its page views pass the 1h pair's floor (30): the share kept it silent, not the floor.
    const [hour] = await prometheus.query('app:pulse_page_score_count:increase1h{app="blog"}');
    expect(hour?.value).toBeGreaterThanOrEqual(30);
  });

  it('inhibits the reject spike while the replica is down, and the ticket of an app that pages', async () => {
    const byName = async (alertname: string, app?: string) =>
      (await alertmanager.alerts()).find(
        (alert) => alert.labels.alertname === alertname && alert.labels.app === app,
      );
    const inhibited = async (target: [string, string?], source: [string, string?]) => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const [alert, by] = await Promise.all([byName(...target), byName(...source)]);
        if (alert?.status.state === 'suppressed' || Date.now() > deadline) return { alert, by };
        await delay(250);
      }
    };
    const reject = await inhibited(['PulseCollectorRejectSpike'], ['PulseCollectorDown']);
    expect(reject.alert?.status.state).toBe('suppressed');
    expect(reject.alert?.status.inhibitedBy).toEqual([reject.by!.fingerprint]);
    // The shop's ticket fires alongside its page (the scaled day-long window holds only this
    // run); whether it got out before the page arrived is a race, but from then on it is held.
    const ticket = await inhibited(
      ['PulsePageViewsGoodSLOSlowBurn', 'shop'],
      ['PulsePageViewsGoodSLOFastBurn', 'shop'],
    );
    expect(ticket.alert?.status.state).toBe('suppressed');
    expect(ticket.alert?.status.inhibitedBy).toEqual([ticket.by!.fingerprint]);
    // The pages and warnings the replica's loss did not cause still go out.
    expect((await byName('PulsePageViewsGoodSLOFastBurn', 'shop'))?.status.state).toBe('active');
    expect((await byName('PulseSocketLossHigh', 'shop'))?.status.state).toBe('active');
  });

  it('notifications carry absolute runbook links, the cluster, and the secrets from their files', () => {
    const firingOnes = receivers.notified.filter((notified) => notified.status === 'firing');
    for (const notified of firingOnes) {
      expect(notified.runbook, notified.alertname).toBe(
        `${runbookBase}#${notified.alertname.toLowerCase()}`,
      );
    }
    for (const notified of firingOnes.filter((one) => one.receiver === 'ticket')) {
      expect(notified.authorization).toBe(`Bearer ${TICKET_TOKEN}`);
      expect(notified.labels?.cluster).toBe(shipped.global.external_labels.cluster);
      expect(notified.labels).not.toHaveProperty('pulse_runbook_url');
    }
    for (const notified of firingOnes.filter((one) => one.receiver === 'pagerduty'))
      expect(notified.routingKey).toBe(PAGERDUTY_KEY);
  });
});
