/**
 * `GET /healthz` (liveness: the process answers) and `GET /readyz` (readiness: send traffic
 * here).
 *
 * Shutdown behind a load balancer has two steps: first stop being ready while still serving
 * (`pulseReadiness.drain()`), so the balancer takes this replica out without dropping beacons
 * already on their way; then close. Once fastify starts closing it answers 503 to everything.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';

/** Readiness of this collector, as `GET /readyz` reports it. */
export interface Readiness {
  /** False once draining or closing has begun. */
  readonly ready: boolean;
  /** Report not ready from now on, while still serving requests. */
  drain(): void;
}

export const healthPlugin = fp(
  async (app: FastifyInstance) => {
    let ready = true;
    const readiness: Readiness = {
      get ready() {
        return ready;
      },
      drain() {
        ready = false;
      },
    };
    app.decorate('pulseReadiness', readiness);
    app.addHook('preClose', async () => readiness.drain());

    // Probes hit these every few seconds; keep them out of the info log.
    app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
    app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) =>
      ready
        ? reply.code(200).send({ status: 'ready' })
        : reply.code(503).send({ status: 'draining' }),
    );
  },
  { fastify: '5.x', name: 'pulse-health' },
);

declare module 'fastify' {
  interface FastifyInstance {
    /** Readiness of the Pulse collector; `drain()` before closing behind a load balancer. */
    pulseReadiness: Readiness;
  }
}
