import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { chooseEncoding, ifNoneMatchHits } from './assets.js';
import type { CollectorOptions } from '../options.js';
import { createCollector } from '../server.js';

const SCRIPT = '(function(){window.Pulse={track:function(){}};})();\n'.repeat(20);
const SOURCE_MAP = JSON.stringify({ version: 3, file: 'pulse.js', mappings: '' });
let dir: string;
let scriptPath: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pulse-assets-'));
  scriptPath = join(dir, 'pulse.js');
  await writeFile(scriptPath, SCRIPT);
  await writeFile(`${scriptPath}.map`, SOURCE_MAP);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function collector(options: Partial<CollectorOptions> = {}) {
  app = await createCollector({ processMetrics: false, rateLimit: false, ...options });
  return app;
}

const get = (target: FastifyInstance, url: string, headers: Record<string, string> = {}) =>
  target.inject({ method: 'GET', url, headers });

describe('GET /pulse.js', () => {
  it('serves the script with JS type, a strong ETag, revalidating cache and open CORS', async () => {
    const target = await collector({ scripts: { 'pulse.js': scriptPath } });
    const response = await get(target, '/pulse.js', { origin: 'https://any.example.org' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(SCRIPT);
    expect(response.headers['content-type']).toBe('application/javascript; charset=utf-8');
    expect(response.headers.etag).toMatch(/^"[A-Za-z0-9_-]+-identity"$/);
    expect(response.headers['cache-control']).toMatch(/max-age=\d+/);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(response.headers.vary).toMatch(/accept-encoding/i);
  });

  it('answers 304 without a body when the ETag still matches (weak or strong)', async () => {
    const target = await collector({ scripts: { 'pulse.js': scriptPath } });
    const { etag } = (await get(target, '/pulse.js')).headers;
    for (const ifNoneMatch of [String(etag), `W/${etag}`, `"other", ${etag}`]) {
      const response = await get(target, '/pulse.js', { 'if-none-match': ifNoneMatch });
      expect(response.statusCode, ifNoneMatch).toBe(304);
      expect(response.body).toBe('');
      expect(response.headers.etag).toBe(etag);
    }
    const stale = await get(target, '/pulse.js', { 'if-none-match': '"stale"' });
    expect(stale.statusCode).toBe(200);
  });

  it('serves brotli or gzip when accepted, each with its own ETag', async () => {
    const target = await collector({ scripts: { 'pulse.js': scriptPath } });
    const br = await get(target, '/pulse.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(SCRIPT);
    expect(br.rawPayload.length).toBeLessThan(SCRIPT.length);
    const gzip = await get(target, '/pulse.js', { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.rawPayload).toString()).toBe(SCRIPT);
    expect(new Set([br.headers.etag, gzip.headers.etag]).size).toBe(2);
  });

  it('answers 503 with a reason when the SDK file is missing, and still starts', async () => {
    const target = await collector({
      scripts: { 'pulse.js': join(dir, 'missing.js'), 'pulse.socket.js': join(dir, 'nope.js') },
    });
    for (const url of ['/pulse.js', '/pulse.socket.js']) {
      const response = await get(target, url);
      expect(response.statusCode).toBe(503);
      expect(response.json<{ reason: string; message: string }>()).toMatchObject({
        reason: 'sdk_not_built',
        message: expect.stringContaining('npm run build'),
      });
    }
    expect((await get(target, '/healthz')).statusCode).toBe(200);
  });

  it('defaults to the built @pulse/sdk files', async () => {
    const built = fileURLToPath(new URL('../../../sdk/dist/pulse.js', import.meta.url));
    const target = await collector();
    const response = await get(target, '/pulse.js');
    // Unit tests may run before the SDK build; both states must answer clearly.
    if (existsSync(built)) expect(response.statusCode).toBe(200);
    else expect(response.json<{ reason: string }>().reason).toBe('sdk_not_built');
  });
});

describe('GET /pulse.js.map', () => {
  it('serves the source map written beside the script', async () => {
    const target = await collector({ scripts: { 'pulse.js': scriptPath } });
    const response = await get(target, '/pulse.js.map');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.json()).toEqual(JSON.parse(SOURCE_MAP));
    expect(response.headers.etag).toMatch(/^"/);
  });

  it('is named by the SourceMap header of the script, which carries no comment for it', async () => {
    const target = await collector({ scripts: { 'pulse.js': scriptPath } });
    expect((await get(target, '/pulse.js')).headers.sourcemap).toBe('/pulse.js.map');
  });

  it('has no route when there is no map', async () => {
    const target = await collector({ scripts: { 'pulse.js': join(dir, 'missing.js') } });
    expect((await get(target, '/pulse.js.map')).statusCode).toBe(404);
  });
});

describe('content negotiation helpers', () => {
  it.each([
    [undefined, 'identity'],
    ['', 'identity'],
    ['gzip, deflate, br', 'br'],
    ['br;q=0, gzip', 'gzip'],
    ['identity', 'identity'],
    ['GZIP;q=0.5', 'gzip'],
  ])('Accept-Encoding %s → %s', (header, expected) => {
    expect(chooseEncoding(header)).toBe(expected);
  });

  it('matches If-None-Match lists, wildcards and weak tags', () => {
    expect(ifNoneMatchHits('"a", "b"', '"b"')).toBe(true);
    expect(ifNoneMatchHits('W/"b"', '"b"')).toBe(true);
    expect(ifNoneMatchHits('*', '"b"')).toBe(true);
    expect(ifNoneMatchHits('"a"', '"b"')).toBe(false);
    expect(ifNoneMatchHits(undefined, '"b"')).toBe(false);
  });
});
