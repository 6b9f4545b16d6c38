import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { CHROMIUM_PATH } from './chromium.js';

/** What the figures were measured on; printed at the top of BENCHMARKS.md. */
export interface Machine {
  cores: number;
  cpu: string;
  memoryGiB: number;
  os: string;
  node: string;
  chromium: string;
}

/** Chromium's own version string, e.g. `Chromium 156.0.8078.79 built on Debian ...`. */
function chromiumVersion(): string {
  try {
    return execFileSync(CHROMIUM_PATH, ['--version'], { encoding: 'utf8', stdio: 'pipe' })
      .trim()
      .split('\n')
      .pop()!;
  } catch {
    return 'unavailable';
  }
}

/** Describes this machine. */
export function describeMachine(): Machine {
  return {
    cores: os.availableParallelism(),
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    chromium: chromiumVersion(),
  };
}
