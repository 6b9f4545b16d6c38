/**
 * Restarts that lose nothing answered, with real processes: three `pulse-collector` replicas
 * under continuous beacon traffic, scraped every 2 s by Debian's Prometheus. Each replica in
 * turn gets SIGTERM and is started again on the same ports; at the end, what Prometheus recorded
 * over the run (`increase()`, counter resets included) must equal, per replica, the beacons it
 * answered with 204, and their events. Then one replica is killed with SIGKILL: it may lose what
 * it answered since its last scrape, and no more; the test prints how much that was.
 *
 * Traffic ignores readiness on purpose (a load balancer takes a while to notice): beacons keep
 * reaching a replica through its --drain-delay, which must answer and count them, and after it,
 * when its ingest listener is closed and they fail.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCollectorOptions, exampleBeacon } from '@pulse/collector';
import { beaconAgent, postBeacon } from '../helpers/beaconClient.js';
import { startCliCollector, type CliCollector } from '../helpers/cliCollector.js';
import { startPrometheus, type RunningPrometheus } from '../prometheus/prometheusServer.js';

const REPLICAS = 3;
/**
 * Longer than the render cache's age (1 s), so every scrape gets a render of its own and "since
 * the last scrape" means what it says; short, so that each shutdown waits little.
 */
const SCRAPE_INTERVAL = '2s';
/** Beacon senders, each one request at a time with a short pause: a few hundred a second. */
const SENDERS = 3;
const SEND_PAUSE_MS = 10;
/** How long traffic runs before the first restart and after each one. */
const RUN_MS = 3_000;
const DRAIN_DELAY_MS = 300;
const BEACON = exampleBeacon();
const EVENTS_PER_BEACON = BEACON.events.length;
/**
 * A scrape may be served a render finished up to this long before (sharedRender.ts), and a render
 * takes some time of its own, so only a scrape this long after an answer surely read it.
 */
const RENDER_SLACK_MS = defaultCollectorOptions.metricsRenderMaxAge + 500;

const collectorArgs = [
  // Pinned, so the app has its series from the first beacon; all traffic comes from one address.
  '--app',
  BEACON.app,
  '--rate-limit',
  'off',
  '--drain-delay',
  String(DRAIN_DELAY_MS),
];

interface Replica {
  process: CliCollector;
  ingestPort: string;
  adminPort: string;
  /** Prometheus' `instance` label of the replica: its admin listener. */
  instance: string;
}

/** A beacon answered 204 during the run (after the baseline), by replica, and when. */
interface Answer {
  replica: number;
  at: number;
}

let prometheus: RunningPrometheus;
const replicas: Replica[] = [];
const answers: Answer[] = [];
/** Whether the senders send: not yet (or paused), warming up, or in the run that is counted. */
let sending: 'no' | 'warm-up' | 'run' = 'no';
let stopped = false;
let inFlight = 0;
const senders: Promise<void>[] = [];
/** Per replica, the timestamp (ms) of the sample holding everything answered before the run. */
const baselineMs: number[] = [];

const portOf = (url: string) => new URL(url).port;

async function startReplica(ports?: { ingest: string; admin: string }): Promise<CliCollector> {
  const args = ports === undefined ? [] : ['--port', ports.ingest, '--admin-port', ports.admin];
  return startCliCollector([...collectorArgs, ...args]);
}

/** Sends beacons round-robin to the replicas until `stopped`, while `sending` is not 'no'. */
async function sender(first: number): Promise<void> {
  const agent = beaconAgent();
  let turn = first;
  while (!stopped) {
    if (sending === 'no') {
      await delay(20);
      continue;
    }
    const phase = sending;
    const index = turn++ % REPLICAS;
    inFlight += 1;
    try {
      const answer = await postBeacon(replicas[index]!.process.url, BEACON, { agent });
      if (answer.status === 204 && phase === 'run')
        answers.push({ replica: index, at: Date.now() });
    } catch {
      // The replica is down or closing: not answered, so not counted.
    } finally {
      inFlight -= 1;
    }
    await delay(SEND_PAUSE_MS);
  }
  agent.destroy();
}

/** Stops sending and waits for the requests in flight; resolves with when that was. */
async function pauseTraffic(): Promise<number> {
  sending = 'no';
  while (inFlight > 0) await delay(5);
  return Date.now();
}

