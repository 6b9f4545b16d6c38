// A server under test, alone in its own process so its memory, CPU and event loop are its own:
// `node serverProcess.js collector` (Pulse's collector as the bench configures it,
// server/collectorOptions.ts), `... collector-rate-limited` (rate limiting on), `... bare`,
// `... bare-fastest` and `... bare-batched` (fastify routes that only parse the same body) or
// `... socket` (socket.io with attachPulse). It listens on 127.0.0.1, port 0 (a collector's
// admin side, which serves `/metrics`, the dashboard and `/api/*`, on a port of its own), and
// answers the bench's questions over IPC.
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { turnBatch } from '../../collector/src/beacon/turnBatch.js';
import { Registry } from 'prom-client';
import { Server } from 'socket.io';
import { createCollector } from '@pulse/collector';
import { attachPulse } from '@pulse/collector/socket.io';
import type {
  Listening,
  Reply,
  ServerCommand,
  ServerKind,
  ServerStats,
} from './server/protocol.js';
import { benchCollectorOptions } from './server/collectorOptions.js';

/**
 * A baseline: fastify with the collector's body limit, answering 204 without looking at the
 * beacon. `fastify` parses the body as fastify does by default (secure-json-parse, which also
 * scans the text for `__proto__` and `constructor` keys) in an async handler, as a fastify app
 * is usually written; `fastest` parses it with plain `JSON.parse`, as the collector does, in a
 * synchronous handler: the least work fastify can do to take the same body. `batched` is
 * `fastest` answering the requests of a turn of the event loop together, at its end, as the
 * collector does (collector/src/beacon/turnBatch.ts): what any route gains that way, apart from
 * what the collector's own work costs.
 */
async function createBareRoute(
  parsing: 'fastify' | 'fastest' | 'batched',
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  app.removeAllContentTypeParsers();
  if (parsing === 'fastify') {
    app.addContentTypeParser(
      ['application/json', 'text/plain'],
      { parseAs: 'string' },
      app.getDefaultJsonParser('error', 'error'),
    );
    app.post('/v1/rum', async (_request, reply) => reply.code(204).send());
    return app;
  }
  app.addContentTypeParser(
    ['application/json', 'text/plain'],
    { parseAs: 'string' },
    (_r, body, done) => {
      let value: unknown;
      try {
        value = JSON.parse(body as string);
      } catch (error) {
        done(Object.assign(error as Error, { statusCode: 400 }));
        return;
      }
      done(null, value);
    },
  );
  if (parsing === 'batched') {
    app.post('/v1/rum', (_request, reply) => answerThisTurn(reply));
    return app;
  }
  app.post('/v1/rum', (_request, reply) => {
    reply.code(204).send();
  });
  return app;
}

/** Answers 204 at the end of this turn of the event loop, with the others of the turn. */
const answerThisTurn = turnBatch((replies: readonly FastifyReply[]) => {
  for (const reply of replies) reply.code(204).send();
});

/** A socket.io server answering Pulse's probes, as an app using `@pulse/collector/socket.io` runs it. */
async function createSocketServer(): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  const io = new Server(app.server, { cors: { origin: '*' } });
  attachPulse(io, { registry: new Registry() });
  // The baseline of a probe: a plain event acked with its own payload, without Pulse.
  io.on('connection', (socket) =>
    socket.on('bench:echo', (payload: unknown, ack: unknown) => {
      if (typeof ack === 'function') ack(payload);
    }),
  );
  app.addHook('onClose', async () => void (await io.close()));
  return app;
}

const kind = process.argv[2] as ServerKind;
const BARE_PARSING = {
  bare: 'fastify',
  'bare-fastest': 'fastest',
  'bare-batched': 'batched',
} as const;
const app =
  kind === 'bare' || kind === 'bare-fastest' || kind === 'bare-batched'
    ? await createBareRoute(BARE_PARSING[kind])
    : kind === 'socket'
      ? await createSocketServer()
      : kind === 'collector-rate-limited'
        ? // The limiter's bookkeeping on every beacon, with a limit the load never reaches.
          await createCollector({
            ...benchCollectorOptions,
            rateLimit: { max: Number.MAX_SAFE_INTEGER, timeWindow: 60_000 },
          })
        : await createCollector(benchCollectorOptions);
/** monitorEventLoopDelay records whole sampling intervals; the interval is taken off again. */
const DELAY_RESOLUTION_MS = 10;
const delay = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS });
delay.enable();
const inspector = new Session();
inspector.connect();

const ms = (ns: number) => ns / 1e6;
const lateness = (ns: number) => Math.max(0, ms(ns) - DELAY_RESOLUTION_MS);
async function answer(message: ServerCommand): Promise<unknown> {
  switch (message.cmd) {
    case 'stats': {
      if (message.gc) (globalThis as { gc?: () => void }).gc?.();
      const memory = process.memoryUsage();
      const cpu = process.cpuUsage();
      const stats: ServerStats = {
        rss: memory.rss,
        heapUsed: memory.heapUsed,
        heapTotal: memory.heapTotal,
        external: memory.external,
        cpuUser: cpu.user,
        cpuSystem: cpu.system,
        delay: {
          mean: lateness(delay.mean),
          p50: lateness(delay.percentile(50)),
          p99: lateness(delay.percentile(99)),
          max: lateness(delay.max),
        },
      };
      return stats;
    }
    case 'reset-delay':
      delay.reset();
      return null;
    case 'profile-start':
      await inspector.post('Profiler.enable');
      await inspector.post('Profiler.setSamplingInterval', { interval: 200 });
      await inspector.post('Profiler.start');
      return null;
    case 'profile-stop':
      return (await inspector.post('Profiler.stop')).profile;
  }
}

process.on('message', (message: ServerCommand) => {
  void answer(message).then((result) => process.send!({ id: message.id, result } satisfies Reply));
});
process.on('disconnect', () => void app.close().then(() => process.exit(0)));

const origin = async (server: FastifyInstance) => {
  await server.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
};
const listening = await origin(app);
// Only a collector has an admin side; `app.close()` closes it too.
const admin = app.hasDecorator('pulseAdmin') ? await origin(app.pulseAdmin) : undefined;
process.send!({ listening, ...(admin ? { admin } : {}) } satisfies Listening);
