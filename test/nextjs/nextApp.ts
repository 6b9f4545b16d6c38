import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { userEnvironment } from '../packages/npm.js';

const run = promisify(execFile);

/** A `next start` server of an app's production build. */
export interface NextServer {
  url: string;
  /** What it printed, for failure messages. */
  output(): string;
  /** SIGTERM, then waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * The environment `next` runs in: the user's shell with `extra`, and no telemetry (it would post
 * to Vercel's servers, out of reach here). Without the runner's NODE_ENV=test, which would give
 * the build React's development copy.
 */
const nextEnvironment = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const { NODE_ENV: _runnerMode, ...environment } = userEnvironment();
  return { ...environment, NEXT_TELEMETRY_DISABLED: '1', ...extra };
};

/** The installed Next.js CLI of the app in `dir`, run with node as `npx next` would. */
const nextCli = (dir: string) => join(dir, 'node_modules/next/dist/bin/next');

/** `next build` in `dir` with `env` added; returns its output, fails with it. */
export async function buildNextApp(dir: string, env: Record<string, string>): Promise<string> {
  try {
    const { stdout, stderr } = await run(process.execPath, [nextCli(dir), 'build'], {
      cwd: dir,
      env: nextEnvironment(env),
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout + stderr;
  } catch (error) {
    const {
      stdout = '',
      stderr = '',
      message,
    } = error as {
      stdout?: string;
      stderr?: string;
      message: string;
    };
    throw new Error(`next build failed in ${dir}: ${message}\n${stdout}${stderr}`);
  }
}

/** `next start` of the build in `dir` on 127.0.0.1:`port`; resolves once it answers `/`. */
export async function startNextApp(dir: string, port: number): Promise<NextServer> {
  const child = spawn(
    process.execPath,
    [nextCli(dir), 'start', '--hostname', '127.0.0.1', '--port', String(port)],
    { cwd: dir, env: nextEnvironment(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited ${child.exitCode}: ${output}`);
    const answer = await fetch(url).catch(() => undefined);
    if (answer?.ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`next start did not answer ${url} in 30 s: ${output}`);
    }
    await delay(200);
  }
  return { url, output: () => output, stop };
}
