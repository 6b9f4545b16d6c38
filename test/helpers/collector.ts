import { createCollector, type CollectorOptions } from '@pulse/collector';
import type { FastifyInstance } from 'fastify';

export interface RunningCollector {
  url: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** Starts the built collector on a random loopback port, quiet unless PULSE_TEST_LOGS is set. */
export async function startCollector(
  options: Partial<CollectorOptions> = {},
): Promise<RunningCollector> {
  const app = await createCollector({ logger: Boolean(process.env.PULSE_TEST_LOGS), ...options });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, app, close: () => app.close() };
}
