/**
 * The real `pulse-collector` binary, listening on a real port, fed real HTTP traffic (good
 * beacons, hostile ones, a flood of routes past the cap): its /metrics output must pass
 * Prometheus's own linter, `promtool check metrics`, and it must shut down cleanly on SIGTERM.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleBeacon, exampleEvents } from '@pulse/collector';

const CLI = fileURLToPath(new URL('../collector/dist/esm/cli.js', import.meta.url));
const SITE = 'https://shop.example.com';
const ROUTE_CAP = 5;

let collector: ChildProcess;
let url: string;
let adminUrl: string;
let logs = '';

/** Starts the CLI on a free loopback port and reads its address from the structured log. */
async function startCli(): Promise<void> {
  collector = spawn(
    process.execPath,
    [
      CLI,
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--admin-port',
      '0',
      '--allow-origin',
      SITE,
      '--route-cap',
      String(ROUTE_CAP),
      // Every request comes from this machine: admit values on one client's word.
      '--admit-after-clients',
      '1',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  collector.stderr!.on('data', (chunk: Buffer) => (logs += chunk.toString()));
  ({ ingestUrl: url, adminUrl } = await new Promise<{ ingestUrl: string; adminUrl: string }>(
    (resolve, reject) => {
      collector.once('exit', (code) => reject(new Error(`collector exited ${code}: ${logs}`)));
      collector.stdout!.on('data', (chunk: Buffer) => {
        logs += chunk.toString();
        const ready = logs.split('\n').find((line) => line.includes('pulse collector ready'));
        if (ready !== undefined)
          resolve(JSON.parse(ready) as { ingestUrl: string; adminUrl: string });
      });
    },
  ));
}

const post = (body: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/v1/rum`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8', origin: SITE, ...headers },
    body,
  });

const promtool = (text: string) =>
  spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });

describe('pulse-collector under real traffic', () => {
  const statuses: number[] = [];
  let metrics: string;

  beforeAll(async () => {
    await startCli();
    // Good traffic: every event kind, from the allowed origin and without an Origin header.
    for (let i = 0; i < 5; i += 1)
      statuses.push((await post(JSON.stringify(exampleBeacon()))).status);
    const serverSide = await fetch(`${url}/v1/rum`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(exampleBeacon([exampleEvents.event], { app: 'backend' })),
    });
    statuses.push(serverSide.status);
    // More routes than the cap: the surplus must collapse into __other__.
    for (let i = 0; i < ROUTE_CAP * 3; i += 1) {
      const beacon = exampleBeacon([exampleEvents.view], { route: `/section-${i}/list` });
      statuses.push((await post(JSON.stringify(beacon))).status);
    }
    // Hostile traffic.
    statuses.push((await post('{"v":1,')).status);
    statuses.push(
      (await post(JSON.stringify({ ...exampleBeacon(), route: '/x"} 1\n# EOF' }))).status,
    );
    statuses.push(
      (await post(JSON.stringify(exampleBeacon()), { origin: 'https://evil.example' })).status,
    );
    statuses.push(
      (await post('v=1', { 'content-type': 'application/x-www-form-urlencoded' })).status,
    );
    statuses.push((await post(JSON.stringify({ ...exampleBeacon(), v: 9 }))).status);
    statuses.push((await post(`{"pad":"${'x'.repeat(70_000)}"}`)).status);

    const response = await fetch(`${adminUrl}/metrics`);
    expect(response.status).toBe(200);
    metrics = await response.text();
  });

  afterAll(async () => {
    if (collector.exitCode === null) {
      collector.kill('SIGKILL');
      await once(collector, 'exit');
    }
  });

  it('answered 204 to good beacons and a 4xx to every bad one, never a 5xx', () => {
    expect(statuses.slice(0, 6 + ROUTE_CAP * 3).every((status) => status === 204)).toBe(true);
    expect(statuses.slice(6 + ROUTE_CAP * 3)).toEqual([400, 400, 403, 415, 400, 413]);
  });

  it('counted what it saw, including every rejection reason and the route overflow', () => {
    expect(metrics).toContain('pulse_beacons_total{app="shop"} 20');
    expect(metrics).toContain('pulse_custom_events_total{app="backend",name="checkout"} 2');
    for (const reason of [
      'malformed_json',
      'schema',
      'origin',
      'content_type',
      'version',
      'too_large',
    ]) {
      expect(metrics).toContain(`pulse_rejected_total{reason="${reason}"} 1`);
    }
    expect(metrics).toMatch(
      /pulse_page_views_total\{app="shop",route="__other__",navigation="navigate"\} \d+/,
    );
    expect(metrics).toMatch(/pulse_label_overflow_total\{label="route"\} [1-9]/);
    expect(metrics).not.toContain('# EOF');
  });

  it('passes promtool check metrics', () => {
    const result = promtool(metrics);
    expect(result.error).toBeUndefined();
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.status).toBe(0);
  });

  it('promtool does fail on broken exposition, so the check above means something', () => {
    const broken = `${metrics}pulse_gauge_misnamed_total 1\n# TYPE pulse_gauge_misnamed_total gauge\n`;
    expect(promtool(broken).status).not.toBe(0);
  });

  it('answers OpenMetrics to a scraper that asks for it', async () => {
    const response = await fetch(`${adminUrl}/metrics`, {
      headers: { accept: 'application/openmetrics-text;version=1.0.0,text/plain;q=0.5' },
    });
    expect(response.headers.get('content-type')).toContain('application/openmetrics-text');
    const text = await response.text();
    expect(text.endsWith('# EOF\n')).toBe(true);
    expect(text).toContain('pulse_beacons_total{app="shop"} 20');
  });

  it('shuts down gracefully on SIGTERM with exit code 0', async () => {
    const exited = once(collector, 'exit');
    collector.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
    expect(logs).toMatch(/"signal":"SIGTERM".*"msg":"shutting down"/);
    expect(logs).toMatch(/"msg":"closed"/);
  });
});
