/**
 * The test's side of test/webrtc/lab/callRunner.ts: bundles the runner once (it runs in the
 * namespace as plain Node, outside vitest), starts it there, and follows what it reports.
 */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { WebRtcEvent } from '@pulse/sdk';
import type { Netlab } from './netlab.js';

/** One line the runner reports. */
export type CallLine =
  | { t: 'ready' }
  | { t: 'window'; w: WebRtcEvent }
  | { t: 'state'; s: string; port?: number }
  | { t: 'error'; message: string }
  | { t: 'done'; windows: number; metrics: string };

export interface Call {
  lines: CallLine[];
  /** Resolves once `ready(lines)` holds; rejects after `ms` or if the runner exits first. */
  until(ready: (lines: CallLine[]) => boolean, ms?: number): Promise<void>;
  /** Stops the monitor, and resolves with the collector's /metrics once every window is in. */
  finish(): Promise<{ windows: number; metrics: string }>;
}

// Inside node_modules so that the bundle's bare imports (playwright-core, @pulse/collector)
// resolve from the repository's own node_modules.
const BUNDLE = fileURLToPath(
  new URL('../../../node_modules/.cache/pulse-webrtc/callRunner.mjs', import.meta.url),
);

export async function bundleCallRunner(): Promise<void> {
  await build({
    entryPoints: [fileURLToPath(new URL('./callRunner.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: BUNDLE,
    logLevel: 'warning',
  });
}

export function startCall(lab: Netlab, app: string, interval: number): Call {
  const child: ChildProcess = lab.spawn('node', [BUNDLE, JSON.stringify({ app, interval })]);
  const lines: CallLine[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  let exited = false;
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    lines.push(JSON.parse(line) as CallLine);
    waiters.forEach((check) => check());
  });
  child.once('exit', () => {
    exited = true;
    waiters.forEach((check) => check());
  });

  const until: Call['until'] = (ready, ms = 60_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`call: condition not met in ${ms} ms`)), ms);
      const done = (error?: Error) => {
        clearTimeout(timer);
        waiters.delete(check);
        if (error) reject(new Error(`${error.message}\n${stderr.slice(-2000)}`));
        else resolve();
      };
      const check = () => {
        if (ready(lines)) done();
        else if (exited) done(new Error('call: the runner exited'));
      };
      waiters.add(check);
      check();
    });

  return {
    lines,
    until,
    async finish() {
      child.stdin!.write('finish\n');
      await until((seen) => seen.some((line) => line.t === 'done'), 60_000);
      const done = lines.find((line) => line.t === 'done') as Extract<CallLine, { t: 'done' }>;
      return { windows: done.windows, metrics: done.metrics };
    },
  };
}
