/**
 * `GET /healthz` (liveness: the process answers) and `GET /readyz` (readiness: send traffic
 * here). Readiness turns false as soon as shutdown begins, so a load balancer drains this
 * replica while in-flight beacons finish.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';

export const healthPlugin = fp(
  async (app: FastifyInstance) => {
    let closing = false;
    app.addHook('preClose', async () => {
      closing = true;
    });

    // Probes hit these every few seconds; keep them out of the info log.
    app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
    app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) =>
      closing
        ? reply.code(503).send({ status: 'closing' })
        : reply.code(200).send({ status: 'ready' }),
    );
  },
  { fastify: '5.x', name: 'pulse-health' },
);
