import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HERO_SVG } from './testPage.js';

/** Full HTML of each page, by name: served as `/<name>.html`. */
export type Pages = Record<string, string>;

/** A running page server: its origin, and how many POST bodies (beacons) each path received. */
export interface PageServer {
  origin: string;
  beacons: Map<string, number>;
  beaconBytes: Map<string, number>;
  close(): Promise<void>;
}

/**
 * Serves each page as `/<name>.html`, the hero image of the test page, the scripts in `scripts` (path → file), and answers
 * every POST (Pulse's `/v1/rum`, Faro's `/collect`) with 204, counting them. A plain node:http
 * server rather than the collector: the browser's cost is what is measured, and a collector
 * scoring beacons would compete for the same two cores.
 */
export async function startPageServer(
  pages: Pages,
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
    const page = path.match(/^\/(\w+)\.html$/)?.[1];
    if (page !== undefined && page in pages) {
      res.writeHead(200, { 'content-type': 'text/html' }).end(pages[page]);
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
