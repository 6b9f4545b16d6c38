import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { CpuProfile } from '../profile/selfTime.js';
import type { Listening, Reply, ServerCommand, ServerKind, ServerStats } from './protocol.js';

/** A server under test running in its own process. */
export interface ChildServer {
  origin: string;
  /** A collector's admin side (`/metrics`, the dashboard, `/api/*`); other servers have none. */
  admin?: string;
  pid: number;
  /** Its memory, CPU and event-loop delay; `gc` collects garbage first. */
  stats(gc?: boolean): Promise<ServerStats>;
  /** Starts a new event-loop delay window. */
  resetDelay(): Promise<void>;
  profileStart(): Promise<void>;
  profileStop(): Promise<CpuProfile>;
  close(): Promise<void>;
}

/** A command before it gets its id (Omit that keeps the union's members apart). */
type CommandWithoutId = ServerCommand extends infer C
  ? C extends ServerCommand
    ? Omit<C, 'id'>
    : never
  : never;

// esbuild bundles every entry into dist/, so the server process script sits beside this code.
const SCRIPT = fileURLToPath(new URL('./serverProcess.js', import.meta.url));

/**
 * Starts `kind` in a child process (with `--expose-gc`, so memory can be read after a full
 * collection) and waits until it listens.
 */
export async function startChildServer(kind: ServerKind): Promise<ChildServer> {
  const child: ChildProcess = fork(SCRIPT, [kind], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [first] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`${kind} server exited with ${code} before listening`);
    }),
  ])) as [Listening];
  let next = 0;
  const pending = new Map<number, (result: unknown) => void>();
  child.on('message', (message: Reply) => pending.get(message.id)?.(message.result));
  const ask = <T>(command: CommandWithoutId): Promise<T> =>
    new Promise((resolve) => {
      const id = next++;
      pending.set(id, (result) => {
        pending.delete(id);
        resolve(result as T);
      });
      child.send({ ...command, id });
    });
  return {
    origin: first.listening,
    ...(first.admin ? { admin: first.admin } : {}),
    pid: child.pid!,
    stats: (gc = false) => ask<ServerStats>({ cmd: 'stats', gc }),
    resetDelay: () => ask<void>({ cmd: 'reset-delay' }),
    profileStart: () => ask<void>({ cmd: 'profile-start' }),
    profileStop: () => ask<CpuProfile>({ cmd: 'profile-stop' }),
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.disconnect();
      await exited;
    },
  };
}

/** A collector in a child process: beacons go to `origin`, reads to `admin`. */
export type ChildCollector = ChildServer & { admin: string };

/** Starts a collector (`collector`, or `collector-rate-limited`) as `startChildServer` does. */
export async function startChildCollector(
  kind: Extract<ServerKind, `collector${string}`> = 'collector',
): Promise<ChildCollector> {
  const server = await startChildServer(kind);
  const { admin } = server;
  if (admin === undefined) throw new Error(`${kind} reported no admin side`);
  return { ...server, admin };
}
