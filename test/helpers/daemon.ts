/**
 * A long-running program a test starts (Prometheus, VictoriaMetrics): its output kept for failure
 * messages, whether it has exited, and a stop that waits for the exit.
 */
import { spawn } from 'node:child_process';

export interface Daemon {
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  exited(): boolean;
  /** SIGTERM unless it has exited already; resolves once it has. */
  stop(): Promise<void>;
}

export function spawnDaemon(bin: string, args: readonly string[]): Daemon {
  let output = '';
  let exited = false;
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<void>((resolve) => {
    const ended = () => {
      exited = true;
      resolve();
    };
    child.once('exit', ended);
    // Not installed, or not executable: one clear line instead of an unhandled error event.
    child.once('error', (error) => {
      output += `${bin} could not start (${error.message}); test/setup/system-deps.sh installs it\n`;
      ended();
    });
  });
  return {
    output: () => output,
    exited: () => exited,
    async stop() {
      if (!exited) child.kill('SIGTERM');
      await exit;
    },
  };
}
