import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../collector/dist/esm/cli.js', import.meta.url));

/** A `pulse-collector` process started from the build. */
export interface CliCollector {
  /** Where browsers send beacons. */
  url: string;
  /** Where `/metrics` is served: the admin listener when there is one, else `url`. */
  metricsUrl: string;
  /** The first JSON log line whose `msg` is `msg`. */
  logLine(msg: string): Record<string, unknown> | undefined;
  /** Everything it wrote, for failure messages. */
  output(): string;
  /** SIGTERM (SIGKILL if still running 10 s later), then waits for it to exit. */
  stop(): Promise<void>;
  /** Sends `signal` and waits, however long it takes, for the process to exit; its exit code. */
  signal(signal: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs the built CLI with `args` on loopback (any free port for each listener), optionally under
 * an open-files limit (`ulimit -n`) of its own, and waits for its 'pulse collector ready' line.
 * `cli` runs another `pulse-collector` instead of the repository's build (an installed package's
 * `node_modules/.bin/pulse-collector`).
 */
export async function startCliCollector(
  args: readonly string[],
  { openFiles, cli = CLI }: { openFiles?: number; cli?: string } = {},
): Promise<CliCollector> {
  const command = [cli, '--host', '127.0.0.1', '--port', '0', ...args];
  const [file, argv] =
    openFiles === undefined
      ? [process.execPath, command]
      : ['bash', ['-c', `ulimit -n ${openFiles} && exec "$0" "$@"`, process.execPath, ...command]];
  const child = spawn(file, argv, {
    stdio: ['ignore', 'pipe', 'pipe'],
    // An admin listener, where the collector has one, also on a free port.
    env: { ...process.env, PULSE_ADMIN_PORT: '0' },
  });
  let output = '';
  const lines: Record<string, unknown>[] = [];
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`collector exited ${code}: ${output}`)));
    let partial = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const text = partial + chunk.toString();
      const complete = text.split('\n');
      partial = complete.pop()!;
      for (const line of complete) {
        const entry = JSON.parse(line) as Record<string, unknown>;
        lines.push(entry);
        if (entry.msg === 'pulse collector ready') resolve(entry);
      }
    });
  });
  const listening = lines
    .map((line) => /^Server listening at (\S+)$/.exec(String(line.msg))?.[1])
    .filter((url) => url !== undefined);
  const url = (ready.ingestUrl as string | undefined) ?? listening[0]!;
  return {
    url,
    metricsUrl: (ready.adminUrl as string | undefined) ?? url,
    logLine: (msg) => lines.find((line) => line.msg === msg),
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const stuck = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(stuck);
    },
    async signal(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = once(child, 'exit') as Promise<[number | null]>;
      child.kill(signal);
      const [code] = await exited;
      return code;
    },
  };
}
