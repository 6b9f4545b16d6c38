import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { createCollector } from '@pulse/collector';
import { attachPulse } from '@pulse/collector/socket.io';
import Fastify from 'fastify';
import { Server } from 'socket.io';
import { heavyImage, trickle } from './heavyImage.js';
import { CLEAN, PRESETS, impairSockets, type Impairment } from './impairment.js';
import { liveFeed } from './liveFeed.js';

export interface DemoOptions {
  /** Interface both servers listen on. Default 127.0.0.1. */
  host?: string;
  /** Collector port (beacons, /pulse.js). 0 picks a free one. Default 8080. */
  collectorPort?: number;
  /** The collector's admin port (dashboard, /metrics), always on 127.0.0.1. 0 picks a free one. Default 8081. */
  adminPort?: number;
  /** Demo site port. 0 picks a free one. Default 3000. */
  demoPort?: number;
  /** How long the slow route's hero image takes to arrive, in ms. Default 4500. */
  heavyImageMs?: number;
  /** Log requests of both servers. Default false. */
  logger?: boolean;
}

export interface RunningDemo {
  /** The collector's ingest origin: beacons and `/pulse.js`. */
  collectorUrl: string;
  /** The collector's admin origin, on loopback: its dashboard is at `/`, Prometheus metrics at `/metrics`. */
  adminUrl: string;
  /** The demo site's origin. */
  demoUrl: string;
  close(): Promise<void>;
}

/** The demo site's app, route templates and custom names (demo/src/app), pinned in its collector. */
const DEMO_APP = 'demo-shop';
const DEMO_ROUTES = ['/', '/products/:id', '/slow', '/chat'];
const DEMO_EVENT_NAMES = [
  'add-to-basket',
  'product-grid',
  'product-grid:update',
  'chat-messages',
  'chat-messages:update',
];

/** Placeholder in the built index.html that the server replaces with the collector's origin. */
const COLLECTOR_PLACEHOLDER = '__PULSE_COLLECTOR__';

/** Port 0 means "any free port": the origin is only known once listening. */
const origin = (address: string) =>
  address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '[::1]');

/**
 * Starts the demo: the React site with its socket.io chat on one port, and a Pulse collector
 * (dashboard included) on another, the socket server recording into the collector's registry.
 */
export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const {
    host = '127.0.0.1',
    collectorPort = 8080,
    adminPort = 8081,
    demoPort = 3000,
    heavyImageMs = 4500,
  } = options;
  const logger = options.logger ?? false;
  const appDirectory = fileURLToPath(new URL('../../app/', import.meta.url));
  const template = await readFile(`${appDirectory}index.html`, 'utf8').catch(() => {
    throw new Error(`demo site not built: ${appDirectory}index.html is missing (npm run build)`);
  });

  let impairment: Impairment = CLEAN;
  const image = heavyImage();
  const site = Fastify({ logger });
  let collectorUrl = '';
  // Vite puts every built file under assets/; every other path is a route of the single-page app.
  await site.register(fastifyStatic, {
    root: `${appDirectory}assets`,
    prefix: '/assets/',
    immutable: true,
    maxAge: '1y',
  });
  site.get('/images/hero.bmp', (_request, reply) => trickle(reply, image, heavyImageMs));
  site.get('/api/impairment', async () => ({ current: impairment, presets: PRESETS }));
  site.post<{ Body: Impairment }>(
    '/api/impairment',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['delayMs', 'jitterMs', 'dropShare'],
          properties: {
            delayMs: { type: 'number', minimum: 0, maximum: 5000 },
            jitterMs: { type: 'number', minimum: 0, maximum: 5000 },
            dropShare: { type: 'number', minimum: 0, maximum: 1 },
          },
        },
      },
    },
    async (request) => {
      impairment = request.body;
      io.emit('demo:impairment', impairment);
      return { current: impairment };
    },
  );
  site.setNotFoundHandler((request, reply) => {
    if (request.method !== 'GET' || request.url.startsWith('/api/')) {
      return reply.code(404).send({ error: 'not found' });
    }
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(template.replaceAll(COLLECTOR_PLACEHOLDER, collectorUrl));
  });
  const demoUrl = origin(await site.listen({ port: demoPort, host }));

  const collector = await createCollector({
    allowOrigins: [demoUrl, demoUrl.replace('127.0.0.1', 'localhost')],
    // Every demo visitor comes from this machine, one client network: the demo pins what a
    // real deployment would admit on evidence from many browsers (docs/SECURITY.md).
    apps: [DEMO_APP],
    routes: DEMO_ROUTES,
    eventNames: DEMO_EVENT_NAMES,
    // Culprits, scripts, releases and error groups cannot be pinned: from one network they would
    // all stay `__other__`, and the dashboard's "Why" would name nothing.
    admitAfterClients: 1,
    // Every demo visitor, the traffic generator's tabs included, comes from one loopback address.
    rateLimit: { max: 20_000, timeWindow: '1 minute' },
    logger,
  });
  collectorUrl = origin(await collector.listen({ port: collectorPort, host }));
  // The read side stays on this machine whatever `host` the demo was given.
  const adminUrl = await collector.pulseAdmin.listen({ port: adminPort, host: '127.0.0.1' });

  const io = new Server(site.server);
  const detach = attachPulse(io, { registry: collector.pulse.registry });
  impairSockets(io, () => impairment);
  io.on('connection', (socket) => socket.emit('demo:impairment', impairment));
  const stopFeed = liveFeed(io);

  return {
    collectorUrl,
    adminUrl,
    demoUrl,
    async close() {
      stopFeed();
      detach();
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await site.close().catch(() => {});
      await collector.close();
    },
  };
}
