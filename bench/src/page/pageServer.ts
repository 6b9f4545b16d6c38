import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HERO_SVG, testPage } from './testPage.js';

/** The RUM script tags each variant puts in the page's head, by variant name. */
export type Variants = Record<string, string>;

/** A running page server: its origin, and how many POST bodies (beacons) each path received. */
export interface PageServer {
  origin: string;
  beacons: Map<string, number>;
  beaconBytes: Map<string, number>;
  close(): Promise<void>;
}

/**
 * Serves the test page as `/<variant>.html`, the scripts in `scripts` (path → file), and answers
 * every POST (Pulse's `/v1/rum`, Faro's `/collect`) with 204, counting them. A plain node:http
 * server rather than the collector: the browser's cost is what is measured, and a collector
 * scoring beacons would compete for the same two cores.
 */
export async function startPageServer(
  variants: Variants,
  scripts: Record<string, string>,
): Promise<PageServer> {
  const files = new Map<string, Buffer>();
  for (const [path, file] of Object.entries(scripts)) files.set(path, await readFile(file));
  const beacons = new Map<string, number>();
  const beaconBytes = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'POST') {
      let size = 0;
      req.on('data', (chunk: Buffer) => (size += chunk.byteLength));
      req.on('end', () => {
        beacons.set(path, (beacons.get(path) ?? 0) + 1);
        beaconBytes.set(path, (beaconBytes.get(path) ?? 0) + size);
        res.writeHead(204).end();
      });
      return;
    }
    const variant = path.match(/^\/(\w+)\.html$/)?.[1];
    if (variant !== undefined && variant in variants) {
      res.writeHead(200, { 'content-type': 'text/html' }).end(testPage(variants[variant]!));
    } else if (path === '/hero.svg') {
      res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(HERO_SVG);
    } else if (files.has(path)) {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(files.get(path));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    beacons,
    beaconBytes,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