/** Prometheus' HTTP API. */
async function api<T>(path: string, params: Record<string, string>): Promise<T> {
  const response = await fetch(`${prometheus.url}${path}?${new URLSearchParams(params)}`);
  const body = (await response.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`${path}: ${body.error ?? response.status}`);
  return body.data;
}

type Vector = { resultType: 'vector'; result: { value: [number, string] }[] };
type Matrix = { resultType: 'matrix'; result: { values: [number, string][] }[] };

/** `expr` evaluated at `atMs`, summed over the series it returns. */
async function valueAt(expr: string, atMs: number): Promise<number> {
  const data = await api<Vector>('/api/v1/query', { query: expr, time: (atMs / 1000).toFixed(3) });
  return data.result.reduce((sum, { value }) => sum + Number(value[1]), 0);
}

/** The raw samples (timestamp in ms, value) of `series` over the last ten minutes. */
async function samplesOf(series: string): Promise<[number, number][]> {
  const data = await api<Matrix>('/api/v1/query', { query: `${series}[10m]` });
  if (data.result.length > 1) throw new Error(`${series}: ${data.result.length} series`);
  return (data.result[0]?.values ?? []).map(([seconds, value]) => [
    Math.round(seconds * 1000),
    Number(value),
  ]);
}

const beaconsOf = (replica: Replica) => `pulse_beacons_total{instance="${replica.instance}"}`;

/**
 * The latest sample of `replica`'s beacon counter once Prometheus has taken one that started
 * after `quietSince` plus the render cache's age: a scrape that read everything answered by then.
 */
async function sampleAfter(replica: Replica, quietSince: number): Promise<[number, number]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const last = (await samplesOf(beaconsOf(replica))).at(-1);
    if (last !== undefined && last[0] > quietSince + RENDER_SLACK_MS) return last;
    if (Date.now() > deadline) throw new Error(`no scrape of ${replica.instance} after the run`);
    await delay(250);
  }
}

/**
 * What Prometheus recorded of `counter` for `replica` from its baseline sample to its last one:
 * `increase()` over exactly that range, evaluated at the last sample.
 *
 * Why this is exact: `increase()` adds the value before every counter reset (each restart starts
 * the counter again at zero) to last - first, then extrapolates by the gaps between the range's
 * ends and its first and last samples. Here both gaps are zero, the range starting on the
 * baseline sample (Prometheus 2's range selectors include both ends) and the evaluation time
 * being the last sample's, so it extrapolates by nothing. The baseline sample also means the
 * counter's first appearance, whose value `increase()` cannot count, lies before the run.
 */
async function recorded(counter: string, replica: Replica, baseline: number, lastMs: number) {
  const range = `${lastMs - baseline}ms`;
  const selector = `${counter}{instance="${replica.instance}"}`;
  return {
    increase: await valueAt(`sum(increase(${selector}[${range}]))`, lastMs),
    resets: await valueAt(`max(resets(${selector}[${range}]))`, lastMs),
  };
}

const answeredBy = (replica: number) => answers.filter((answer) => answer.replica === replica);

beforeAll(async () => {
  const started = await Promise.all(Array.from({ length: REPLICAS }, () => startReplica()));
  for (const collector of started) {
    const adminPort = portOf(collector.metricsUrl);
    replicas.push({
      process: collector,
      ingestPort: portOf(collector.url),
      adminPort,
      instance: `127.0.0.1:${adminPort}`,
    });
  }
  prometheus = await startPrometheus({
    targets: replicas.map((replica) => replica.instance),
    job: 'pulse',
    ruleFiles: [],
    interval: SCRAPE_INTERVAL,
  });
  for (let i = 0; i < SENDERS; i++) senders.push(sender(i));

  // Warm-up: the counters appear on every replica and Prometheus scrapes them. Then a baseline:
  // with traffic paused, a sample per replica that holds everything answered so far.
  sending = 'warm-up';
  await delay(2_000);
  const quietSince = await pauseTraffic();
  for (const replica of replicas) baselineMs.push((await sampleAfter(replica, quietSince))[0]);
  sending = 'run';
});

