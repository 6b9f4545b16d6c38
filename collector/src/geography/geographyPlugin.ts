/**
 * The geography API on the read side (admin listener): `GET /api/v1/geography?app=`, the app's
 * experience by country (geographyReport.ts), which the dashboard's "Countries" section reads.
 * Documented in docs/GEOGRAPHY.md. Without `--country-header` it answers `enabled: false`.
 */
import { Type, type Static } from '@sinclair/typebox';
import fastifyPlugin from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import type { Registry } from 'prom-client';
import { readRegistry } from '../dashboard/registryReading.js';
import { GEOGRAPHY_SERIES, GeographySchema, geographyReport } from './geographyReport.js';

export const GEOGRAPHY_PATH = '/api/v1/geography';

export interface GeographyPluginOptions {
  registry: Registry;
  /** Whether the collector records `country` (`countryHeader` set). */
  enabled: boolean;
}

// App names are at most this long (beacon schema), so longer queries can match nothing.
const AppQuery = Type.Object({ app: Type.String({ minLength: 1, maxLength: 64 }) });

const geography: FastifyPluginAsync<GeographyPluginOptions> = async (app, options) => {
  app.get<{ Querystring: Static<typeof AppQuery> }>(
    GEOGRAPHY_PATH,
    { schema: { querystring: AppQuery, response: { 200: GeographySchema } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const { app: name } = request.query;
      if (!options.enabled) return { app: name, enabled: false, countries: [] };
      return geographyReport(await readRegistry(options.registry, GEOGRAPHY_SERIES), name);
    },
  );
};

export const geographyPlugin = fastifyPlugin(geography, {
  fastify: '5.x',
  name: 'pulse-geography',
});
