import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Beacon } from '@pulse/sdk/protocol';

export interface BeaconRecorder {
  /** Stands for the collector: pages load `${url}/pulse.js` and send their beacons here. */
  url: string;
  /** Every beacon body posted, parsed, in the order they came in. */
  beacons: Beacon[];
  close(): Promise<void>;
}

/**
 * A pass-through in front of a collector that keeps a copy of each beacon: what the browser
 * sent, the beacons of pages being left included. Playwright's request events miss those: a
 * document's keepalive request outlives the document. Everything else (`/pulse.js`, CORS
 * preflights, the collector's answers and headers) passes through unchanged, so the collector
 * sees the page's own `Origin` and the same loopback client.
 */
export async function recordBeacons(collectorUrl: string): Promise<BeaconRecorder> {
  const beacons: Beacon[] = [];
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      if (incoming.method === 'POST' && incoming.url?.split('?')[0] === '/v1/rum') {
        try {
          beacons.push(JSON.parse(body.toString('utf8')) as Beacon);
        } catch {
          // Not JSON: the collector answers it, and the tests read what it recorded.
        }
      }
      const upstream = request(
        `${collectorUrl}${incoming.url ?? '/'}`,
        { method: incoming.method, headers: incoming.headers },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      upstream.on('error', () => outgoing.writeHead(502).end());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    beacons,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