afterAll(async () => {
  stopped = true;
  await Promise.all(senders);
  await Promise.all(replicas.map((replica) => replica.process.stop()));
  await prometheus?.close();
});

describe('rolling restarts of three replicas under traffic, scraped by Prometheus', () => {
  it('record every beacon answered when each replica in turn is stopped with SIGTERM', async () => {
    const lastMessages: string[] = [];
    const shutdownMs: number[] = [];
    let answeredWhileDraining = 0;
    await delay(RUN_MS);
    for (const [index, replica] of replicas.entries()) {
      const signalled = Date.now();
      const code = await replica.process.signal('SIGTERM');
      shutdownMs.push(Date.now() - signalled);
      expect(code, replica.process.output()).toBe(0);
      answeredWhileDraining += answeredBy(index).filter((answer) => answer.at > signalled).length;
      const read = replica.process.logLine('a scrape read every answered beacon; closing');
      lastMessages.push(read === undefined ? replica.process.output() : 'read');
      replica.process = await startReplica({
        ingest: replica.ingestPort,
        admin: replica.adminPort,
      });
      await delay(RUN_MS);
    }
    const quietSince = await pauseTraffic();

    // Each exited after a scrape read everything it answered, not at the end of a wait.
    expect(lastMessages).toEqual(replicas.map(() => 'read'));
    // The senders kept going during each --drain-delay, and those answers count like the rest.
    expect(answeredWhileDraining).toBeGreaterThan(0);

    const byReplica = await Promise.all(
      replicas.map(async (replica, index) => {
        const [lastMs] = await sampleAfter(replica, quietSince);
        const beacons = await recorded('pulse_beacons_total', replica, baselineMs[index]!, lastMs);
        const events = await recorded('pulse_events_total', replica, baselineMs[index]!, lastMs);
        return {
          answered: answeredBy(index).length,
          beacons: beacons.increase,
          events: events.increase,
          // One restart: one reset, or the restarted counter was not told from the old one.
          resets: beacons.resets,
        };
      }),
    );
    console.info(
      `rolling SIGTERM restarts: ${answers.length} beacons answered 204 during the run, ` +
        `SIGTERM to exit ${shutdownMs.join(', ')} ms (drain delay ${DRAIN_DELAY_MS} ms, ` +
        `scrape interval ${SCRAPE_INTERVAL});`,
      byReplica,
    );
    expect(byReplica).toEqual(
      byReplica.map(({ answered }) => ({
        answered,
        beacons: answered,
        events: answered * EVENTS_PER_BEACON,
        resets: 1,
      })),
    );
    expect(answers.length).toBeGreaterThan(REPLICAS * 100);
  });

  it('lose at most what a replica answered since its last scrape when it is killed', async () => {
    const killed = replicas[0]!;
    sending = 'run';
    await delay(RUN_MS);
    const code = await killed.process.signal('SIGKILL');
    const killedAt = Date.now();
    expect(code).toBeNull();
    await delay(1_000);
    await pauseTraffic();

    const samples = await samplesOf(beaconsOf(killed));
    const [lastScrapeMs] = samples.at(-1)!;
    const { increase } = await recorded(
      'pulse_beacons_total',
      killed,
      baselineMs[0]!,
      lastScrapeMs,
    );
    const answered = answeredBy(0);
    const lost = answered.length - increase;
    // What the last scrape cannot have read: answers received after Prometheus began it. Its
    // render started later still (no other scraper, and 2 s apart no scrape reuses a render), so
    // an answer received before then is in it.
    const sinceLastScrape = answered.filter((answer) => answer.at >= lastScrapeMs).length;
    const perSecond =
      answered.filter((answer) => answer.at > killedAt - RUN_MS).length / (RUN_MS / 1000);
    console.info(
      `SIGKILL ${killedAt - lastScrapeMs} ms after the last scrape (interval ${SCRAPE_INTERVAL}) ` +
        `at ${perSecond.toFixed(0)} beacons/s to the replica: ${lost} answered beacons lost ` +
        `(bound: ${sinceLastScrape} answered since the last scrape)`,
    );
    expect(lost).toBeGreaterThanOrEqual(0);
    expect(lost).toBeLessThanOrEqual(sinceLastScrape);
  });
});
