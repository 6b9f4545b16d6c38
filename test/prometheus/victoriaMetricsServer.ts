/**
 * A real VictoriaMetrics (Debian's `victoria-metrics` package, single node) for e2e tests:
 * loopback only, a temporary data directory, taking Prometheus' remote write at
 * `<url>/api/v1/write` and answering the Prometheus query API at `<url>`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnDaemon } from '../helpers/daemon.js';
import { freeLoopbackPort } from './prometheusServer.js';

export const VICTORIA_METRICS_BIN = process.env.PULSE_VICTORIA_METRICS ?? 'victoria-metrics';

export interface RunningVictoriaMetrics {
  /** The query API's base URL, as `--prometheus-url` takes it. */
  url: string;
  /** Where Prometheus remote-writes. */
  writeUrl: string;
  log(): string;
  close(): Promise<void>;
}

export async function startVictoriaMetrics(): Promise<RunningVictoriaMetrics> {
  const dir = await mkdtemp(join(tmpdir(), 'pulse-victoria-metrics-'));
  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  const victoria = spawnDaemon(VICTORIA_METRICS_BIN, [
    `-storageDataPath=${join(dir, 'data')}`,
    `-httpListenAddr=127.0.0.1:${port}`,
    // By default the last 30 s are left out of answers, for samples still on their way; a test
    // that compares engines at one instant needs them in (docs/SCALING.md says what it means).
    '-search.latencyOffset=0s',
    '-loggerLevel=WARN',
  ]);
  const close = async () => {
    await victoria.stop();
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    const healthy = await fetch(`${url}/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) break;
    if (victoria.exited() || Date.now() > deadline) {
      await close();
      throw new Error(`VictoriaMetrics did not become healthy:\n${victoria.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, writeUrl: `${url}/api/v1/write`, log: victoria.output, close };
}
