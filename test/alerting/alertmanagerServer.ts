/**
 * A real Alertmanager (Debian's `prometheus-alertmanager`) for e2e tests: loopback only, no
 * cluster peers, a temporary data directory, the given configuration, and a small client for its
 * v2 API.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freeLoopbackPort } from '../prometheus/prometheusServer.js';

export const ALERTMANAGER_BIN = process.env.PULSE_ALERTMANAGER ?? 'prometheus-alertmanager';

/** One alert as Alertmanager holds it (GET /api/v2/alerts). */
export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  fingerprint: string;
  status: { state: 'active' | 'suppressed' | 'unprocessed'; inhibitedBy: string[] };
}

export interface RunningAlertmanager {
  /** Base URL, for Prometheus' `alerting.alertmanagers`. */
  url: string;
  /** `host:port`, as Prometheus' static targets want it. */
  address: string;
  /** Every alert Alertmanager holds now, active and suppressed. */
  alerts(): Promise<AlertmanagerAlert[]>;
  log(): string;
  close(): Promise<void>;
}

/** Starts Alertmanager with `config` (an object, written as YAML) and waits until it is ready. */
export async function startAlertmanager(config: unknown): Promise<RunningAlertmanager> {
  const dir = await mkdtemp(join(tmpdir(), 'pulse-alertmanager-'));
  const configFile = join(dir, 'alertmanager.yml');
  await writeFile(configFile, stringify(config));
  const port = await freeLoopbackPort();
  const address = `127.0.0.1:${port}`;
  const url = `http://${address}`;
  let output = '';
  const child = spawn(
    ALERTMANAGER_BIN,
    [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=${address}`,
      // A single instance: no gossip listener on the machine's port 9094.
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit');

  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await fetch(`${url}/-/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      await close();
      throw new Error(`Alertmanager did not become ready:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url,
    address,
    async alerts() {
      const response = await fetch(`${url}/api/v2/alerts`);
      if (!response.ok) throw new Error(`${url}/api/v2/alerts: ${response.status}`);
      return (await response.json()) as AlertmanagerAlert[];
    },
    log: () => output,
    close,
  };
}
