/**
 * A real Prometheus (Debian's `prometheus` binary) for e2e tests: loopback only, a temporary data
 * directory, a generated configuration, and a small client for its HTTP query API.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { spawnDaemon } from '../helpers/daemon.js';

export const PROMETHEUS_BIN = process.env.PULSE_PROMETHEUS ?? 'prometheus';

export interface PrometheusOptions {
  /** `host:port` of every target of the one scrape job. */
  targets: string[];
  /** Job name of the targets, as the alert rules expect it. */
  job: string;
  /** Rule files to load, absolute paths. */
  ruleFiles: string[];
  /** Scrape and rule evaluation interval, e.g. `1s`. */
  interval: string;
  /**
   * `global.external_labels`: added to the alerts sent to Alertmanager, and readable in alert
   * templates as `$externalLabels`.
   */
  externalLabels?: Record<string, string>;
  /** The `alerting` section: where to send alerts (`alertmanagers`) and how to relabel them. */
  alerting?: Record<string, unknown>;
  /** Remote-write URLs, each sent every sample and rule result within about a second. */
  remoteWrite?: string[];
}

/** One series of an instant query result. */
export interface Sample {
  metric: Record<string, string>;
  value: number;
}

export interface RunningPrometheus {
  url: string;
  /** Instant query at the current time; vectors and scalars both come back as samples. */
  query(expr: string): Promise<Sample[]>;
  /** Values of a label over the series matching `match`. */
  labelValues(label: string, match: string): Promise<string[]>;
  /** Prometheus' own log, for failure messages. */
  log(): string;
  close(): Promise<void>;
}

/**
 * A port the OS has just handed out for loopback. Prometheus (like Alertmanager) cannot report the
 * port it got for `:0`, so the port is taken from the OS and released right before it binds it.
 */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

interface ApiResponse<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
}

async function api<T>(url: string): Promise<T> {
  const response = await fetch(url);
  const body = (await response.json()) as ApiResponse<T>;
  if (body.status !== 'success') throw new Error(`${url}: ${body.error ?? response.status}`);
  return body.data;
}

type QueryData =
  | { resultType: 'vector'; result: { metric: Record<string, string>; value: [number, string] }[] }
  | { resultType: 'scalar'; result: [number, string] };

async function waitUntilReady(url: string, exited: () => boolean, log: () => string) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && !exited()) {
    const ready = await fetch(`${url}/-/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Prometheus did not become ready:\n${log()}`);
}

export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'pulse-prometheus-'));
  const configFile = join(dir, 'prometheus.yml');
  await writeFile(
    configFile,
    stringify({
      global: {
        scrape_interval: options.interval,
        evaluation_interval: options.interval,
        ...(options.externalLabels && { external_labels: options.externalLabels }),
      },
      rule_files: options.ruleFiles,
      ...(options.alerting && { alerting: options.alerting }),
      ...(options.remoteWrite && {
        remote_write: options.remoteWrite.map((url) => ({
          url,
          queue_config: { batch_send_deadline: '1s' },
        })),
      }),
      scrape_configs: [{ job_name: options.job, static_configs: [{ targets: options.targets }] }],
    }),
  );
  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  const prometheus = spawnDaemon(PROMETHEUS_BIN, [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ]);
  const close = async () => {
    await prometheus.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(url, prometheus.exited, prometheus.output);
  } catch (error) {
    await close();
    throw error;
  }

  return {
    url,
    async query(expr) {
      const data = await api<QueryData>(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      if (data.resultType === 'scalar') return [{ metric: {}, value: Number(data.result[1]) }];
      return data.result.map(({ metric, value }) => ({ metric, value: Number(value[1]) }));
    },
    labelValues: (label, match) =>
      api<string[]>(`${url}/api/v1/label/${label}/values?match[]=${encodeURIComponent(match)}`),
    log: prometheus.output,
    close,
  };
}
