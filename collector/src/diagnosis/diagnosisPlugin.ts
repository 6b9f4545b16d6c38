/**
 * The diagnosis API on the read side (admin listener): why a route is slow, how the newest
 * release compares with the previous one, and the app's error groups. Documented in
 * docs/DIAGNOSIS.md; the dashboard's "Why", "Releases" and "Errors" panels read it.
 */
import { Type, type Static } from '@sinclair/typebox';
import fastifyPlugin from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import type { Registry } from 'prom-client';
import { readRegistry } from '../dashboard/registryReading.js';
import type { DiagnosisState } from '../beacon/ingest.js';
import { DIAGNOSIS_SERIES, diagnosisReport } from './diagnosisReport.js';
import {
  FIRST_SEEN_SERIES,
  RELEASE_SERIES,
  releaseComparison,
  releasesNewestFirst,
} from './releaseComparison.js';

export const DIAGNOSIS_PATH = '/api/v1/diagnosis';
export const RELEASES_PATH = '/api/v1/releases';
export const ERRORS_PATH = '/api/v1/errors';

export interface DiagnosisPluginOptions {
  registry: Registry;
  state: DiagnosisState;
}

// Label values are at most this long (beacon schema), so longer queries can match nothing.
const AppQuery = Type.Object({ app: Type.String({ minLength: 1, maxLength: 64 }) });
const RouteQuery = Type.Object({
  app: Type.String({ minLength: 1, maxLength: 64 }),
  route: Type.String({ minLength: 1, maxLength: 256 }),
});

const diagnosis: FastifyPluginAsync<DiagnosisPluginOptions> = async (app, { registry, state }) => {
  const noStore = { 'cache-control': 'no-store' };

  app.get<{ Querystring: Static<typeof RouteQuery> }>(
    DIAGNOSIS_PATH,
    { schema: { querystring: RouteQuery } },
    async (request, reply) => {
      const reading = await readRegistry(registry, DIAGNOSIS_SERIES);
      const { app: name, route } = request.query;
      return reply.headers(noStore).send(diagnosisReport(reading, name, route, state.pageOrigins));
    },
  );

  app.get<{ Querystring: Static<typeof AppQuery> }>(
    RELEASES_PATH,
    { schema: { querystring: AppQuery } },
    async (request, reply) => {
      const reading = await readRegistry(registry, RELEASE_SERIES);
      return reply.headers(noStore).send(releaseComparison(reading, request.query.app));
    },
  );

  app.get<{ Querystring: Static<typeof AppQuery> }>(
    ERRORS_PATH,
    { schema: { querystring: AppQuery } },
    async (request, reply) => {
      const { app: name } = request.query;
      // Only which release is newest matters here: the first-seen gauge alone says it.
      const reading = await readRegistry(registry, [FIRST_SEEN_SERIES]);
      const [newest, previous] = releasesNewestFirst(reading, name);
      // New with the newest release: seen in it only, while a previous release was seen too (with
      // one release ever seen, every error would be "new").
      const isNew = (releases: readonly string[]) =>
        previous !== undefined && releases.length === 1 && releases[0] === newest?.release;
      const groups = state.errorGroups.list(name).map((group) => ({
        ...group,
        newInNewestRelease: isNew(group.releases),
      }));
      return reply
        .headers(noStore)
        .send({ app: name, newestRelease: newest?.release ?? null, groups });
    },
  );
};

export const diagnosisPlugin = fastifyPlugin(diagnosis, {
  fastify: '5.x',
  name: 'pulse-diagnosis',
});
