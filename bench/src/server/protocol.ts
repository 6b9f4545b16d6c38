/** Messages between the bench (parent) and a server it runs in a child process. */

/** What the bench asks a server process for. */
export type ServerCommand =
  | { cmd: 'stats'; id: number; gc?: boolean }
  | { cmd: 'reset-delay'; id: number }
  | { cmd: 'profile-start'; id: number }
  | { cmd: 'profile-stop'; id: number };

/** Memory, CPU and event-loop delay of a server process, read inside it. */
export interface ServerStats {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  /** process.cpuUsage() since the process started, in microseconds. */
  cpuUser: number;
  cpuSystem: number;
  /**
   * Event-loop delay since the last reset (perf_hooks.monitorEventLoopDelay, 10 ms sampling), in
   * ms beyond the sampling interval: how late a timer due now would run.
   */
  delay: { mean: number; p50: number; p99: number; max: number };
}

/**
 * The kinds of server the bench can start: Pulse's collector; a bare fastify route as fastify
 * comes (`bare`), as fast as fastify can take a JSON body (`bare-fastest`), and that answering
 * once per turn of the event loop as the collector does (`bare-batched`); socket.io.
 */
export type ServerKind =
  'collector' | 'collector-rate-limited' | 'bare' | 'bare-fastest' | 'bare-batched' | 'socket';

/** The first message of a child: it listens; a collector also on its admin side (`/metrics`). */
export interface Listening {
  listening: string;
  admin?: string;
}

/** A reply to the command with the same id. */
export interface Reply {
  id: number;
  result: unknown;
}
