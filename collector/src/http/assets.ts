/**
 * `GET /pulse.js`, `/pulse.socket.js`, `/pulse.delivery.js`, `/pulse.webrtc.js` and
 * `/pulse.websocket.js`: the SDK's script-tag builds, served from memory.
 *
 * Each file is read and compressed once at startup (brotli, gzip), so serving costs no disk or
 * CPU per request. The URL is unversioned, so the cache policy is "fresh for an hour, then
 * revalidate" with a strong ETag per encoding: a deploy reaches every page within an hour, and
 * revalidation is a 304 without a body. CORS is open for these files: any page may load the SDK.
 * If the SDK has not been built, the route answers a clear 503 instead of failing startup.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ScriptName } from '../options.js';

const SCRIPT_NAMES: readonly ScriptName[] = [
  'pulse.js',
  'pulse.socket.js',
  'pulse.webrtc.js',
  'pulse.websocket.js',
  'pulse.delivery.js',
];
export const SCRIPT_CACHE_CONTROL = 'public, max-age=3600, stale-while-revalidate=86400';
const SCRIPT_TYPE = 'application/javascript; charset=utf-8';
const SOURCE_MAP_TYPE = 'application/json; charset=utf-8';

type Encoding = 'br' | 'gzip' | 'identity';

interface Representation {
  body: Buffer;
  etag: string;
}

/** A file held in memory in every encoding it is served in. */
type LoadedFile = Record<Encoding, Representation>;

const etagOf = (body: Buffer, encoding: Encoding) =>
  `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}-${encoding}"`;

const represent = (body: Buffer, encoding: Encoding): Representation => ({
  body,
  etag: etagOf(body, encoding),
});

/** Where the built SDK file is, via the `@pulse/sdk` package's exports map. */
function resolveSdkFile(name: ScriptName): string | undefined {
  try {
    return createRequire(import.meta.url).resolve(`@pulse/sdk/${name}`);
  } catch {
    return undefined;
  }
}

/** Reads and pre-compresses one file; `undefined` if it cannot be read. */
async function loadFile(path: string | undefined): Promise<LoadedFile | undefined> {
  if (path === undefined) return undefined;
  let source: Buffer;
  try {
    source = await readFile(path);
  } catch {
    return undefined;
  }
  const brotli = brotliCompressSync(source, {
    params: { [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY },
  });
  return {
    br: represent(brotli, 'br'),
    gzip: represent(gzipSync(source, { level: 9 }), 'gzip'),
    identity: represent(source, 'identity'),
  };
}

/** Best encoding the client accepts (q > 0), preferring brotli. */
export function chooseEncoding(acceptEncoding: string | undefined): Encoding {
  const accepted = new Set<string>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [token = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((param) => param.trim()).find((param) => param.startsWith('q='));
    if (q === undefined || Number(q.slice(2)) > 0) accepted.add(token.trim());
  }
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip')) return 'gzip';
  return 'identity';
}

/** RFC 9110 weak comparison, as If-None-Match requires: `W/"x"` matches `"x"`. */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

export interface AssetsPluginOptions {
  scripts: Partial<Record<ScriptName, string>>;
}

/** Serves one in-memory file with ETag revalidation and content negotiation. */
function sendFile(request: FastifyRequest, reply: FastifyReply, file: LoadedFile, type: string) {
  const encoding = chooseEncoding(request.headers['accept-encoding']);
  const { body, etag } = file[encoding];
  reply
    .header('etag', etag)
    .header('cache-control', SCRIPT_CACHE_CONTROL)
    .header('vary', 'accept-encoding')
    .header('x-content-type-options', 'nosniff');
  if (ifNoneMatchHits(request.headers['if-none-match'], etag)) return reply.code(304).send();
  if (encoding !== 'identity') reply.header('content-encoding', encoding);
  return reply.type(type).send(body);
}

const openToAnyOrigin = (reply: FastifyReply) =>
  reply
    .header('access-control-allow-origin', '*')
    .header('cross-origin-resource-policy', 'cross-origin');

export const assetsPlugin = fp(
  async (app: FastifyInstance, options: AssetsPluginOptions) => {
    for (const name of SCRIPT_NAMES) {
      const path = options.scripts[name] ?? resolveSdkFile(name);
      const script = await loadFile(path);
      // The build writes a source map beside each script; serve it so stack traces in
      // devtools point at real source. Absent map, absent route.
      const sourceMap = script === undefined ? undefined : await loadFile(`${path}.map`);
      const notBuilt = `${name} is not built; run \`npm run build -w @pulse/sdk\` and restart`;
      if (script === undefined) app.log.warn({ script: name, path }, notBuilt);

      app.get(`/${name}`, async (request: FastifyRequest, reply: FastifyReply) => {
        openToAnyOrigin(reply);
        if (script === undefined) {
          return reply.code(503).header('cache-control', 'no-store').send({
            error: 'Service Unavailable',
            reason: 'sdk_not_built',
            message: notBuilt,
          });
        }
        // The minified script carries no sourceMappingURL comment (bytes in every page);
        // devtools find the map through this header instead.
        if (sourceMap !== undefined) reply.header('sourcemap', `/${name}.map`);
        return sendFile(request, reply, script, SCRIPT_TYPE);
      });
      if (sourceMap !== undefined) {
        app.get(`/${name}.map`, async (request: FastifyRequest, reply: FastifyReply) =>
          sendFile(request, openToAnyOrigin(reply), sourceMap, SOURCE_MAP_TYPE),
        );
      }
    }
  },
  { fastify: '5.x', name: 'pulse-assets' },
);
